"""The second line writes the plan: countermeasures and sub-items (create, edit, withdraw,
reorder, links to required items and recommendations), perspectives and root causes. Every
write goes through the services with a reason, and a refusal comes back next to the fields
with nothing saved."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from core.forms import apply_service_errors
from governance.decorators import object_view, scope_view
from governance.models import Organization
from governance.permissions import visible_to
from incidents import services as incident_services
from incidents.models import RootCause
from measures import services
from measures.models import Countermeasure, Perspective
from measures.plan_forms import (
    ArchiveForm,
    MeasureForm,
    PerspectiveForm,
    ReflectionForm,
    RootCauseForm,
)

NOTHING_SAVED = gettext_lazy("Nothing was saved; see the messages next to the fields.")


def pick_organization(request, scope):
    """The organization named by ``?organization=`` among ``scope`` (404 outside it), or
    the first of them."""
    raw = request.GET.get("organization") or request.POST.get("organization")
    if raw:
        try:
            return scope.get(pk=int(raw))
        except (ValueError, Organization.DoesNotExist):
            raise Http404 from None
    return scope.order_by("code").first()


def form_page(request, *, title: str, form, cancel: str, **extra):
    if form.is_bound and form.errors:
        messages.error(request, NOTHING_SAVED)
    return render(
        request,
        "measures/form.html",
        {"title": title, "form": form, "cancel": cancel, **extra},
    )


def form_view(request, form, call, *, done: str, then: str, title: str, cancel: str, **extra):
    """The common shape of a writing page: on a valid POST call the service, say ``done``
    and go to ``then``; otherwise the form (again, with its errors)."""
    if request.method == "POST" and save_form(form, call):
        messages.success(request, done)
        return redirect(then)
    return form_page(request, title=title, form=form, cancel=cancel, **extra)


def save_form(form, call) -> bool:
    """Call the service with the valid form; a refusal goes next to the fields."""
    if not form.is_valid():
        return False
    try:
        with transaction.atomic():
            call(form.cleaned_data)
    except ValidationError as exc:
        apply_service_errors(form, exc)
        return False
    return True


# -- countermeasures --------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@scope_view(model=Organization, perm="author_plan")
def measure_create(request, scope):
    organization = pick_organization(request, scope)
    parent = None
    parent_raw = request.GET.get("parent", "")
    if parent_raw:
        parent = (
            Countermeasure.objects.filter(
                organization=organization, parent__isnull=True, archived_at__isnull=True
            )
            .filter(pk=int(parent_raw) if parent_raw.isdigit() else None)
            .first()
        )
        if parent is None:
            raise Http404
    form = MeasureForm(
        request.POST or None,
        organization=organization,
        initial={"parent": parent.pk, "perspective": parent.perspective_id} if parent else None,
    )
    created: list[Countermeasure] = []

    def create(data):
        fields = form.service_fields()
        if data["parent"] is not None and fields["perspective"] is None:
            fields["perspective"] = data["parent"].perspective
        measure = services.countermeasure_create(
            organization=organization,
            code=data["code"],
            parent=data["parent"],
            actor=request.user,
            reason=data["reason"],
            **fields,
        )
        services.countermeasure_set_required_items(
            measure=measure,
            items=data["required_items"],
            actor=request.user,
            reason=data["reason"] or _("Countermeasure created"),
        )
        created.append(measure)

    if request.method == "POST" and save_form(form, create):
        messages.success(request, _("The measure %(code)s was added.") % {"code": created[0].code})
        return redirect("measure-detail", created[0].pk)
    title = (
        _("New sub-item of %(code)s") % {"code": parent.code}
        if parent
        else _("New countermeasure — %(org)s") % {"org": organization}
    )
    return form_page(
        request,
        title=title,
        form=form,
        cancel=reverse("measure-list"),
        organizations=scope.order_by("code") if scope.count() > 1 else None,
        organization=organization,
    )


@require_http_methods(["GET", "POST"])
@object_view(model=Countermeasure, perm="plan_countermeasure")
def measure_edit(request, measure):
    form = MeasureForm(request.POST or None, organization=measure.organization, measure=measure)

    def update(data):
        fields = form.service_fields()
        root_causes = fields.pop("root_causes")
        services.countermeasure_update(
            measure=measure,
            actor=request.user,
            reason=data["reason"],
            root_causes=root_causes,
            code=data["code"],
            **fields,
        )
        services.countermeasure_set_required_items(
            measure=measure,
            items=data["required_items"],
            actor=request.user,
            reason=data["reason"],
        )

    if request.method == "POST" and save_form(form, update):
        messages.success(request, _("The measure was changed."))
        return redirect("measure-detail", measure.pk)
    return form_page(
        request,
        title=_("Edit %(code)s") % {"code": measure.code},
        form=form,
        cancel=reverse("measure-detail", args=[measure.pk]),
        measure=measure,
        archive_form=ArchiveForm(),
    )


@require_POST
@object_view(model=Countermeasure, perm="plan_countermeasure")
def measure_archive(request, measure):
    form = ArchiveForm(request.POST)
    if save_form(
        form,
        lambda data: services.countermeasure_archive(
            measure=measure, actor=request.user, reason=data["reason"]
        ),
    ):
        messages.success(
            request, _("The measure %(code)s was withdrawn from the plan.") % {"code": measure.code}
        )
        return redirect("measure-list")
    return form_page(
        request,
        title=_("Edit %(code)s") % {"code": measure.code},
        form=MeasureForm(organization=measure.organization, measure=measure),
        cancel=reverse("measure-detail", args=[measure.pk]),
        measure=measure,
        archive_form=form,
    )


@require_POST
@object_view(model=Countermeasure, perm="plan_countermeasure")
def measure_move(request, measure):
    up = request.POST.get("direction") != "down"
    try:
        services.countermeasure_move(measure=measure, up=up, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    nxt = request.POST.get("next", "")
    if nxt.startswith("/") and not nxt.startswith("//"):
        return redirect(nxt)
    return redirect(reverse("measure-list") + "?sort=plan")


@require_POST
@object_view(model=Countermeasure, perm="plan_countermeasure")
def measure_reflect(request, measure):
    form = ReflectionForm(request.POST, organization=measure.organization)
    if save_form(
        form,
        lambda data: services.recommendation_link_measure(
            recommendation=data["recommendation"],
            measure=measure,
            how_reflected=data["how_reflected"],
            actor=request.user,
        ),
    ):
        messages.success(request, _("The recommendation was linked."))
        return redirect("measure-detail", measure.pk)
    return form_page(
        request,
        title=_("Link a recommendation to %(code)s") % {"code": measure.code},
        form=form,
        cancel=reverse("measure-detail", args=[measure.pk]),
        action=reverse("measure-reflect", args=[measure.pk]),
    )


# -- perspectives -----------------------------------------------------------------------------
def _authored(user):
    return visible_to(user, Organization.objects.all(), "author_plan")


@require_http_methods(["GET", "POST"])
@scope_view(model=Organization, perm="author_plan")
def perspective_list(request, scope):
    organization = pick_organization(request, scope)
    form = PerspectiveForm(request.POST or None)
    if request.method == "POST" and save_form(
        form,
        lambda data: services.perspective_create(
            organization=organization,
            code=data["code"],
            name=data["name"],
            position=data["position"],
            actor=request.user,
            reason=data["reason"] or _("Perspective added"),
        ),
    ):
        messages.success(request, _("The perspective was added."))
        return redirect(reverse("perspective-list") + f"?organization={organization.pk}")
    if form.errors:
        messages.error(request, NOTHING_SAVED)
    return render(
        request,
        "measures/perspectives.html",
        {
            "organization": organization,
            "organizations": scope.order_by("code") if scope.count() > 1 else None,
            "perspectives": Perspective.objects.filter(
                organization=organization, archived_at__isnull=True
            ).order_by("position"),
            "form": form,
        },
    )


@require_http_methods(["GET", "POST"])
@object_view(
    model=Perspective,
    queryset=lambda user: Perspective.objects.filter(organization__in=_authored(user)),
    guard=lambda perspective: perspective.organization,
    perm="author_plan",
)
def perspective_edit(request, perspective):
    initial = {"name": perspective.name, "position": perspective.position}
    form = PerspectiveForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and save_form(
        form,
        lambda data: services.perspective_update(
            perspective=perspective,
            name=data["name"],
            position=data["position"],
            actor=request.user,
            reason=data["reason"],
        ),
    ):
        messages.success(request, _("The perspective was changed."))
        return redirect(
            reverse("perspective-list") + f"?organization={perspective.organization_id}"
        )
    return form_page(
        request,
        title=_("Edit perspective %(name)s") % {"name": perspective.name},
        form=form,
        cancel=reverse("perspective-list"),
    )


# -- root causes ------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@scope_view(model=Organization, perm="author_plan")
def root_cause_create(request, scope):
    organization = pick_organization(request, scope)
    form = RootCauseForm(request.POST or None, organization=organization)
    return form_view(
        request,
        form,
        lambda data: incident_services.root_cause_create(
            organization=organization,
            number=incident_services.next_root_cause_number(organization),
            title=data["title"],
            short_title=data["short_title"],
            explanation=data["explanation"],
            incidents=list(data["incidents"]),
            actor=request.user,
            reason=data["reason"] or _("Root cause added"),
        ),
        done=_("The root cause was added."),
        then=reverse("root-causes"),
        title=_("New root cause — %(org)s") % {"org": organization},
        cancel=reverse("root-causes"),
        organizations=scope.order_by("code") if scope.count() > 1 else None,
        organization=organization,
    )


@require_http_methods(["GET", "POST"])
@object_view(
    model=RootCause,
    queryset=lambda user: RootCause.objects.filter(organization__in=_authored(user)),
    guard=lambda root_cause: root_cause.organization,
    perm="author_plan",
)
def root_cause_edit(request, root_cause):
    initial = {
        "title": root_cause.title,
        "short_title": root_cause.short_title,
        "explanation": root_cause.explanation,
        "incidents": list(root_cause.incidents.values_list("pk", flat=True)),
    }
    form = RootCauseForm(
        request.POST or None, organization=root_cause.organization, initial=initial, editing=True
    )
    return form_view(
        request,
        form,
        lambda data: incident_services.root_cause_update(
            root_cause=root_cause,
            title=data["title"],
            short_title=data["short_title"],
            explanation=data["explanation"],
            incidents=list(data["incidents"]),
            actor=request.user,
            reason=data["reason"],
        ),
        done=_("The root cause was changed."),
        then=reverse("root-causes"),
        title=_("Edit root cause %(label)s") % {"label": root_cause.label},
        cancel=reverse("root-causes"),
    )
