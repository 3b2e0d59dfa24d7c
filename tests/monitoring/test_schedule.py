"""An activity's periods: aligned on the fiscal year (April), named as the plan names them,
and which of them are due, done or missed on a day."""

import datetime as dt
import random

import pytest

from core.dates import PrecisionDate
from monitoring.models import MonitoringActivity
from monitoring.schedule import due_and_done, period_of, periods, standing

D = dt.date


def _activity(frequency, starts, ends_on=None):
    activity = MonitoringActivity(frequency=frequency, ends_on=ends_on)
    activity.starts = starts
    return activity


@pytest.mark.parametrize(
    ("day", "months", "start", "end", "ja"),
    [
        (D(2023, 5, 12), 1, D(2023, 5, 1), D(2023, 5, 31), "2023年5月"),
        (D(2023, 5, 12), 3, D(2023, 4, 1), D(2023, 6, 30), "2023年度第1四半期"),
        (D(2024, 2, 29), 3, D(2024, 1, 1), D(2024, 3, 31), "2023年度第4四半期"),
        (D(2023, 10, 1), 6, D(2023, 10, 1), D(2024, 3, 31), "2023年度下期"),
        (D(2023, 3, 31), 12, D(2022, 4, 1), D(2023, 3, 31), "2022年度"),
    ],
)
def test_periods_follow_the_fiscal_year(day, months, start, end, ja):
    period = period_of(day, months)
    assert (period.start, period.end, period.ja) == (start, end, ja)


def test_monthly_from_a_month_until_the_day():
    activity = _activity("monthly", PrecisionDate.month(2023, 2))
    found = periods(activity, until=D(2023, 5, 12))
    assert [p.ja for p in found] == ["2023年2月", "2023年3月", "2023年4月", "2023年5月"]


def test_an_end_date_stops_the_schedule():
    activity = _activity("quarterly", PrecisionDate.month(2023, 4), ends_on=D(2023, 12, 31))
    assert [p.ja for p in periods(activity, until=D(2025, 1, 1))] == [
        "2023年度第1四半期",
        "2023年度第2四半期",
        "2023年度第3四半期",
    ]


def test_without_a_frequency_nothing_is_ever_due():
    # The plan says 「2023年2月より実施」 and not how often: no run can be missed.
    activity = _activity("", PrecisionDate.month(2023, 2))
    result = standing(activity, day=D(2026, 1, 1), run_periods=[])
    assert (result.due, result.done, result.missed, result.current) == (0, 0, [], None)


def test_a_once_activity_is_due_at_the_end_of_its_period():
    activity = _activity("once", PrecisionDate.fiscal_half(2023, 1))
    assert standing(activity, day=D(2023, 9, 30), run_periods=[]).due == 0
    late = standing(activity, day=D(2023, 10, 1), run_periods=[])
    assert (late.due, late.done, len(late.missed)) == (1, 0, 1)


def test_standing_counts_done_and_missed_periods():
    activity = _activity("monthly", PrecisionDate.month(2023, 2))
    result = standing(activity, day=D(2023, 6, 12), run_periods=[D(2023, 2, 1), D(2023, 4, 1)])
    assert (result.due, result.done) == (4, 2)
    assert [p.ja for p in result.missed] == ["2023年3月", "2023年5月"]
    # How late the monitoring is: by its oldest period without a run.
    assert result.overdue.ja == "2023年3月"
    assert result.current.ja == "2023年6月"


def test_the_counting_shortcut_agrees_with_the_listed_periods():
    """``due_and_done`` (arithmetic, for the dashboard and coverage) against ``standing``
    (the periods listed) on every frequency, with and without an end, many days and runs."""
    rng = random.Random(7)  # noqa: S311 - reproducible test data
    starts = [PrecisionDate.month(2022, m) for m in (1, 4, 7, 10)] + [
        PrecisionDate.fiscal_half(2022, 2),
        PrecisionDate.day(2022, 5, 17),
    ]
    for _ in range(400):
        frequency = rng.choice(["monthly", "quarterly", "half_yearly", "yearly", "once"])
        ends = rng.choice([None, D(2023, 3, 31), D(2024, 8, 15)])
        activity = _activity(frequency, rng.choice(starts), ends_on=ends)
        day = D(2022, 1, 1) + dt.timedelta(days=rng.randint(0, 1200))
        listed = periods(activity, until=day)
        runs = {p.start for p in listed if rng.random() < 0.6}
        result = standing(activity, day=day, run_periods=runs)
        assert due_and_done(activity, day=day, covered=runs) == (result.due, result.done), (
            frequency,
            activity.starts,
            ends,
            day,
        )
