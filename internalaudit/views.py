"""The internal audit pages: the auditor writes the plan, engagements and findings, follows
findings up and closes them; the unit a finding is addressed to writes its management
response and agreed action; the second line and the top of the company read the plan."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from governance.decorators import login_view, object_view, scope_view
from governance.models import AuditEvent, Organization
from governance.permissions import perms_on, visible_to
from internalaudit import selectors, services
from internalaudit.forms import (
    CloseForm,
    EngagementForm,
    FindingForm,
    FollowUpForm,
    PlanForm,
    ResponseForm,
)
from internalaudit.models import AuditPlan, Engagement, Finding, FindingState
from measures.views.authoring import (
    NOTHING_SAVED,
    form_page,
    form_view,
    pick_organization,
    save_form,
)

FINDINGS_PER_PAGE = 50


@login_view
def audit_list(request):
    plans = list(selectors.plans_for(request.user).select_related("organization"))
    engagements = defaultdict(list)
    unplanned = []
    for engagement in selectors.engagements_for(request.user).select_related("organization"):
        (engagements[engagement.plan_id] if engagement.plan_id else unplanned).append(engagement)
    findings = (
        selectors.findings_for(request.user)
        .select_related("organization", "addressed_to", "engagement")
        .order_by("state", "response_due", "pk")
    )
    return render(
        request,
        "internalaudit/list.html",
        {
            "plans": [(plan, engagements[plan.pk]) for plan in plans],
            "unplanned": unplanned,
            "page": Paginator(findings, FINDINGS_PER_PAGE).get_page(request.GET.get("page")),
            "audits": visible_to(
                request.user, Organization.objects.all(), "conduct_audit"
            ).exists(),
            "today": timezone.localdate(),
        },
    )


# -- the plan --------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@scope_view(model=Organization, perm="conduct_audit")
def plan_create(request, scope):
    organization = pick_organization(request, scope)
    form = PlanForm(request.POST or None, organization=organization)

    def create(data):
        services.audit_plan_create(
            organization=organization,
            fiscal_year=data["fiscal_year"],
            title=data["title"],
            approved=data["approved"],
            established_by=data["established_by"],
            note=data["note"],
            actor=request.user,
            reason=data["reason"],
        )

    return form_view(
        request,
        form,
        create,
        done=_("The audit plan was drawn up."),
        then=reverse("internal-audit"),
        title=_("New audit plan — %(org)s") % {"org": organization},
        cancel=reverse("internal-audit"),
        organizations=scope.order_by("code") if scope.count() > 1 else None,
        organization=organization,
    )


@require_http_methods(["GET", "POST"])
@object_view(model=AuditPlan, perm="change")
def plan_edit(request, plan):
    form = PlanForm(
        request.POST or None,
        organization=plan.organization,
        initial=PlanForm.initial_for(plan),
        editing=True,
    )
    return form_view(
        request,
        form,
        lambda data: services.audit_plan_update(
            plan=plan,
            title=data["title"],
            approved=data["approved"],
            established_by=data["established_by"],
            note=data["note"],
            actor=request.user,
            reason=data["reason"],
        ),
        done=_("The audit plan was changed."),
        then=reverse("internal-audit"),
        title=_("Edit the audit plan %(year)s") % {"year": plan.fiscal_year},
        cancel=reverse("internal-audit"),
    )


# -- engagements -----------------------------------------------------------------------------
def _engagement_fields(data) -> dict:
    return {key: data[key] for key in services.ENGAGEMENT_FIELDS if key in data}


@require_http_methods(["GET", "POST"])
@scope_view(model=Organization, perm="conduct_audit")
def engagement_create(request, scope):
    organization = pick_organization(request, scope)
    initial = {"plan": request.GET.get("plan")} if request.GET.get("plan") else None
    form = EngagementForm(request.POST or None, organization=organization, initial=initial)
    made = []

    def create(data):
        made.append(
            services.engagement_create(
                organization=organization,
                code=data["code"],
                systems=list(data["systems"]),
                units=list(data["units"]),
                actor=request.user,
                reason=data["reason"],
                **_engagement_fields(data),
            )
        )

    if request.method == "POST" and save_form(form, create):
        messages.success(request, _("The audit engagement was planned."))
        return redirect("audit-engagement", made[0].pk)
    return form_page(
        request,
        title=_("New audit engagement — %(org)s") % {"org": organization},
        form=form,
        cancel=reverse("internal-audit"),
        organizations=scope.order_by("code") if scope.count() > 1 else None,
        organization=organization,
    )


@require_http_methods(["GET", "POST"])
@object_view(model=Engagement, perm="change")
def engagement_edit(request, engagement):
    form = EngagementForm(
        request.POST or None,
        organization=engagement.organization,
        initial=EngagementForm.initial_for(engagement),
        editing=True,
    )
    return form_view(
        request,
        form,
        lambda data: services.engagement_update(
            engagement=engagement,
            systems=list(data["systems"]),
            units=list(data["units"]),
            actor=request.user,
            reason=data["reason"],
            **_engagement_fields(data),
        ),
        done=_("The audit engagement was changed."),
        then=reverse("audit-engagement", args=[engagement.pk]),
        title=_("Edit the audit engagement %(code)s") % {"code": engagement.code},
        cancel=reverse("audit-engagement", args=[engagement.pk]),
    )


def _engagement_page(request, engagement, *, finding_form=None):
    held = perms_on(request.user, engagement)
    writes = "change_engagement" in held
    if writes and finding_form is None:
        finding_form = FindingForm(
            organization=engagement.organization,
            initial={"reported_on": timezone.localdate().isoformat()},
        )
    return render(
        request,
        "internalaudit/engagement.html",
        {
            "engagement": engagement,
            "findings": selectors.findings_for(request.user)
            .filter(engagement=engagement)
            .select_related("addressed_to")
            .order_by("number"),
            "systems": engagement.systems.order_by("code"),
            "units": engagement.units.select_related("organization").order_by("path"),
            "can_edit": writes,
            "finding_form": finding_form if writes else None,
        },
    )


@object_view(model=Engagement, perm="view", audit=AuditEvent.Action.VIEWED)
def engagement_detail(request, engagement):
    return _engagement_page(request, engagement)


@require_POST
@object_view(model=Engagement, perm="change")
def finding_create(request, engagement):
    form = FindingForm(request.POST, organization=engagement.organization)
    made = []
    if save_form(
        form,
        lambda data: made.append(
            services.finding_record(
                engagement=engagement,
                actor=request.user,
                root_causes=list(data.pop("root_causes")),
                **data,
            )
        ),
    ):
        messages.success(
            request, _("The finding %(label)s was reported.") % {"label": made[0].label}
        )
        return redirect("audit-finding", made[0].pk)
    messages.error(request, NOTHING_SAVED)
    return _engagement_page(request, engagement, finding_form=form)


# -- findings --------------------------------------------------------------------------------
def _finding_page(request, finding, *, forms=None):
    held = perms_on(request.user, finding)
    open_ = finding.state != FindingState.CLOSED
    org = finding.organization
    forms = forms or {}
    today = timezone.localdate().isoformat()
    respond = open_ and "respond_finding" in held
    closes = open_ and "close_finding" in held
    response_initial = {
        "management_response": finding.management_response,
        "agreed_action": finding.agreed_action,
        "action_owner": finding.action_owner_id or finding.addressed_to_id,
        "action_due": finding.action_due.isoformat() if finding.action_due else "",
    }
    return render(
        request,
        "internalaudit/finding.html",
        {
            "finding": finding,
            "engagement": finding.engagement,
            "measures": finding.measures.order_by("code"),
            "root_causes": finding.root_causes.order_by("number"),
            "follow_ups": finding.follow_ups.select_related("recorded_by"),
            "history": finding.history.select_related("history_user").order_by("-history_date"),
            "can_edit": open_ and "change_finding" in held,
            "response_form": (
                forms.get("response") or ResponseForm(organization=org, initial=response_initial)
            )
            if respond
            else None,
            "follow_up_form": (
                forms.get("follow_up") or FollowUpForm(initial={"checked_on": today})
            )
            if closes
            else None,
            "close_form": (forms.get("close") or CloseForm(initial={"closed_on": today}))
            if closes and finding.state == FindingState.RESPONDED
            else None,
        },
    )


@object_view(model=Finding, perm="view", audit=AuditEvent.Action.VIEWED)
def finding_detail(request, finding):
    return _finding_page(request, finding)


@require_http_methods(["GET", "POST"])
@object_view(model=Finding, perm="change")
def finding_edit(request, finding):
    form = FindingForm(
        request.POST or None,
        organization=finding.organization,
        initial=FindingForm.initial_for(finding),
        editing=True,
    )

    def update(data):
        reason = data.pop("reason")
        services.finding_update(
            finding=finding,
            root_causes=list(data.pop("root_causes")),
            actor=request.user,
            reason=reason,
            **data,
        )

    return form_view(
        request,
        form,
        update,
        done=_("The finding was changed."),
        then=reverse("audit-finding", args=[finding.pk]),
        title=_("Edit the finding %(label)s") % {"label": finding.label},
        cancel=reverse("audit-finding", args=[finding.pk]),
    )


def _finding_post(request, finding, *, key, form, call, done):
    if save_form(form, call):
        messages.success(request, done)
        return redirect("audit-finding", finding.pk)
    messages.error(request, NOTHING_SAVED)
    return _finding_page(request, finding, forms={key: form})


@require_POST
@object_view(model=Finding, perm="respond_finding")
def finding_respond(request, finding):
    return _finding_post(
        request,
        finding,
        key="response",
        form=ResponseForm(request.POST, organization=finding.organization),
        call=lambda data: services.finding_respond(finding=finding, actor=request.user, **data),
        done=_("The management response was recorded."),
    )


@require_POST
@object_view(model=Finding, perm="close_finding")
def finding_follow_up(request, finding):
    return _finding_post(
        request,
        finding,
        key="follow_up",
        form=FollowUpForm(request.POST),
        call=lambda data: services.finding_follow_up(finding=finding, actor=request.user, **data),
        done=_("The follow-up was recorded."),
    )


@require_POST
@object_view(model=Finding, perm="close_finding")
def finding_close(request, finding):
    return _finding_post(
        request,
        finding,
        key="close",
        form=CloseForm(request.POST),
        call=lambda data: services.finding_close(finding=finding, actor=request.user, **data),
        done=_("The finding was closed."),
    )
