"""What is due for whom on a day: the reminder rules (due dates, overdue and escalation,
planned starts, effectiveness checks, recurring occurrences, regulator deadlines, committee
meetings without a report) read against the role holders of the day. Reads only."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass
from types import SimpleNamespace

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.urls import reverse

from core.dates import add_months
from governance.audit import denied_over_threshold
from governance.models import (
    CommitteeMembership,
    Meeting,
    OrgUnit,
    RegulatoryAction,
    Role,
    RoleAssignment,
)
from internalaudit.models import Finding, FindingState
from measures.asof import measure_statuses_as_of
from measures.models import ChangeRequest, Countermeasure, Nature, StatusEvent
from measures.statuses import SETTLED, Status, is_check_due
from monitoring.models import ExceptionState, MonitoringActivity, MonitoringException
from monitoring.selectors import activity_rows
from registry.models import SystemRegistration
from reports.models import Report

logger = logging.getLogger(__name__)

FIRST_LINE = {Role.CHIEF_OFFICER, Role.EXECUTIVE, Role.MANAGER, Role.PROMOTER}


@dataclass(frozen=True)
class Item:
    """One line of a digest. ``once`` items are given once per key; the others (overdue)
    come back every day until resolved."""

    kind: str
    key: str
    title: str
    url: str
    due: str
    n: int | None = None  # days (before due, overdue, before the regulator's deadline)
    level: int | None = None  # escalation level
    once: bool = True
    measure_id: int | None = None


# -- who holds what on the day -----------------------------------------------------------------
class Holders:
    """Role holders on one day, by unit, with the tree to walk upwards."""

    def __init__(self, day: dt.date) -> None:
        self.by_unit: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for user_id, unit_id, role in RoleAssignment.objects.active_on(day).values_list(
            "user_id", "org_unit_id", "role"
        ):
            self.by_unit[unit_id].append((user_id, role))
        self.units = {
            u.pk: u for u in OrgUnit.objects.only("id", "parent_id", "organization_id", "path")
        }
        self.by_org: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for unit_id, holders in self.by_unit.items():
            self.by_org[self.units[unit_id].organization_id].extend(holders)

    def of_unit(self, unit_id: int | None, roles: set[str]) -> set[int]:
        return {u for u, r in self.by_unit.get(unit_id, []) if r in roles}

    def of_org(self, org_id: int, roles: set[str]) -> set[int]:
        return {u for u, r in self.by_org.get(org_id, []) if r in roles}

    def owners(self, measure: Countermeasure) -> set[int]:
        """Whoever holds a first-line role in the owner unit; failing that (no owner unit, or
        a vacancy), the second line, so that nothing goes unreminded."""
        people = self.of_unit(measure.owner_unit_id, FIRST_LINE) if measure.owner_unit_id else set()
        return people or self.of_org(measure.organization_id, {Role.SECOND_LINE})

    def managers_above(self, measure: Countermeasure) -> set[int]:
        """The 遵守責任者 of the nearest unit above the owner unit that has one."""
        unit = self.units.get(measure.owner_unit_id) if measure.owner_unit_id else None
        while unit is not None:
            unit = self.units.get(unit.parent_id) if unit.parent_id else None
            people = self.of_unit(unit.pk, {Role.MANAGER}) if unit else set()
            if people:
                return people
        return set()

    def top(self, measure: Countermeasure) -> set[int]:
        """The 統括責任者 and 担当役員 on the owner unit's path up to the company's top (only
        they see the measure), and the second line of the company."""
        people = self.of_org(measure.organization_id, {Role.SECOND_LINE})
        unit = self.units.get(measure.owner_unit_id) if measure.owner_unit_id else None
        if unit is None:  # owned by the company as a whole: its top units
            tops = [
                u
                for u in self.units.values()
                if u.organization_id == measure.organization_id and u.parent_id is None
            ]
        else:
            tops = []
            while unit is not None:
                tops.append(unit)
                unit = self.units.get(unit.parent_id) if unit.parent_id else None
        for each in tops:
            people |= self.of_unit(each.pk, {Role.CHIEF_OFFICER, Role.EXECUTIVE})
        return people


# -- what is due --------------------------------------------------------------------------------
def _url(name: str, *args) -> str:
    return f"{settings.THREELINES_BASE_URL}{reverse(name, args=args)}"


def reminder_items(*, day: dt.date) -> tuple[dict[int, list[Item]], list[dict]]:
    """(items per user id, escalations to record) for ``day``."""
    holders = Holders(day)
    items: dict[int, list[Item]] = defaultdict(list)
    escalations: list[dict] = []
    leads = settings.THREELINES_REMINDER_LEAD_DAYS
    # A measure with sub-items is reminded through its sub-items.
    parents = Countermeasure.objects.filter(parent__isnull=False, archived_at__isnull=True).values(
        "parent_id"
    )
    measures = Countermeasure.objects.filter(archived_at__isnull=True).exclude(pk__in=parents)
    # Statuses only: a reminder names the measure and why, not its 実施状況 wording.
    states = measure_statuses_as_of(as_of=day, measures=measures)
    last_occurrence = _last_occurrences([s.measure for s in states], day)

    def give(people: set[int], item: Item) -> None:
        for person in people:
            items[person].append(item)

    for state in states:
        m = state.measure
        title = f"{m.code} {m.short_title}"
        url = _url("measure-detail", m.pk)
        owners = holders.owners(m)
        due = m.due
        if due is not None and state.status not in SETTLED:
            left = (due.end - day).days
            if left < 0:
                give(
                    owners,
                    Item(
                        "overdue",
                        f"overdue:{m.pk}:{due.end}:{day}",
                        title,
                        url,
                        due.ja(),
                        n=-left,
                        once=False,
                        measure_id=m.pk,
                    ),
                )
                for step_days, level in settings.THREELINES_ESCALATION_STEPS:
                    if -left < step_days:
                        continue
                    # Level 1: the 遵守責任者 above; level 2 and beyond: the top and the second
                    # line (whoever it is, they can open the measure).
                    people = (holders.managers_above(m) if level == 1 else set()) or holders.top(m)
                    escalations.append(
                        {
                            "measure": m,
                            "level": level,
                            "due_on": due.end,
                            "days_overdue": -left,
                            "people": people,
                        }
                    )
                    give(
                        people,
                        Item(
                            "escalation",
                            f"escalation:{m.pk}:{due.end}:{level}",
                            title,
                            url,
                            due.ja(),
                            n=-left,
                            level=level,
                            measure_id=m.pk,
                        ),
                    )
            else:
                lead = min((d for d in leads if d >= left), default=None)
                if lead is not None:
                    give(
                        owners,
                        Item(
                            "due",
                            f"due:{m.pk}:{due.end}:{lead}",
                            title,
                            url,
                            due.ja(),
                            n=lead,
                            measure_id=m.pk,
                        ),
                    )
        start = m.planned_start
        if start is not None and state.status == Status.PLANNED and (start.end < day):
            give(
                owners,
                Item(
                    "start", f"start:{m.pk}:{start.start}", title, url, start.ja(), measure_id=m.pk
                ),
            )
        check = m.effectiveness_check_due
        if is_check_due(check, status=state.status, as_of=day):
            give(
                owners | holders.of_org(m.organization_id, {Role.SECOND_LINE}),
                Item(
                    "effectiveness",
                    f"effectiveness:{m.pk}:{check}",
                    title,
                    url,
                    check.isoformat(),
                    measure_id=m.pk,
                ),
            )
        if m.nature == Nature.RECURRING and m.recurrence_months and m.pk in last_occurrence:
            following = _add_months(last_occurrence[m.pk], m.recurrence_months)
            if following <= day + dt.timedelta(days=leads[-1] if leads else 0):
                give(
                    owners,
                    Item(
                        "occurrence",
                        f"occurrence:{m.pk}:{following}",
                        title,
                        url,
                        following.isoformat(),
                        measure_id=m.pk,
                    ),
                )
    # Deadlines ahead within the longest lead, and passed ones (a missed day must not lose
    # them): each threshold, and the passing itself, once.
    horizon = day + dt.timedelta(days=max(leads, default=0))
    for action in RegulatoryAction.objects.filter(
        archived_at__isnull=True, response_due__isnull=False, response_due__lte=horizon
    ):
        left = (action.response_due - day).days
        if left < 0:
            key, n, kind = (
                f"regulatory:{action.pk}:{action.response_due}:passed",
                -left,
                ("regulatory_passed"),
            )
        else:
            lead = min((d for d in leads if d >= left), default=None)
            if lead is None:
                continue
            key, n, kind = (
                f"regulatory:{action.pk}:{action.response_due}:{lead}",
                lead,
                ("regulatory"),
            )
        people = holders.of_org(action.organization_id, {Role.SECOND_LINE, Role.CHIEF_OFFICER})
        give(
            people,
            Item(
                kind,
                key,
                str(action),
                _url("regulatory-list"),
                action.response_due.isoformat(),
                n=n,
            ),
        )
    _meetings_without_report(day, holders, give)
    _monitoring_runs(day, holders, give)
    _monitoring_exceptions(day, holders, give)
    _audit_findings(day, holders, give)
    _registry_reviews(day, holders, give)
    _change_requests(day, holders, give)
    _denied_accounts(day, holders, give)
    return items, escalations


def _lead(left: int) -> int | None:
    """The reminder threshold ``left`` days before a date falls in (None: not yet)."""
    return min((d for d in settings.THREELINES_REMINDER_LEAD_DAYS if d >= left), default=None)


def _escalation_steps(days_overdue: int) -> list[int]:
    return [level for step, level in settings.THREELINES_ESCALATION_STEPS if days_overdue >= step]


def _monitoring_runs(day: dt.date, holders: Holders, give) -> None:
    """A scheduled run due: the performing unit's second line (failing that, the company's)
    hears of it at each lead threshold before its period ends; once the period has ended
    without a run, every day, and it escalates by days overdue (level 1: the company's
    whole second line; level 2 and beyond: also its 統括責任者 and 担当役員)."""
    activities = MonitoringActivity.objects.filter(archived_at__isnull=True).exclude(frequency="")
    for row in activity_rows(activities, day=day):
        a, standing = row.activity, row.standing
        second_line = holders.of_org(a.organization_id, {Role.SECOND_LINE})
        performers = holders.of_unit(a.unit_id, {Role.SECOND_LINE}) if a.unit_id else set()
        performers = performers or second_line
        title = f"{a.code} {a.title}"
        url = _url("monitoring-detail", a.pk)
        missed = standing.overdue
        if missed is not None:
            late = (day - missed.end).days
            give(
                performers,
                Item(
                    "run_overdue",
                    f"run_overdue:{a.pk}:{missed.start}:{day}",
                    title,
                    url,
                    missed.ja,
                    n=late,
                    once=False,
                ),
            )
            for level in _escalation_steps(late):
                people = second_line
                if level > 1:
                    people = people | holders.of_org(
                        a.organization_id, {Role.CHIEF_OFFICER, Role.EXECUTIVE}
                    )
                give(
                    people,
                    Item(
                        "escalation",
                        f"run_escalation:{a.pk}:{missed.start}:{level}",
                        title,
                        url,
                        missed.ja,
                        n=late,
                        level=level,
                    ),
                )
        current = standing.current
        if current is not None and current.start not in row.covered:
            lead = _lead((current.end - day).days)
            if lead is not None:
                give(
                    performers,
                    Item(
                        "run_due",
                        f"run_due:{a.pk}:{current.start}:{lead}",
                        title,
                        url,
                        current.ja,
                        n=lead,
                    ),
                )


def _monitoring_exceptions(day: dt.date, holders: Holders, give) -> None:
    """An exception not yet answered: the first line of its unit (failing that, the second
    line) hears of its due date like a measure's."""
    for exc in MonitoringException.objects.filter(
        archived_at__isnull=True, state=ExceptionState.OPEN
    ):
        _due_and_late(day, holders, give, owned=exc, kind="exception", key=exc.pk,
                      title=f"{exc.label} {exc.title}", url=_url("monitoring-exception", exc.pk),
                      due=exc.due_on)  # fmt: skip


def _due_and_late(
    day: dt.date, holders: Holders, give, *, owned, kind: str, key: str, title, url, due
) -> None:
    """The shape of a dated answer owed by a unit (``owned``: its ``owner_unit_id`` and
    ``organization_id``): at each lead threshold once, every day once late, escalating by
    days late (level 1: the 遵守責任者 above; beyond: the top of the company and its second
    line)."""
    left = (due - day).days
    if left >= 0:
        lead = _lead(left)
        if lead is not None:
            give(
                holders.owners(owned),
                Item(
                    f"{kind}_due",
                    f"{kind}_due:{key}:{due}:{lead}",
                    title,
                    url,
                    due.isoformat(),
                    n=lead,
                ),
            )
        return
    give(
        holders.owners(owned),
        Item(
            f"{kind}_overdue",
            f"{kind}_overdue:{key}:{day}",
            title,
            url,
            due.isoformat(),
            n=-left,
            once=False,
        ),
    )
    for level in _escalation_steps(-left):
        people = (holders.managers_above(owned) if level == 1 else set()) or holders.top(owned)
        give(
            people,
            Item(
                "escalation",
                f"{kind}_escalation:{key}:{due}:{level}",
                title,
                url,
                due.isoformat(),
                n=-left,
                level=level,
            ),
        )


def _audit_findings(day: dt.date, holders: Holders, give) -> None:
    """A finding awaiting its management response: the unit it is addressed to; a finding
    whose agreed action is not yet closed by the auditor: the action's owner unit, with
    internal audit told once it is late (so that it follows it up)."""
    for finding in Finding.objects.filter(archived_at__isnull=True).exclude(
        state=FindingState.CLOSED
    ):
        title = f"{finding.label} {finding.title}"
        url = _url("audit-finding", finding.pk)
        if finding.state == FindingState.OPEN:
            owned = SimpleNamespace(
                owner_unit_id=finding.addressed_to_id, organization_id=finding.organization_id
            )
            _due_and_late(day, holders, give, owned=owned, kind="finding", key=finding.pk,
                          title=title, url=url, due=finding.response_due)  # fmt: skip
        elif finding.action_due is not None:
            owned = SimpleNamespace(
                owner_unit_id=finding.action_owner_id or finding.addressed_to_id,
                organization_id=finding.organization_id,
            )
            _due_and_late(day, holders, give, owned=owned, kind="action", key=finding.pk,
                          title=title, url=url, due=finding.action_due)  # fmt: skip
            if finding.action_due < day:
                give(
                    holders.of_org(finding.organization_id, {Role.INTERNAL_AUDITOR}),
                    Item("action_overdue", f"action_late_auditor:{finding.pk}:{finding.action_due}",
                         title, url, finding.action_due.isoformat(),
                         n=(day - finding.action_due).days),
                )  # fmt: skip


def _registry_reviews(day: dt.date, holders: Holders, give) -> None:
    """A system's tables due for their periodic review: its managing unit (failing that,
    the second line) hears of it like a measure's due date."""
    for registration in SystemRegistration.objects.filter(
        archived_at__isnull=True, review_months__isnull=False
    ).select_related("system"):
        due = registration.review_due
        if due is None:
            continue
        owned = SimpleNamespace(
            owner_unit_id=registration.manager_unit_id,
            organization_id=registration.organization_id,
        )
        _due_and_late(day, holders, give, owned=owned, kind="review", key=registration.pk,
                      title=registration.system.name,
                      url=_url("registry-system", registration.pk), due=due)  # fmt: skip


def _denied_accounts(day: dt.date, holders: Holders, give) -> None:
    """An account refused at least ``THREELINES_DENIED_ALERT_THRESHOLD`` times on the day
    before: the second line of its company hears of it once (the day is over, the count
    final)."""
    before = day - dt.timedelta(days=1)
    for row in denied_over_threshold(day=before):
        if row["organization_id"] is None:
            continue
        give(
            holders.of_org(row["organization_id"], {Role.SECOND_LINE}) - {row["actor_id"]},
            Item(
                "denied",
                f"denied:{row['actor_id']}:{before}",
                row["actor_name"],
                f"{_url('audit-list')}?action=denied&who={row['actor_name']}&since={before}",
                before.isoformat(),
                n=row["n"],
            ),
        )


def _change_requests(day: dt.date, holders: Holders, give) -> None:
    """A change request waiting for a decision: the second line of the measure's company
    hears of it once; a decided one: its requester hears of the decision once (in the
    week after it, so that a missed day does not lose it)."""
    for change in ChangeRequest.objects.filter(
        state=ChangeRequest.State.PENDING, measure__archived_at__isnull=True
    ).select_related("measure"):
        m = change.measure
        give(
            holders.of_org(m.organization_id, {Role.SECOND_LINE}) - {change.requested_by_id},
            Item(
                "change_pending",
                f"change:{change.pk}:pending",
                f"{m.code} {m.short_title}（{change.get_kind_display()}）",
                _url("measure-detail", m.pk),
                change.requested_at.date().isoformat(),
                measure_id=m.pk,
            ),
        )
    since = day - dt.timedelta(days=7)
    for change in ChangeRequest.objects.filter(
        state__in=(ChangeRequest.State.APPROVED, ChangeRequest.State.REFUSED),
        decided_at__date__gte=since,
        decided_at__date__lte=day,
    ).select_related("measure"):
        m = change.measure
        give(
            {change.requested_by_id},
            Item(
                f"change_{change.state}",
                f"change:{change.pk}:{change.state}",
                f"{m.code} {m.short_title}（{change.get_kind_display()}）",
                _url("measure-detail", m.pk),
                change.decided_at.date().isoformat(),
                measure_id=m.pk,
            ),
        )


def _meetings_without_report(day: dt.date, holders: Holders, give) -> None:
    """Meetings ahead within ``THREELINES_MEETING_REPORT_LEAD_DAYS`` for which no report
    has been generated (or is being rendered): the people who may generate it hear of it at
    that threshold and again at the shorter lead days, once each."""
    lead_days = settings.THREELINES_MEETING_REPORT_LEAD_DAYS
    thresholds = sorted({lead_days, *(d for d in settings.THREELINES_REMINDER_LEAD_DAYS)})
    thresholds = [d for d in thresholds if d <= lead_days]
    reported = Report.objects.filter(
        meeting=OuterRef("pk"),
        state__in=(Report.State.QUEUED, Report.State.RENDERING, Report.State.DONE),
    )
    for meeting in (
        Meeting.objects.filter(
            archived_at__isnull=True,
            committee__archived_at__isnull=True,
            held_on__gte=day,
            held_on__lte=day + dt.timedelta(days=lead_days),
        )
        .exclude(Exists(reported))
        .select_related("committee")
    ):
        left = (meeting.held_on - day).days
        lead = min(d for d in thresholds if d >= left)
        committee = meeting.committee
        # Who may generate the report: the second line when the committee oversees its own
        # organization alone, and the committee's secretariat.
        people = set(
            CommitteeMembership.objects.active_on(day)
            .filter(
                committee=committee,
                user__isnull=False,
                user__is_active=True,
                position=CommitteeMembership.Position.SECRETARIAT,
            )
            .values_list("user_id", flat=True)
        )
        if set(committee.scope.values_list("pk", flat=True)) == {committee.organization_id}:
            people |= holders.of_org(committee.organization_id, {Role.SECOND_LINE})
        if not people:
            logger.warning(
                "meeting %s of %s has no report and nobody to remind (no secretariat on the "
                "roster, no second line)",
                meeting.number,
                committee.code,
            )
        give(
            people,
            Item(
                "meeting",
                f"meeting:{meeting.pk}:{meeting.held_on}:{lead}",
                str(meeting),
                _url("committee-reports", meeting.committee_id),
                meeting.held_on.isoformat(),
                n=lead,
            ),
        )


def _last_occurrences(measures: list[Countermeasure], day: dt.date) -> dict[int, dt.date]:
    recurring = [m.pk for m in measures if m.nature == Nature.RECURRING and m.recurrence_months]
    latest: dict[int, dt.date] = {}
    for measure_id, effective in StatusEvent.objects.filter(
        measure__in=recurring, status=Status.IMPLEMENTED, effective_on_date__lte=day
    ).values_list("measure_id", "effective_on_date"):
        latest[measure_id] = max(effective, latest.get(measure_id, effective))
    return latest


def _add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after ``day``'s."""
    return dt.date(*add_months(day.year, day.month, months), 1)
