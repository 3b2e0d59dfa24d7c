"""Writes of the internal audit records. The auditor's services write the plan, the
engagements, the findings, follow-ups and closure; the auditee's service writes the
management response and agreed action only, so that nobody else edits a finding. Each is
atomic, validated with a coded refusal, kept in the history with who and why, audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import PrecisionDate
from core.errors import refusal, refuse_other_organization
from core.history import save_tracked
from governance import permissions
from governance.audit import audit_change
from governance.models import Line, Organization, OrgUnit
from incidents.models import AffectedSystem, RootCause
from internalaudit.models import (
    AuditPlan,
    Engagement,
    Finding,
    FindingState,
    FollowUp,
)
from measures.models import Countermeasure

ENGAGEMENT_FIELDS = (
    "plan",
    "title",
    "scope",
    "audit_items",
    "period_start",
    "period_end",
    "external_experts",
    "fieldwork_start",
    "fieldwork_end",
    "status",
    "established_by",
    "note",
)
FINDING_FIELDS = (
    "title",
    "rating",
    "criteria",
    "condition",
    "cause",
    "recommendation",
    "addressed_to",
    "reported_on",
    "response_due",
)


# -- the plan ------------------------------------------------------------------------------
@transaction.atomic
def audit_plan_create(
    *,
    organization: Organization,
    fiscal_year: int,
    title: str,
    approved: PrecisionDate | None = None,
    established_by: Countermeasure | None = None,
    note: str = "",
    actor,
    reason: str = "",
) -> AuditPlan:
    """The audit plan of ``organization`` for a fiscal year (one per year)."""
    if AuditPlan.objects.filter(organization=organization, fiscal_year=fiscal_year).exists():
        raise refusal(
            "fiscal_year", _("This fiscal year already has an audit plan."), code="year_taken"
        )
    refuse_other_organization(
        organization.pk,
        "established_by",
        [established_by],
        _("The measure belongs to another organization."),
    )
    plan = AuditPlan(
        organization=organization,
        fiscal_year=fiscal_year,
        title=title,
        established_by=established_by,
        note=note,
    )
    plan.approved = approved
    reason = reason or _("Audit plan drawn up")
    save_tracked(plan, actor=actor, reason=reason)
    permissions.access_sync_objects(AuditPlan, [plan.pk], actor=actor)
    audit_change(plan, actor=actor, reason=reason)
    return plan


@transaction.atomic
def audit_plan_update(
    *,
    plan: AuditPlan,
    title: str,
    approved: PrecisionDate | None,
    established_by: Countermeasure | None,
    note: str,
    actor,
    reason: str,
) -> AuditPlan:
    if not reason.strip():
        raise refusal("reason", _("Say why the plan changes."), code="reason_required")
    plan = AuditPlan.objects.select_for_update().get(pk=plan.pk)
    refuse_other_organization(
        plan.organization_id,
        "established_by",
        [established_by],
        _("The measure belongs to another organization."),
    )
    plan.title, plan.established_by, plan.note = title, established_by, note
    plan.approved = approved
    save_tracked(plan, actor=actor, reason=reason)
    audit_change(plan, actor=actor, reason=reason)
    return plan


# -- engagements ---------------------------------------------------------------------------
def _check_engagement(
    engagement: Engagement, *, systems: list[AffectedSystem], units: list[OrgUnit]
) -> None:
    org = engagement.organization_id
    message = _("It belongs to another organization.")
    if engagement.plan_id and engagement.plan.organization_id != org:
        raise refusal("plan", message, code="other_org")
    refuse_other_organization(org, "established_by", [engagement.established_by], message)
    refuse_other_organization(
        org, "systems", systems, _("A system belongs to another organization.")
    )
    refuse_other_organization(org, "units", units, _("A unit belongs to another organization."))
    for start, end, field in (
        ("period_start", "period_end", "period_end"),
        ("fieldwork_start", "fieldwork_end", "fieldwork_end"),
    ):
        first, last = getattr(engagement, start), getattr(engagement, end)
        if first and last and last < first:
            raise refusal(field, _("The end is before the start."), code="end_before_start")


@transaction.atomic
def engagement_create(
    *,
    organization: Organization,
    code: str,
    title: str,
    systems: Iterable[AffectedSystem] = (),
    units: Iterable[OrgUnit] = (),
    actor,
    reason: str = "",
    **fields,
) -> Engagement:
    """An audit of ``organization``, in a year's plan or not yet."""
    unknown = set(fields) - set(ENGAGEMENT_FIELDS)
    if unknown:
        raise TypeError(f"not an engagement field: {sorted(unknown)}")
    if Engagement.objects.filter(organization=organization, code=code).exists():
        raise refusal("code", _("This code is already used."), code="code_taken")
    engagement = Engagement(organization=organization, code=code, title=title, **fields)
    systems, units = list(systems), list(units)
    _check_engagement(engagement, systems=systems, units=units)
    reason = reason or _("Audit engagement planned")
    save_tracked(engagement, actor=actor, reason=reason)
    engagement.systems.set(systems)
    engagement.units.set(units)
    permissions.access_sync_objects(Engagement, [engagement.pk], actor=actor)
    audit_change(engagement, actor=actor, reason=reason)
    return engagement


@transaction.atomic
def engagement_update(
    *,
    engagement: Engagement,
    actor,
    reason: str,
    systems: Iterable[AffectedSystem] | None = None,
    units: Iterable[OrgUnit] | None = None,
    **fields,
) -> Engagement:
    unknown = set(fields) - set(ENGAGEMENT_FIELDS)
    if unknown:
        raise TypeError(f"not an engagement field: {sorted(unknown)}")
    if not reason.strip():
        raise refusal("reason", _("Say why the engagement changes."), code="reason_required")
    engagement = Engagement.objects.select_for_update().get(pk=engagement.pk)
    for name, value in fields.items():
        setattr(engagement, name, value)
    systems = list(engagement.systems.all()) if systems is None else list(systems)
    units = list(engagement.units.all()) if units is None else list(units)
    _check_engagement(engagement, systems=systems, units=units)
    save_tracked(engagement, actor=actor, reason=reason)
    engagement.systems.set(systems)
    engagement.units.set(units)
    audit_change(engagement, actor=actor, reason=reason)
    return engagement


# -- findings ------------------------------------------------------------------------------
def _check_finding(finding: Finding, *, root_causes: list[RootCause]) -> None:
    org = finding.organization_id
    if finding.addressed_to.organization_id != org:
        raise refusal(
            "addressed_to", _("The unit belongs to another organization."), code="other_org"
        )
    if finding.addressed_to.line not in (Line.FIRST, Line.SECOND):
        raise refusal(
            "addressed_to",
            _("Address the finding to a unit of the first or second line."),
            code="not_auditee",
        )
    refuse_other_organization(
        org, "root_causes", root_causes, _("A root cause belongs to another organization.")
    )
    if finding.response_due < finding.reported_on:
        raise refusal(
            "response_due", _("The response is due before the finding is reported."),
            code="due_before_report",
        )  # fmt: skip
    if finding.reported_on > timezone.localdate():
        raise refusal("reported_on", _("A finding cannot be reported ahead."), code="future")


@transaction.atomic
def finding_record(
    *,
    engagement: Engagement,
    title: str,
    rating: str,
    criteria: str,
    condition: str,
    recommendation: str,
    addressed_to: OrgUnit,
    reported_on: dt.date,
    response_due: dt.date,
    cause: str = "",
    root_causes: Iterable[RootCause] = (),
    actor,
) -> Finding:
    """A finding of ``engagement``, numbered per company, addressed to a unit of the first
    or second line."""
    organization = engagement.organization
    Organization.objects.select_for_update().get(pk=organization.pk)
    last = Finding.objects.filter(organization=organization).aggregate(n=Max("number"))["n"]
    finding = Finding(
        organization=organization,
        engagement=engagement,
        number=(last or 0) + 1,
        title=title,
        rating=rating,
        criteria=criteria,
        condition=condition,
        cause=cause,
        recommendation=recommendation,
        addressed_to=addressed_to,
        reported_on=reported_on,
        response_due=response_due,
    )
    root_causes = list(root_causes)
    _check_finding(finding, root_causes=root_causes)
    save_tracked(finding, actor=actor, reason=_("Audit finding reported"))
    finding.root_causes.set(root_causes)
    permissions.access_sync_objects(Finding, [finding.pk], actor=actor)
    audit_change(finding, actor=actor, reason=title)
    return finding


def _refuse_closed(finding: Finding) -> None:
    if finding.state == FindingState.CLOSED:
        raise refusal(None, _("The finding is closed."), code="closed")


@transaction.atomic
def finding_update(
    *,
    finding: Finding,
    actor,
    reason: str,
    root_causes: Iterable[RootCause] | None = None,
    **fields,
) -> Finding:
    """The auditor changes what the finding says (the history keeps every version); a
    change of the unit it is addressed to moves who may read and answer it."""
    unknown = set(fields) - set(FINDING_FIELDS)
    if unknown:
        raise TypeError(f"not a finding field: {sorted(unknown)}")
    if not reason.strip():
        raise refusal("reason", _("Say why the finding changes."), code="reason_required")
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    _refuse_closed(finding)
    moved = "addressed_to" in fields and fields["addressed_to"].pk != finding.addressed_to_id
    for name, value in fields.items():
        setattr(finding, name, value)
    root_causes = list(finding.root_causes.all()) if root_causes is None else list(root_causes)
    _check_finding(finding, root_causes=root_causes)
    save_tracked(finding, actor=actor, reason=reason)
    finding.root_causes.set(root_causes)
    if moved:
        permissions.access_sync_objects(Finding, [finding.pk], actor=actor)
    audit_change(finding, actor=actor, reason=reason)
    return finding


@transaction.atomic
def finding_respond(
    *,
    finding: Finding,
    management_response: str,
    agreed_action: str,
    action_owner: OrgUnit,
    action_due: dt.date,
    measures: Iterable[Countermeasure] = (),
    actor,
) -> Finding:
    """The auditee's management response and agreed action (owner unit, date, the
    countermeasures that carry it out, added to those linked). It touches nothing the
    auditor wrote."""
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    _refuse_closed(finding)
    if not management_response.strip():
        raise refusal("management_response", _("Write the management response."), code="required")
    if not agreed_action.strip():
        raise refusal("agreed_action", _("Say what action is agreed."), code="required")
    if action_owner.organization_id != finding.organization_id:
        raise refusal(
            "action_owner", _("The unit belongs to another organization."), code="other_org"
        )
    if action_due < finding.reported_on:
        raise refusal(
            "action_due", _("The action is due before the finding was reported."),
            code="due_before_report",
        )  # fmt: skip
    measures = list(measures)
    refuse_other_organization(
        finding.organization_id,
        "measures",
        measures,
        _("A measure belongs to another organization."),
    )
    finding.management_response = management_response
    finding.agreed_action = agreed_action
    finding.action_owner = action_owner
    finding.action_due = action_due
    finding.responded_by = actor
    finding.responded_at = timezone.now()
    finding.state = FindingState.RESPONDED
    save_tracked(finding, actor=actor, reason=_("Management response"))
    if measures:
        finding.measures.add(*measures)
    audit_change(finding, actor=actor, reason=management_response)
    return finding


@transaction.atomic
def finding_follow_up(*, finding: Finding, checked_on: dt.date, result: str, actor) -> FollowUp:
    """What the auditor saw of the agreed action on ``checked_on``."""
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    _refuse_closed(finding)
    if not result.strip():
        raise refusal("result", _("Write what was seen."), code="required")
    if checked_on > timezone.localdate():
        raise refusal("checked_on", _("A follow-up cannot be recorded ahead."), code="future")
    if checked_on < finding.reported_on:
        raise refusal(
            "checked_on", _("The follow-up is before the finding was reported."),
            code="before_report",
        )  # fmt: skip
    follow_up = FollowUp(finding=finding, checked_on=checked_on, result=result, recorded_by=actor)
    follow_up.full_clean()
    follow_up.save()
    audit_change(finding, actor=actor, reason=result)
    return follow_up


@transaction.atomic
def finding_close(*, finding: Finding, closed_on: dt.date, note: str, actor) -> Finding:
    """The auditor closes a finding whose agreed action it has seen carried out."""
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    _refuse_closed(finding)
    if finding.state != FindingState.RESPONDED:
        raise refusal(None, _("No action has been agreed yet."), code="not_responded")
    if not note.strip():
        raise refusal("note", _("Say what was seen to close it."), code="note_required")
    if closed_on > timezone.localdate():
        raise refusal("closed_on", _("The closing date is ahead."), code="future")
    if closed_on < finding.reported_on:
        raise refusal(
            "closed_on", _("The closing date is before the finding was reported."),
            code="before_report",
        )  # fmt: skip
    finding.state = FindingState.CLOSED
    finding.closed_on, finding.closed_by, finding.closing_note = closed_on, actor, note
    save_tracked(finding, actor=actor, reason=_("Finding closed"))
    audit_change(finding, actor=actor, reason=note)
    return finding
