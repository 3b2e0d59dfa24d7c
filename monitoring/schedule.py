"""An activity's schedule: the periods its frequency divides time into, from its start to
its end, and which of them are due, done or overdue on a day. Fiscal periods follow the
fiscal year's first month (``THREELINES_FISCAL_YEAR_START_MONTH``)."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from core.dates import add_months, fiscal_start_month, fiscal_year_of
from monitoring.models import Frequency, MonitoringActivity

MONTHS = {
    Frequency.MONTHLY: 1,
    Frequency.QUARTERLY: 3,
    Frequency.HALF_YEARLY: 6,
    Frequency.YEARLY: 12,
}


@dataclass(frozen=True, order=True)
class Period:
    start: dt.date
    months: int  # 0: a single period (an activity done once), ending on ``end``
    end: dt.date

    @property
    def ja(self) -> str:
        """2023年2月, 2023年度第1四半期, 2023年度上期, 2023年度; once: its last day."""
        fy = fiscal_year_of(self.start)
        index = ((self.start.month - fiscal_start_month()) % 12) // max(self.months, 1)
        if self.months == 1:
            return f"{self.start.year}年{self.start.month}月"
        if self.months == 3:
            return f"{fy}年度第{index + 1}四半期"
        if self.months == 6:
            return f"{fy}年度{'上期' if index == 0 else '下期'}"
        if self.months == 12:
            return f"{fy}年度"
        return f"{self.end.year}年{self.end.month}月{self.end.day}日まで"


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def period_of(day: dt.date, months: int) -> Period:
    """The period of ``months`` months (aligned on the fiscal year) that holds ``day``."""
    offset = (day.month - fiscal_start_month()) % 12
    year, month = add_months(day.year, day.month, -(offset % months))
    last_year, last_month = add_months(year, month, months - 1)
    return Period(dt.date(year, month, 1), months, _month_end(last_year, last_month))


def periods(activity: MonitoringActivity, *, until: dt.date) -> list[Period]:
    """The activity's periods that have begun by ``until`` (a once activity: its one period,
    ending at the end of its start's period), oldest first. None without a frequency or a
    start."""
    start = activity.starts
    if not activity.frequency or start is None:
        return []
    if activity.frequency == Frequency.ONCE:
        return [Period(start.start, 0, start.end)] if start.start <= until else []
    months = MONTHS[activity.frequency]
    last = min(until, activity.ends_on) if activity.ends_on else until
    found = []
    period = period_of(start.start, months)
    while period.start <= last:
        found.append(period)
        year, month = add_months(period.start.year, period.start.month, months)
        period = period_of(dt.date(year, month, 1), months)
    return found


@dataclass(frozen=True)
class Standing:
    """Where an activity's schedule stands on a day."""

    due: int  # periods that have ended by the day (each should have a run)
    done: int  # of those, how many have a run
    missed: list[Period]  # ended without a run, oldest first
    current: Period | None  # the period running on the day, if any

    @property
    def overdue(self) -> Period | None:
        """The oldest period without a run: how late the monitoring is."""
        return self.missed[0] if self.missed else None


def standing(
    activity: MonitoringActivity, *, day: dt.date, run_periods: Iterable[dt.date]
) -> Standing:
    """Due, done and missed periods of ``activity`` on ``day``; ``run_periods`` are the
    ``period_start`` of its runs performed by the day."""
    covered = set(run_periods)
    ended = []
    current = None
    for period in periods(activity, until=day):
        if period.end < day:
            ended.append(period)
        else:
            current = period
    missed = [p for p in ended if p.start not in covered]
    return Standing(due=len(ended), done=len(ended) - len(missed), missed=missed, current=current)


def _months_between(first: dt.date, last: dt.date) -> int:
    return (last.year - first.year) * 12 + (last.month - first.month)


def due_and_done(
    activity: MonitoringActivity, *, day: dt.date, covered: Iterable[dt.date]
) -> tuple[int, int]:
    """(periods ended by ``day``, how many of them have a run) by arithmetic, without
    listing the periods: what ``standing`` counts, for pages that show counts only."""
    start = activity.starts
    if not activity.frequency or start is None:
        return 0, 0
    if activity.frequency == Frequency.ONCE:
        ended = start.end < day
        return int(ended), int(ended and start.start in set(covered))
    months = MONTHS[activity.frequency]
    first = period_of(start.start, months)
    last_day = min(day, activity.ends_on) if activity.ends_on else day
    if last_day < first.start:
        return 0, 0
    last = period_of(last_day, months)
    begun = _months_between(first.start, last.start) // months + 1
    ended = begun if last.end < day else begun - 1
    year, month = add_months(first.start.year, first.start.month, ended * months)
    boundary = dt.date(year, month, 1)  # the first period not yet ended
    done = sum(1 for s in set(covered) if first.start <= s < boundary)
    return ended, done
