"""The registry pages: the second line keeps each system's 判定表 and 整理表 and decides on
the changes a system's managing unit proposes; everyone who may read a system sees which
non-public items other companies' users can still reach and what closes each."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from governance.decorators import login_view, object_view, scope_view
from governance.models import AuditEvent, Organization
from governance.permissions import perms_on, visible_to
from measures.views.authoring import (
    NOTHING_SAVED,
    form_page,
    form_view,
    pick_organization,
    save_form,
)
from registry import selectors, services
from registry.forms import DecisionForm, ItemForm, ProposalForm, ReachForm, RegistrationForm
from registry.models import InformationItem, Proposal, Reachability, SystemRegistration


def _items_of(user):
    return InformationItem.objects.filter(
        registration__in=selectors.registrations_for(user), archived_at__isnull=True
    ).select_related("registration__system", "organization")


def _reaches_of(user):
    return Reachability.objects.filter(
        item__registration__in=selectors.registrations_for(user), archived_at__isnull=True
    ).select_related("item__registration", "organization")


def _proposals_of(user):
    return Proposal.objects.filter(
        item__registration__in=selectors.registrations_for(user)
    ).select_related("item__registration")


@login_view
def registry_list(request):
    registrations = selectors.registrations_for(request.user)
    exposures = list(selectors.exposures_for(registrations))
    open_by_system = {}
    for reach in exposures:
        open_by_system[reach.item.registration_id] = (
            open_by_system.get(reach.item.registration_id, 0) + 1
        )
    rows = [(r, open_by_system.get(r.pk, 0)) for r in selectors.registration_rows(registrations)]
    return render(
        request,
        "registry/list.html",
        {
            "rows": rows,
            "today": timezone.localdate(),
            "keeps": visible_to(request.user, Organization.objects.all(), "author_plan").exists(),
        },
    )


@login_view
def exposure_list(request):
    return render(
        request,
        "registry/exposures.html",
        {"exposures": selectors.exposures_for(selectors.registrations_for(request.user))},
    )


def _registration_fields(data) -> dict:
    return {k: data[k] for k in services.REGISTRATION_FIELDS if k in data}


@require_http_methods(["GET", "POST"])
@scope_view(model=Organization, perm="author_plan")
def registration_create(request, scope):
    organization = pick_organization(request, scope)
    form = RegistrationForm(request.POST or None, organization=organization)
    made = []
    if request.method == "POST" and save_form(
        form,
        lambda data: made.append(
            services.registration_create(
                organization=organization,
                system=data["system"],
                actor=request.user,
                reason=data["reason"],
                **_registration_fields(data),
            )
        ),
    ):
        messages.success(request, _("The system was put in the registry."))
        return redirect("registry-system", made[0].pk)
    return form_page(
        request,
        title=_("A system in the registry — %(org)s") % {"org": organization},
        form=form,
        cancel=reverse("registry-list"),
        organizations=scope.order_by("code") if scope.count() > 1 else None,
        organization=organization,
    )


@require_http_methods(["GET", "POST"])
@object_view(model=SystemRegistration, perm="change")
def registration_edit(request, registration):
    form = RegistrationForm(
        request.POST or None,
        organization=registration.organization,
        initial=RegistrationForm.initial_for(registration),
        editing=True,
    )
    return form_view(
        request,
        form,
        lambda data: services.registration_update(
            registration=registration,
            actor=request.user,
            reason=data["reason"],
            **_registration_fields(data),
        ),
        done=_("The registry was changed."),
        then=reverse("registry-system", args=[registration.pk]),
        title=_("Edit %(system)s in the registry") % {"system": registration.system.name},
        cancel=reverse("registry-system", args=[registration.pk]),
    )


@object_view(model=SystemRegistration, perm="view", audit=AuditEvent.Action.VIEWED)
def registration_detail(request, registration):
    held = perms_on(request.user, registration)
    items = list(
        registration.items.filter(archived_at__isnull=True)
        .select_related("decided_by")
        .prefetch_related("measures", "monitoring")
        .order_by("code")
    )
    reaches = list(
        Reachability.objects.filter(item__in=items, archived_at__isnull=True)
        .select_related("reached_by", "closing_measure", "item")
        .order_by("item__code", "pk")
    )
    return render(
        request,
        "registry/system.html",
        {
            "registration": registration,
            "items": items,
            "reaches": reaches,
            "proposals": Proposal.objects.filter(item__in=items)
            .select_related("item", "reachability__reached_by", "requested_by", "decided_by")
            .order_by("-requested_at")[:20],
            "keeps": "change_systemregistration" in held,
            "proposes": "propose_registry_change" in held,
            "decision_form": DecisionForm(),
            "today": timezone.localdate(),
        },
    )


def _by_registration(obj):
    return obj.registration if isinstance(obj, InformationItem) else obj.item.registration


@require_http_methods(["GET", "POST"])
@object_view(model=SystemRegistration, perm="change", url_kwarg="pk")
def item_create(request, registration):
    form = ItemForm(request.POST or None, organization=registration.organization)
    return form_view(
        request,
        form,
        lambda data: services.item_create(
            registration=registration,
            monitoring=list(data.pop("monitoring")),
            actor=request.user,
            **data,
        ),
        done=_("The information item was recorded."),
        then=reverse("registry-system", args=[registration.pk]),
        title=_("Information held by %(system)s") % {"system": registration.system.name},
        cancel=reverse("registry-system", args=[registration.pk]),
    )


@require_http_methods(["GET", "POST"])
@object_view(
    model=InformationItem,
    queryset=_items_of,
    guard=_by_registration,
    perm="change_systemregistration",
)
def item_edit(request, item):
    form = ItemForm(
        request.POST or None,
        organization=item.organization,
        initial=ItemForm.initial_for(item),
        editing=True,
    )

    def update(data):
        reason = data.pop("reason")
        services.item_update(
            item=item,
            monitoring=list(data.pop("monitoring")),
            actor=request.user,
            reason=reason,
            **data,
        )

    return form_view(
        request,
        form,
        update,
        done=_("The registry was changed."),
        then=reverse("registry-system", args=[item.registration_id]),
        title=_("Edit %(item)s") % {"item": item},
        cancel=reverse("registry-system", args=[item.registration_id]),
    )


@require_http_methods(["GET", "POST"])
@object_view(
    model=InformationItem,
    queryset=_items_of,
    guard=_by_registration,
    perm="change_systemregistration",
)
def reach_create(request, item):
    form = ReachForm(request.POST or None, organization=item.organization)
    return form_view(
        request,
        form,
        lambda data: services.reachability_create(item=item, actor=request.user, **data),
        done=_("The reach was recorded."),
        then=reverse("registry-system", args=[item.registration_id]),
        title=_("Who can reach %(item)s") % {"item": item},
        cancel=reverse("registry-system", args=[item.registration_id]),
    )


@require_http_methods(["GET", "POST"])
@object_view(
    model=Reachability,
    queryset=_reaches_of,
    guard=_by_registration,
    perm="change_systemregistration",
)
def reach_edit(request, reach):
    form = ReachForm(
        request.POST or None,
        organization=reach.organization,
        initial=ReachForm.initial_for(reach),
        editing=True,
    )

    def update(data):
        reason = data.pop("reason")
        services.reachability_update(reachability=reach, actor=request.user, reason=reason, **data)

    return form_view(
        request,
        form,
        update,
        done=_("The registry was changed."),
        then=reverse("registry-system", args=[reach.item.registration_id]),
        title=_("Edit the reach of %(item)s") % {"item": reach.item},
        cancel=reverse("registry-system", args=[reach.item.registration_id]),
    )


@require_http_methods(["GET", "POST"])
@object_view(
    model=InformationItem,
    queryset=_items_of,
    guard=_by_registration,
    perm="propose_registry_change",
)
def proposal_create(request, item):
    form = ProposalForm(request.POST or None, item=item)
    return form_view(
        request,
        form,
        lambda data: services.proposal_submit(item=item, actor=request.user, **data),
        done=_("The proposal was sent to the second line."),
        then=reverse("registry-system", args=[item.registration_id]),
        title=_("Propose a change to %(item)s") % {"item": item},
        cancel=reverse("registry-system", args=[item.registration_id]),
    )


@require_POST
@object_view(
    model=Proposal,
    queryset=_proposals_of,
    guard=lambda p: p.item.registration,
    perm="change_systemregistration",
)
def proposal_decide(request, proposal):
    form = DecisionForm(request.POST)
    if save_form(
        form,
        lambda data: services.proposal_decide(proposal=proposal, actor=request.user, **data),
    ):
        messages.success(request, _("The proposal was decided."))
    else:
        errors = [e for errors in form.errors.values() for e in errors]
        messages.error(request, f"{NOTHING_SAVED} {' '.join(errors)}")
    return redirect("registry-system", proposal.item.registration_id)
