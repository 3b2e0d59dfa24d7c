"""The reference data beside the plan, kept by the second line in the compliance pages:
incidents, affected systems, regulatory actions and their required items; a committee's
meetings and recommendations, by its company's second line and its secretariat."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from governance import services as gov
from governance.decorators import log_denied, object_view, scope_view
from governance.models import Committee, Meeting, Organization, Recommendation, RegulatoryAction
from governance.permissions import visible_to
from incidents import services as inc
from incidents.models import AffectedSystem, Incident
from measures.reference_forms import (
    IncidentForm,
    MeetingForm,
    RecommendationForm,
    RegulatoryActionForm,
    RequiredItemForm,
    SystemForm,
)
from measures.views.authoring import form_page, form_view, pick_organization, save_form


def _authored(user):
    return visible_to(user, Organization.objects.all(), "author_plan")


def _authored_records(model):
    """The ``model`` records of the organizations the person writes the plan of."""
    return lambda user: model.objects.filter(organization__in=_authored(user))


def _by_organization(obj):
    return obj.organization


def _choices(scope):
    return scope.order_by("code") if scope.count() > 1 else None


# -- incidents -----------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@scope_view(model=Organization, perm="author_plan")
def incident_create(request, scope):
    organization = pick_organization(request, scope)
    form = IncidentForm(request.POST or None, organization=organization)
    made = []
    if request.method == "POST" and save_form(
        form,
        lambda data: made.append(
            inc.incident_create(
                organization=organization,
                number=inc.next_incident_number(organization),
                title=data["title"],
                summary=data["summary"],
                organizations_involved=list(data["organizations_involved"]),
                systems=list(data["systems"]),
                notes=data["notes"],
                actor=request.user,
                reason=data["reason"] or _("Incident recorded"),
            )
        ),
    ):
        messages.success(request, _("The incident was recorded."))
        return redirect("incident-detail", made[0].pk)
    return form_page(
        request,
        title=_("New incident — %(org)s") % {"org": organization},
        form=form,
        cancel=reverse("incident-list"),
        organizations=_choices(scope),
        organization=organization,
    )


@require_http_methods(["GET", "POST"])
@object_view(
    model=Incident,
    queryset=_authored_records(Incident),
    guard=_by_organization,
    perm="author_plan",
)
def incident_edit(request, incident):
    initial = {
        "title": incident.title,
        "summary": incident.summary,
        "notes": incident.notes,
        "organizations_involved": list(
            incident.organizations_involved.values_list("pk", flat=True)
        ),
        "systems": list(incident.systems.values_list("pk", flat=True)),
    }
    form = IncidentForm(
        request.POST or None, organization=incident.organization, initial=initial, editing=True
    )
    return form_view(
        request,
        form,
        lambda data: inc.incident_update(
            incident=incident,
            title=data["title"],
            summary=data["summary"],
            notes=data["notes"],
            organizations_involved=list(data["organizations_involved"]),
            systems=list(data["systems"]),
            actor=request.user,
            reason=data["reason"],
        ),
        done=_("The incident was changed."),
        then=reverse("incident-detail", args=[incident.pk]),
        title=_("Edit incident %(label)s") % {"label": incident.label},
        cancel=reverse("incident-detail", args=[incident.pk]),
    )


# -- affected systems ----------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@scope_view(model=Organization, perm="author_plan")
def system_list(request, scope):
    organization = pick_organization(request, scope)
    form = SystemForm(request.POST or None)
    if request.method == "POST" and save_form(
        form,
        lambda data: inc.affected_system_create(
            organization=organization,
            code=data["code"],
            name=data["name"],
            operator=data["operator"],
            description=data["description"],
            actor=request.user,
            reason=data["reason"] or _("System recorded"),
        ),
    ):
        messages.success(request, _("The system was recorded."))
        return redirect(reverse("system-list") + f"?organization={organization.pk}")
    if form.errors:
        messages.error(request, _("Nothing was saved; see the messages next to the fields."))
    return render(
        request,
        "incidents/systems.html",
        {
            "organization": organization,
            "organizations": _choices(scope),
            "systems": AffectedSystem.objects.filter(
                organization=organization, archived_at__isnull=True
            ).order_by("code"),
            "form": form,
        },
    )


@require_http_methods(["GET", "POST"])
@object_view(
    model=AffectedSystem,
    queryset=_authored_records(AffectedSystem),
    guard=_by_organization,
    perm="author_plan",
)
def system_edit(request, system):
    initial = {"name": system.name, "operator": system.operator, "description": system.description}
    form = SystemForm(request.POST or None, initial=initial, editing=True)
    return form_view(
        request,
        form,
        lambda data: inc.affected_system_update(
            system=system,
            name=data["name"],
            operator=data["operator"],
            description=data["description"],
            actor=request.user,
            reason=data["reason"],
        ),
        done=_("The system was changed."),
        then=reverse("system-list") + f"?organization={system.organization_id}",
        title=_("Edit system %(name)s") % {"name": system.name},
        cancel=reverse("system-list"),
    )


# -- regulatory actions --------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@scope_view(model=Organization, perm="author_plan")
def regulatory_create(request, scope):
    organization = pick_organization(request, scope)
    form = RegulatoryActionForm(request.POST or None)

    def record(data):
        fields = dict(data)
        reason = fields.pop("reason") or _("Regulatory action recorded")
        gov.regulatory_action_record(
            organization=organization, actor=request.user, reason=reason, **fields
        )

    if request.method == "POST" and save_form(form, record):
        messages.success(request, _("The regulatory action was recorded."))
        return redirect("regulatory-list")
    return form_page(
        request,
        title=_("New regulatory action — %(org)s") % {"org": organization},
        form=form,
        cancel=reverse("regulatory-list"),
        organizations=_choices(scope),
        organization=organization,
    )


_ACTION_FIELDS = ("authority", "action_type", "reference", "title", "legal_basis", "summary")


@require_http_methods(["GET", "POST"])
@object_view(
    model=RegulatoryAction,
    queryset=_authored_records(RegulatoryAction),
    guard=_by_organization,
    perm="author_plan",
)
def regulatory_edit(request, action):
    initial = {name: getattr(action, name) for name in _ACTION_FIELDS}
    initial["issued_on"] = action.issued_on.isoformat()
    initial["response_due"] = action.response_due.isoformat() if action.response_due else ""
    form = RegulatoryActionForm(request.POST or None, initial=initial, editing=True)
    item_form = RequiredItemForm(request.POST or None, prefix="item")

    def update(data):
        fields = dict(data)
        reason = fields.pop("reason")
        gov.regulatory_action_update(action=action, actor=request.user, reason=reason, **fields)

    if request.method == "POST" and "item-text" in request.POST:
        form = RegulatoryActionForm(initial=initial, editing=True)
        if save_form(
            item_form,
            lambda data: gov.required_item_add(
                action=action, text=data["text"], actor=request.user
            ),
        ):
            messages.success(request, _("The required item was added."))
            return redirect("regulatory-edit", action.pk)
    elif request.method == "POST":
        item_form = RequiredItemForm(prefix="item")
        if save_form(form, update):
            messages.success(request, _("The regulatory action was changed."))
            return redirect("regulatory-list")
    return form_page(
        request,
        title=_("Edit %(action)s") % {"action": action},
        form=form,
        cancel=reverse("regulatory-list"),
        item_form=item_form,
        items=action.required_items.filter(archived_at__isnull=True).order_by("number"),
    )


# -- committee proceedings -----------------------------------------------------------------
def _may_record(request, committee: Committee) -> None:
    if not gov.committee_may_record(request.user, committee):
        log_denied(request, model=Committee, key=committee.pk, status=403)
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
@object_view(model=Committee)
def meeting_create(request, committee):
    _may_record(request, committee)
    form = MeetingForm(request.POST or None)
    return form_view(
        request,
        form,
        lambda data: gov.meeting_record(
            committee=committee,
            number=gov.next_meeting_number(committee),
            held_on=data["held_on"],
            title=data["title"],
            summary=data["summary"],
            actor=request.user,
            reason=data["reason"],
        ),
        done=_("The meeting was recorded."),
        then=reverse("committee-detail", args=[committee.pk]),
        title=_("New meeting — %(committee)s") % {"committee": committee},
        cancel=reverse("committee-detail", args=[committee.pk]),
    )


@require_http_methods(["GET", "POST"])
@object_view(model=Committee)
def recommendation_create(request, committee):
    _may_record(request, committee)
    form = RecommendationForm(request.POST or None, committee=committee)
    return form_view(
        request,
        form,
        lambda data: gov.recommendation_record(
            committee=committee,
            number=gov.next_recommendation_number(committee),
            text=data["text"],
            received_on=data["received_on"],
            meeting=data["meeting"],
            actor=request.user,
            reason=data["reason"],
        ),
        done=_("The recommendation was recorded."),
        then=reverse("committee-detail", args=[committee.pk]),
        title=_("New recommendation — %(committee)s") % {"committee": committee},
        cancel=reverse("committee-detail", args=[committee.pk]),
    )


def _committee_records(model):
    """``model`` records of committees the person sees (who may write them: the view)."""
    return lambda user: model.objects.filter(
        committee__in=visible_to(user, Committee.objects.all())
    ).select_related("committee")


@require_http_methods(["GET", "POST"])
@object_view(model=Meeting, queryset=_committee_records(Meeting))
def meeting_edit(request, meeting):
    _may_record(request, meeting.committee)
    initial = {
        "held_on": meeting.held_on.isoformat() if meeting.held_on else "",
        "title": meeting.title,
        "summary": meeting.summary,
    }
    form = MeetingForm(request.POST or None, initial=initial, editing=True)
    return form_view(
        request,
        form,
        lambda data: gov.meeting_update(meeting=meeting, actor=request.user, **data),
        done=_("The meeting was changed."),
        then=reverse("committee-detail", args=[meeting.committee_id]),
        title=_("Edit %(meeting)s") % {"meeting": meeting},
        cancel=reverse("committee-detail", args=[meeting.committee_id]),
    )


@require_http_methods(["GET", "POST"])
@object_view(model=Recommendation, queryset=_committee_records(Recommendation))
def recommendation_edit(request, recommendation):
    _may_record(request, recommendation.committee)
    initial = {
        "text": recommendation.text,
        "received_on": recommendation.received_on.isoformat(),
        "meeting": recommendation.meeting_id,
    }
    form = RecommendationForm(
        request.POST or None, committee=recommendation.committee, initial=initial, editing=True
    )
    return form_view(
        request,
        form,
        lambda data: gov.recommendation_update(
            recommendation=recommendation, actor=request.user, **data
        ),
        done=_("The recommendation was changed."),
        then=reverse("committee-detail", args=[recommendation.committee_id]),
        title=_("Edit recommendation #%(n)s") % {"n": recommendation.number},
        cancel=reverse("committee-detail", args=[recommendation.committee_id]),
    )
