"""Spreadsheets and CSV files written so that every text is text: a cell that begins with
= + - @ (or a tab or carriage return) would be read as a formula by Excel and its kin (CSV
or formula injection: a perspective named =HYPERLINK(...) leaking the sheet). Every export
writes its rows through here, so no caller can forget a column."""

from __future__ import annotations

import csv
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text(value):
    """``value`` as it should be written: a string that would start a formula gets a
    leading apostrophe (shown as text); numbers, dates and None stay as they are."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def sheet_title(name: str) -> str:
    """``name`` as a worksheet's title: without the characters a title may not hold
    (: \\ / ? * [ ]) and at most 31 characters (openpyxl refuses them)."""
    cleaned = "".join(" " if char in ":\\/?*[]" else char for char in name).strip()
    return cleaned[:31] or "-"


def sheet_append(sheet, values: Iterable) -> None:
    """Append a row to an openpyxl worksheet, every text guarded."""
    sheet.append([as_text(value) for value in values])


class _Writer:
    def __init__(self, stream) -> None:
        self._writer = csv.writer(stream)

    def writerow(self, values: Iterable) -> None:
        self._writer.writerow([as_text(value) for value in values])


def csv_writer(stream) -> _Writer:
    """A ``csv.writer`` over ``stream`` that guards every text it writes."""
    return _Writer(stream)
