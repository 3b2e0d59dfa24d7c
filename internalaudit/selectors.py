"""Reads of the internal audit records that depend on who asks and on the day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from governance.models import Organization
from governance.permissions import visible_to
from internalaudit.models import AuditPlan, Engagement, Finding, FindingState, Rating

AGE_BANDS = ((30, "≤30"), (90, "31–90"), (None, ">90"))


def plans_for(user) -> QuerySet[AuditPlan]:
    return visible_to(user, AuditPlan.objects.filter(archived_at__isnull=True), "view_auditplan")


def engagements_for(user) -> QuerySet[Engagement]:
    return visible_to(
        user, Engagement.objects.filter(archived_at__isnull=True), "view_engagement"
    ).order_by("organization__code", "code")


def findings_for(user) -> QuerySet[Finding]:
    return visible_to(user, Finding.objects.filter(archived_at__isnull=True), "view_finding")


def finding_state_on(finding: Finding, day: dt.date) -> str:
    """The finding's state on ``day`` by the dates recorded on it."""
    if finding.closed_on is not None and finding.closed_on <= day:
        return FindingState.CLOSED
    if finding.responded_at is not None and timezone.localdate(finding.responded_at) <= day:
        return FindingState.RESPONDED
    return FindingState.OPEN


def _band(days: int) -> str:
    for limit, label in AGE_BANDS:
        if limit is None or days <= limit:
            return label
    return AGE_BANDS[-1][1]


@dataclass(frozen=True)
class FindingAsOf:
    finding: Finding
    state: str
    age: int  # days since it was reported
    action_overdue: bool

    @property
    def state_label(self) -> str:
        return FindingState(self.state).label


@dataclass(frozen=True)
class AuditPicture:
    """Internal audit's picture of one company on a day, for the dashboard and report."""

    organization: Organization
    engagements: list[Engagement]
    open_findings: list[FindingAsOf]
    by_rating: dict[str, dict[str, int]]  # rating label → age band → open findings
    actions_overdue: int
    reported_since: list[Finding]
    closed_since: list[Finding]


def audit_picture(
    organizations: list[Organization],
    *,
    day: dt.date,
    since: dt.date | None = None,
    with_measures: bool = True,
) -> list[AuditPicture]:
    """Each company's engagements and findings open on ``day`` (reported by then, not closed
    by then) by rating and age, and the agreed actions past their date; with ``since``,
    the findings reported and closed after it. Companies without any are left out.
    ``with_measures``: the findings' countermeasures read too (the report lists them)."""
    found = []
    for org in organizations:
        engagements = list(
            Engagement.objects.filter(organization=org, archived_at__isnull=True)
            .select_related("plan")
            .order_by("code")
        )
        findings = (
            Finding.objects.filter(organization=org, archived_at__isnull=True, reported_on__lte=day)
            .select_related("addressed_to", "engagement")
            .order_by("number")
        )
        findings = list(findings.prefetch_related("measures") if with_measures else findings)
        if not engagements and not findings:
            continue
        open_ = []
        for f in findings:
            state = finding_state_on(f, day)
            if state == FindingState.CLOSED:
                continue
            overdue = (
                state == FindingState.RESPONDED and f.action_due is not None and f.action_due < day
            )
            open_.append(FindingAsOf(f, state, (day - f.reported_on).days, overdue))
        by_rating = {
            label: {band: 0 for _limit, band in AGE_BANDS} for _value, label in Rating.choices
        }
        for item in open_:
            by_rating[item.finding.get_rating_display()][_band(item.age)] += 1
        found.append(
            AuditPicture(
                organization=org,
                engagements=engagements,
                open_findings=open_,
                by_rating=by_rating,
                actions_overdue=sum(item.action_overdue for item in open_),
                reported_since=[f for f in findings if since and f.reported_on > since],
                closed_since=[
                    f for f in findings if since and f.closed_on and since < f.closed_on <= day
                ],
            )
        )
    return found
