"""Reads of the monitoring that depend on who asks and on the day: the activities with
where their schedules stand, the exceptions, what covers a measure, and the coverage the
dashboard and the committee report show."""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from governance.models import Organization
from governance.permissions import visible_to
from incidents.models import AffectedSystem
from measures.models import Countermeasure
from monitoring.models import (
    ExceptionState,
    MonitoringActivity,
    MonitoringException,
    MonitoringRun,
)
from monitoring.schedule import Standing, due_and_done, standing

# Ages of open exceptions, in days since the run that found them: (label, up to days).
AGE_BANDS = ((30, "≤30"), (90, "31–90"), (None, ">90"))


def activities_for(user) -> QuerySet[MonitoringActivity]:
    return visible_to(
        user,
        MonitoringActivity.objects.filter(archived_at__isnull=True),
        "view_monitoringactivity",
    )


def exceptions_for(user) -> QuerySet[MonitoringException]:
    return visible_to(
        user,
        MonitoringException.objects.filter(archived_at__isnull=True),
        "view_monitoringexception",
    )


def runs_for(user) -> QuerySet[MonitoringRun]:
    return MonitoringRun.objects.filter(activity__in=activities_for(user))


@dataclass
class ActivityRow:
    activity: MonitoringActivity
    last_run: MonitoringRun | None
    covered: frozenset  # the period starts that have a run by the day
    day: dt.date

    @functools.cached_property
    def standing(self) -> Standing:
        """Due, done and missed periods, listed (for the pages that name them)."""
        return standing(self.activity, day=self.day, run_periods=self.covered)

    @functools.cached_property
    def missed_count(self) -> int:
        """Periods ended without a run, counted without listing them."""
        due, done = due_and_done(self.activity, day=self.day, covered=self.covered)
        return due - done


def activity_rows(activities: QuerySet[MonitoringActivity], *, day: dt.date) -> list[ActivityRow]:
    """Each activity with its last run by ``day`` and the periods its runs cover (two
    queries whatever the number of activities); its standing is worked out when read."""
    activities = list(activities.select_related("organization", "unit"))
    runs = defaultdict(list)
    for run in MonitoringRun.objects.filter(
        activity__in=[a.pk for a in activities], performed_on__lte=day
    ).order_by("performed_on", "pk"):
        runs[run.activity_id].append(run)
    return [
        ActivityRow(
            activity=a,
            last_run=runs[a.pk][-1] if runs[a.pk] else None,
            covered=frozenset(r.period_start for r in runs[a.pk] if r.period_start),
            day=day,
        )
        for a in activities
    ]


def covering(measure: Countermeasure, *, day: dt.date) -> list[ActivityRow]:
    """The activities that check ``measure`` (or its parent), with their last run."""
    ids = [measure.pk] + ([measure.parent_id] if measure.parent_id else [])
    activities = MonitoringActivity.objects.filter(
        Q(measures__in=ids) | Q(established_by__in=ids), archived_at__isnull=True
    ).distinct()
    return activity_rows(activities, day=day)


def answering(measure: Countermeasure) -> QuerySet[MonitoringException]:
    """The monitoring exceptions ``measure`` answers."""
    return measure.monitoring_exceptions.filter(archived_at__isnull=True).select_related(
        "run__activity"
    )


@dataclass(frozen=True)
class Coverage:
    """The second line's picture of one or more companies on a day."""

    activities: int
    measures: int  # active measures of the companies
    measures_covered: int  # of those, checked by at least one activity
    systems: int
    systems_covered: int
    runs_due: int
    runs_done: int
    runs_missed: int
    exceptions_open: dict[str, int]  # age band → count
    exceptions_overdue: int
    exceptions_raised: int

    @property
    def exceptions_open_total(self) -> int:
        return sum(self.exceptions_open.values())


def _band(days: int) -> str:
    for limit, label in AGE_BANDS:
        if limit is None or days <= limit:
            return label
    return AGE_BANDS[-1][1]


def coverage(organization_ids: list[int], *, day: dt.date) -> Coverage:
    """Coverage of the companies' measures and systems by monitoring on ``day``; runs due
    and done by then; exceptions raised by then and still open on it (by the dates recorded
    on them: closed on or before ``day`` counts as closed)."""
    activities = list(
        MonitoringActivity.objects.filter(
            organization__in=organization_ids, archived_at__isnull=True
        ).only("id", "frequency", "starts_on", "starts_on_precision", "ends_on")
    )
    covered = defaultdict(set)
    for activity_id, period_start in MonitoringRun.objects.filter(
        activity__in=[a.pk for a in activities],
        performed_on__lte=day,
        period_start__isnull=False,
    ).values_list("activity_id", "period_start"):
        covered[activity_id].add(period_start)
    counts = [due_and_done(a, day=day, covered=covered[a.pk]) for a in activities]
    # A measure is covered when an activity checks it or was set up by it, and a sub-item
    # when its parent is (one query each for measures and systems, counted in the database).
    ids = [a.pk for a in activities]
    checked = (
        Q(monitoring_activities__in=ids)
        | Q(parent__monitoring_activities__in=ids)
        | Q(pk__in=MonitoringActivity.objects.filter(pk__in=ids).values("established_by"))
        | Q(parent__in=MonitoringActivity.objects.filter(pk__in=ids).values("established_by"))
    )
    measures = Countermeasure.objects.filter(
        organization__in=organization_ids, archived_at__isnull=True
    ).aggregate(
        total=Count("pk", distinct=True), covered=Count("pk", filter=checked, distinct=True)
    )
    systems = AffectedSystem.objects.filter(
        organization__in=organization_ids, archived_at__isnull=True
    ).aggregate(
        total=Count("pk", distinct=True),
        covered=Count("pk", filter=Q(monitoring_activities__in=ids), distinct=True),
    )
    bands = {label: 0 for _, label in AGE_BANDS}
    overdue = raised = 0
    for found_on, closed_on, due_on in MonitoringException.objects.filter(
        organization__in=organization_ids,
        archived_at__isnull=True,
        run__performed_on__lte=day,
    ).values_list("run__performed_on", "closed_on", "due_on"):
        raised += 1
        if closed_on is not None and closed_on <= day:
            continue
        bands[_band((day - found_on).days)] += 1
        overdue += due_on < day
    return Coverage(
        activities=len(activities),
        measures=measures["total"],
        measures_covered=measures["covered"],
        systems=systems["total"],
        systems_covered=systems["covered"],
        runs_due=sum(due for due, _done in counts),
        runs_done=sum(done for _due, done in counts),
        runs_missed=sum(due - done for due, done in counts),
        exceptions_open=bands,
        exceptions_overdue=overdue,
        exceptions_raised=raised,
    )


@dataclass(frozen=True)
class ExceptionAsOf:
    exception: MonitoringException
    state: str  # as of the day: open, answered or closed
    age: int  # days since the run that found it

    @property
    def state_label(self) -> str:
        return ExceptionState(self.state).label


def exception_state_on(exception: MonitoringException, day: dt.date) -> str:
    """The exception's state on ``day`` by the dates recorded on it."""
    if exception.closed_on is not None and exception.closed_on <= day:
        return ExceptionState.CLOSED
    if exception.responded_at is not None and timezone.localdate(exception.responded_at) <= day:
        return ExceptionState.ANSWERED
    return ExceptionState.OPEN


@dataclass(frozen=True)
class OrganizationMonitoring:
    """What the committee report shows of one company's monitoring as of a day."""

    organization: Organization
    coverage: Coverage
    rows: list[ActivityRow]
    open_exceptions: list[ExceptionAsOf]
    runs_since: list[MonitoringRun]  # performed after the previous report, up to the day
    raised_since: list[MonitoringException]
    closed_since: list[MonitoringException]


def report_monitoring(
    organizations: list[Organization], *, day: dt.date, since: dt.date | None = None
) -> list[OrganizationMonitoring]:
    """Each company's monitoring as of ``day`` (the companies without any left out); with
    ``since`` (the previous report's date), what happened after it up to ``day``."""
    found = []
    for org in organizations:
        activities = MonitoringActivity.objects.filter(organization=org, archived_at__isnull=True)
        exceptions = list(
            MonitoringException.objects.filter(
                organization=org, archived_at__isnull=True, run__performed_on__lte=day
            )
            .select_related("run__activity", "owner_unit")
            .prefetch_related("measures")
            .order_by("number")
        )
        if not activities.exists() and not exceptions:
            continue
        open_ = [
            ExceptionAsOf(e, state, (day - e.run.performed_on).days)
            for e in exceptions
            if (state := exception_state_on(e, day)) != ExceptionState.CLOSED
        ]
        runs_since = raised = closed = []
        if since is not None:
            runs_since = list(
                MonitoringRun.objects.filter(
                    activity__in=activities, performed_on__gt=since, performed_on__lte=day
                )
                .select_related("activity")
                .annotate(n_exceptions=Count("exceptions"))
                .order_by("performed_on", "pk")
            )
            raised = [e for e in exceptions if e.run.performed_on > since]
            closed = [e for e in exceptions if e.closed_on and since < e.closed_on <= day]
        found.append(
            OrganizationMonitoring(
                organization=org,
                coverage=coverage([org.pk], day=day),
                rows=activity_rows(activities.order_by("code"), day=day),
                open_exceptions=open_,
                runs_since=runs_since,
                raised_since=raised,
                closed_since=closed,
            )
        )
    return found
