"""Dates with precision, as the plan writes them."""

import datetime as dt

import pytest

from core.dates import PrecisionDate, join_ja, parse_ja


@pytest.mark.parametrize(
    ("pd", "ja", "start", "end"),
    [
        (PrecisionDate.day(2023, 5, 12), "2023年5月12日", "2023-05-12", "2023-05-12"),
        (PrecisionDate.month(2024, 2), "2024年2月", "2024-02-01", "2024-02-29"),
        (PrecisionDate.fiscal_half(2023, 1), "2023年度上期", "2023-04-01", "2023-09-30"),
        (PrecisionDate.fiscal_half(2023, 2), "2023年度下期", "2023-10-01", "2024-03-31"),
        (PrecisionDate.fiscal_year(2023), "2023年度", "2023-04-01", "2024-03-31"),
    ],
)
def test_rendering_and_period(pd, ja, start, end):
    assert pd.ja() == ja
    assert pd.start.isoformat() == start
    assert pd.end.isoformat() == end
    assert parse_ja(ja) == pd


def test_any_day_normalises_to_its_period():
    assert PrecisionDate(dt.date(2024, 2, 15), "fiscal_half") == PrecisionDate.fiscal_half(2023, 2)
    assert PrecisionDate(dt.date(2024, 3, 31), "fiscal_year").ja() == "2023年度"
    assert PrecisionDate(dt.date(2023, 4, 1), "fiscal_year").ja() == "2023年度"


def test_fiscal_year_start_is_configurable(settings):
    settings.THREELINES_FISCAL_YEAR_START_MONTH = 1
    assert PrecisionDate(dt.date(2023, 5, 12), "fiscal_half").ja() == "2023年度上期"
    assert PrecisionDate(dt.date(2023, 7, 1), "fiscal_half").ja() == "2023年度下期"


def test_a_stored_date_is_read_once_and_follows_a_change_of_fiscal_year(settings):
    """Rows share one ``PrecisionDate`` per stored pair (the pages read thousands), and a
    change of the fiscal year's first month is not hidden by that."""
    from measures.timelines import TimelineEvent

    def row(day):
        return TimelineEvent(1, "planned", day, "fiscal_half", None, "day", "")

    first, again = row(dt.date(2023, 7, 1)), row(dt.date(2023, 7, 1))
    assert first.effective_on is again.effective_on
    assert first.effective_on.ja() == "2023年度上期"
    assert first.effective_on.end == dt.date(2023, 9, 30)
    settings.THREELINES_FISCAL_YEAR_START_MONTH = 1
    assert first.effective_on.ja() == "2023年度下期"
    assert first.effective_on.end == dt.date(2023, 12, 31)


def test_lists_name_the_year_once_per_year():
    dates = [PrecisionDate.month(2023, 2), PrecisionDate.month(2023, 4)]
    assert join_ja(dates) == "2023年2月、4月"
    dates.append(PrecisionDate.month(2024, 1))
    assert join_ja(dates) == "2023年2月、4月、2024年1月"


@pytest.mark.parametrize("text", ["", "2023年13月", "来年", "2023/13/01", "5/12"])
def test_unreadable_dates_are_refused(text):
    with pytest.raises(ValueError, match="not a date"):
        parse_ja(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023/05/01", PrecisionDate.day(2023, 5, 1)),
        ("2023/5", PrecisionDate.month(2023, 5)),
        ("２０２３年５月１日", PrecisionDate.day(2023, 5, 1)),
        ("２０２３／５／１", PrecisionDate.day(2023, 5, 1)),
        ("2027年度", PrecisionDate.fiscal_year(2027)),
    ],
)
def test_dates_typed_with_slashes_or_full_width_digits(text, expected):
    assert parse_ja(text) == expected
