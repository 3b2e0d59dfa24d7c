"""Dates with precision: the plan speaks in days, months, fiscal halves and fiscal years.

A ``PrecisionDate`` is stored as two columns, the first day of the period and its precision
(see ``PrecisionDateField``); it renders in the seed's own Japanese wording
(2023年5月12日, 2023年5月, 2023年度上期, 2023年度).
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _


class Precision(models.TextChoices):
    DAY = "day", _("day")
    MONTH = "month", _("month")
    FISCAL_HALF = "fiscal_half", _("fiscal half")
    FISCAL_YEAR = "fiscal_year", _("fiscal year")


# Read once: ``Precision.values`` builds a new list on every call, and a date is made for
# every event of every measure the pages and reports read.
_PRECISIONS = frozenset(Precision.values)
_CALENDAR_BASED = frozenset({Precision.DAY.value, Precision.MONTH.value})
_MONTHS_IN = {
    Precision.DAY: 0,
    Precision.MONTH: 1,
    Precision.FISCAL_HALF: 6,
    Precision.FISCAL_YEAR: 12,
}


def fiscal_start_month() -> int:
    return settings.THREELINES_FISCAL_YEAR_START_MONTH


def add_months(year: int, month: int, months: int) -> tuple[int, int]:
    """(year, month) ``months`` after (or before) the given month."""
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def fiscal_year_of(day: dt.date) -> int:
    """The fiscal year a day falls in, named by the calendar year it starts in."""
    start = fiscal_start_month()
    return day.year if day.month >= start else day.year - 1


def fiscal_half_of(day: dt.date) -> int:
    """1 for the first half (上期), 2 for the second (下期)."""
    start = fiscal_start_month()
    months_in = (day.month - start) % 12
    return 1 if months_in < 6 else 2


@dataclass(frozen=True, order=True)
class PrecisionDate:
    """A period named at some precision; ``value`` is always the first day of that period."""

    value: dt.date
    precision: str = Precision.DAY

    def __post_init__(self) -> None:
        if self.precision not in _PRECISIONS:
            raise ValueError(f"unknown precision {self.precision!r}")
        normalised = self.period_start(self.value, self.precision)
        object.__setattr__(self, "value", normalised)

    # construction -------------------------------------------------------------------------
    @classmethod
    def day(cls, year: int, month: int, day: int) -> PrecisionDate:
        return cls(dt.date(year, month, day), Precision.DAY)

    @classmethod
    def month(cls, year: int, month: int) -> PrecisionDate:
        return cls(dt.date(year, month, 1), Precision.MONTH)

    @classmethod
    def fiscal_half(cls, fiscal_year: int, half: int) -> PrecisionDate:
        if half not in (1, 2):
            raise ValueError("half must be 1 or 2")
        year, month = add_months(fiscal_year, fiscal_start_month(), 6 * (half - 1))
        return cls(dt.date(year, month, 1), Precision.FISCAL_HALF)

    @classmethod
    def fiscal_year(cls, fiscal_year: int) -> PrecisionDate:
        return cls(dt.date(fiscal_year, fiscal_start_month(), 1), Precision.FISCAL_YEAR)

    @staticmethod
    def period_start(value: dt.date, precision: str) -> dt.date:
        if precision == Precision.DAY:
            return value
        if precision == Precision.MONTH:
            return value.replace(day=1)
        fy = fiscal_year_of(value)
        if precision == Precision.FISCAL_YEAR:
            return dt.date(fy, fiscal_start_month(), 1)
        year, month = add_months(fy, fiscal_start_month(), 6 * (fiscal_half_of(value) - 1))
        return dt.date(year, month, 1)

    # facts --------------------------------------------------------------------------------
    @property
    def start(self) -> dt.date:
        return self.value

    @functools.cached_property  # frozen: computed once (kept outside the compared fields)
    def end(self) -> dt.date:
        """The last day of the period: a measure due "2023年度上期" is due by 2023-09-30."""
        months = _MONTHS_IN[self.precision]
        if months == 0:
            return self.value
        year, month = add_months(self.value.year, self.value.month, months - 1)
        return dt.date(year, month, calendar.monthrange(year, month)[1])

    # rendering ----------------------------------------------------------------------------
    def ja(self, *, with_year: bool = True) -> str:
        """Japanese form: 2023年5月12日, 2023年5月, 2023年度上期, 2023年度."""
        return self._ja if with_year else self._ja_without_year

    # Written once per date: a phrase lists every occurrence of a recurring measure, and
    # the rows share their dates (``PrecisionDateAttribute``).
    @functools.cached_property
    def _ja(self) -> str:
        return self._japanese(with_year=True)

    @functools.cached_property
    def _ja_without_year(self) -> str:
        return self._japanese(with_year=False)

    def _japanese(self, *, with_year: bool) -> str:
        v = self.value
        if self.precision == Precision.DAY:
            return f"{v.year}年{v.month}月{v.day}日" if with_year else f"{v.month}月{v.day}日"
        if self.precision == Precision.MONTH:
            return f"{v.year}年{v.month}月" if with_year else f"{v.month}月"
        fy = fiscal_year_of(v)
        if self.precision == Precision.FISCAL_YEAR:
            return f"{fy}年度"
        return f"{fy}年度{'上期' if fiscal_half_of(v) == 1 else '下期'}"

    def en(self) -> str:
        v = self.value
        if self.precision == Precision.DAY:
            return f"{v.day} {calendar.month_abbr[v.month]} {v.year}"
        if self.precision == Precision.MONTH:
            return f"{calendar.month_abbr[v.month]} {v.year}"
        fy = fiscal_year_of(v)
        if self.precision == Precision.FISCAL_YEAR:
            return f"FY{fy}"
        return f"FY{fy} H{fiscal_half_of(v)}"

    def __str__(self) -> str:
        return self.ja()


def join_ja(dates: Iterable[PrecisionDate]) -> str:
    """A list of dates the way the seed writes it: 「2023年2月、4月」 (the year once per year)."""
    parts: list[str] = []
    previous_year: int | None = None
    for item in dates:
        calendar_based = item.precision in _CALENDAR_BASED
        same_year = calendar_based and item.value.year == previous_year
        parts.append(item.ja(with_year=not same_year))
        previous_year = item.value.year if calendar_based else None
    return "、".join(parts)


def parse_ja(text: str) -> PrecisionDate:
    """Parse the Japanese forms that ``PrecisionDate.ja`` writes, ISO dates and the same
    with slashes (2023/05/12, 2023/5).

    Raises ``ValueError`` with the text that could not be read.
    """
    # Full-width digits and slashes (２０２３／５／１) as typed with a Japanese input method.
    value = unicodedata.normalize("NFKC", text).strip()
    try:
        if m := re.fullmatch(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})", value):
            return PrecisionDate.day(*map(int, m.groups()))
        if m := re.fullmatch(r"(\d{4})[-/](\d{1,2})", value):
            return PrecisionDate.month(*map(int, m.groups()))
        if m := re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日", value):
            return PrecisionDate.day(*map(int, m.groups()))
        if m := re.fullmatch(r"(\d{4})年(\d{1,2})月", value):
            return PrecisionDate.month(*map(int, m.groups()))
        if m := re.fullmatch(r"(\d{4})年度(上期|下期)", value):
            return PrecisionDate.fiscal_half(int(m.group(1)), 1 if m.group(2) == "上期" else 2)
        if m := re.fullmatch(r"(\d{4})年度", value):
            return PrecisionDate.fiscal_year(int(m.group(1)))
    except ValueError:  # a day or month that does not exist
        pass
    raise ValueError(f"not a date: {text!r}")


@functools.lru_cache(maxsize=16384)
def _stored_date(value: dt.date, precision: str) -> PrecisionDate:
    """One shared (immutable) ``PrecisionDate`` per stored pair: the pages and reports read
    the same few thousand dates from hundreds of thousands of rows. Emptied when the fiscal
    year's first month changes (``setting_changed``), as the periods depend on it."""
    return PrecisionDate(value, precision)


def stored_date(value: dt.date | None, precision: str | None) -> PrecisionDate | None:
    """The date of a stored (date, precision) column pair, None for no date."""
    if value is None:
        return None
    return _stored_date(value, precision or Precision.DAY)


@receiver(setting_changed)
def _fiscal_start_changed(*, setting: str, **kwargs) -> None:
    if setting == "THREELINES_FISCAL_YEAR_START_MONTH":
        _stored_date.cache_clear()


class PrecisionDateAttribute:
    """Read/write a (date, precision) column pair as one ``PrecisionDate``.

    ``planned_start = PrecisionDateAttribute("planned_start_on")`` reads the columns
    ``planned_start_on`` and ``planned_start_on_precision``.
    """

    def __init__(self, date_field: str) -> None:
        self.date_field = date_field
        self.precision_field = f"{date_field}_precision"

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = getattr(instance, self.date_field)  # ``stored_date`` inlined: read often
        if value is None:
            return None
        return _stored_date(value, getattr(instance, self.precision_field) or Precision.DAY)

    def __set__(self, instance, pd: PrecisionDate | None) -> None:
        if pd is None:
            setattr(instance, self.date_field, None)
            setattr(instance, self.precision_field, Precision.DAY)
        else:
            setattr(instance, self.date_field, pd.value)
            setattr(instance, self.precision_field, pd.precision)


def precision_field(verbose_name: str = "") -> models.CharField:
    return models.CharField(
        verbose_name or _("precision"),
        max_length=16,
        choices=Precision.choices,
        default=Precision.DAY,
    )
