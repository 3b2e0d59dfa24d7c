"""Reads of the monitoring that depend on who asks and on the day: the activities with
where their schedules stand, the exceptions, what covers a measure, and the coverage the
dashboard and the committee report show."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from governance.permissions import visible_to
from incidents.models import AffectedSystem
from measures.models import Countermeasure
from monitoring.models import (
    ExceptionState,
    MonitoringActivity,
    MonitoringException,
    MonitoringRun,
    Result,
)
from monitoring.schedule import Standing, standing

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


@dataclass(frozen=True)
class ActivityRow:
    activity: MonitoringActivity
    standing: Standing
    last_run: MonitoringRun | None
    covered: frozenset  # the period starts that have a run by the day


def activity_rows(activities: QuerySet[MonitoringActivity], *, day: dt.date) -> list[ActivityRow]:
    """Each activity with its schedule's standing on ``day`` and its last run by then (two
    queries whatever the number of activities)."""
    activities = list(activities.select_related("organization", "unit"))
    runs = defaultdict(list)
    for run in MonitoringRun.objects.filter(
        activity__in=[a.pk for a in activities], performed_on__lte=day
    ).order_by("performed_on", "pk"):
        runs[run.activity_id].append(run)
    rows = []
    for a in activities:
        covered = frozenset(r.period_start for r in runs[a.pk] if r.period_start)
        rows.append(
            ActivityRow(
                activity=a,
                standing=standing(a, day=day, run_periods=covered),
                last_run=runs[a.pk][-1] if runs[a.pk] else None,
                covered=covered,
            )
        )
    return rows


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
    activities = MonitoringActivity.objects.filter(
        organization__in=organization_ids, archived_at__isnull=True
    )
    rows = activity_rows(activities, day=day)
    # A measure is covered when an activity checks it or was set up by it, and a sub-item
    # when its parent is (one query each for measures and systems, counted in the database).
    ids = [row.activity.pk for row in rows]
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
    for exc in MonitoringException.objects.filter(
        organization__in=organization_ids,
        archived_at__isnull=True,
        run__performed_on__lte=day,
    ).select_related("run"):
        raised += 1
        if exc.closed_on is not None and exc.closed_on <= day:
            continue
        bands[_band((day - exc.run.performed_on).days)] += 1
        overdue += exc.due_on < day
    return Coverage(
        activities=len(rows),
        measures=measures["total"],
        measures_covered=measures["covered"],
        systems=systems["total"],
        systems_covered=systems["covered"],
        runs_due=sum(r.standing.due for r in rows),
        runs_done=sum(r.standing.done for r in rows),
        runs_missed=sum(len(r.standing.missed) for r in rows),
        exceptions_open=bands,
        exceptions_overdue=overdue,
        exceptions_raised=raised,
    )


def exception_counts(exceptions: QuerySet[MonitoringException]) -> dict[str, int]:
    return dict(exceptions.values_list("state").annotate(n=Count("pk")).order_by())


__all__ = [
    "ActivityRow",
    "Coverage",
    "ExceptionState",
    "Result",
    "activities_for",
    "activity_rows",
    "answering",
    "coverage",
    "covering",
    "exceptions_for",
    "runs_for",
]
