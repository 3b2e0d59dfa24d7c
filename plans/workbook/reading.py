"""Reading a plan file (.xlsx, .yaml/.yml or .json) into rows of raw cells, by sheet.

Nothing is interpreted here beyond finding the sheets and columns: headers are matched in
Japanese or English (``layout``), an unknown sheet or column is a problem, not something
silently ignored, and every row keeps the number the user sees (the spreadsheet's row, or
the item's position in a YAML/JSON list) for the messages.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.utils.translation import gettext as _

from plans.workbook.layout import SHEETS, Sheet

# A workbook this size is refused before reading (openpyxl holds it in memory): the group
# preset's whole export is about 15 MB.
MAX_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file, where the user can find it."""

    sheet: str = ""  # the sheet's key ("" for the file as a whole)
    row: int | None = None
    column: str = ""  # the column's key
    message: str = ""


class SheetCells(Mapping):
    """A spreadsheet row's cells by column key: the row's values with the sheet's one
    key-to-position map (a group's plan has 250,000 rows; a dict each held twice the
    memory)."""

    __slots__ = ("_index", "_values")

    def __init__(self, index: dict[str, int], values: tuple) -> None:
        self._index, self._values = index, values

    def __getitem__(self, key: str) -> object:
        return self._values[self._index[key]]

    def get(self, key: str, default: object = None) -> object:
        position = self._index.get(key)
        return default if position is None else self._values[position]

    def __iter__(self):
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)


@dataclass(slots=True)
class Row:
    number: int
    cells: Mapping[str, object]  # column key -> raw value (None for an empty cell)
    # The keys a YAML/JSON record names (a key left out leaves that field as it is, an
    # explicit null clears it); None for a spreadsheet row, which has its sheet's columns.
    present: set[str] | None = None


@dataclass
class Book:
    """The rows of each sheet, with the columns the sheet has (a column left out of a sheet
    leaves that field of existing records as it is)."""

    name: str
    rows: dict[str, list[Row]] = field(default_factory=dict)
    columns: dict[str, set[str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def has(self, sheet: str) -> bool:
        return sheet in self.rows


class Unreadable(Exception):
    """The file is not a plan file at all (not a workbook, not YAML/JSON, too big)."""


def _norm(text: object) -> str:
    return unicodedata.normalize("NFKC", str(text)).strip().lower().rstrip("*＊ ").strip()


_SHEET_NAMES = {_norm(name): sheet for sheet in SHEETS for name in (sheet.key, sheet.ja)}
NOTES_SHEET = "説明"


def _column_names(sheet: Sheet) -> dict[str, str]:
    names = {}
    for column in sheet.columns:
        names[_norm(column.key)] = column.key
        names[_norm(column.ja)] = column.key
    return names


def _cell(value: object) -> object:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else value
    return value


def read(path: Path | str, *, name: str | None = None) -> Book:
    """Read the file at ``path``; ``name`` is the name the user gave it (an upload's)."""
    path = Path(path)
    name = name or path.name
    if path.stat().st_size > MAX_BYTES:
        raise Unreadable(_("The file is larger than %(size)d MB.") % {"size": MAX_BYTES >> 20})
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(path, name)
    if suffix in (".yaml", ".yml", ".json"):
        return _read_mapping(path, name, suffix)
    raise Unreadable(_("Give a workbook (.xlsx) or a YAML or JSON file."))


def _read_xlsx(path: Path, name: str) -> Book:
    from openpyxl import load_workbook

    unreadable = _("The file is not an Excel workbook (.xlsx) that can be read.")
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise Unreadable(unreadable) from exc
    except Exception as exc:  # openpyxl's own errors for a damaged or foreign file
        raise Unreadable(unreadable) from exc
    book = Book(name=name)
    try:
        for worksheet in workbook.worksheets:
            title = _norm(worksheet.title)
            if title in (_norm(NOTES_SHEET), "notes"):
                continue
            sheet = _SHEET_NAMES.get(title)
            if sheet is None:
                book.problems.append(
                    Problem(
                        message=_("Sheet 「%(name)s」 is not one of the plan's sheets.")
                        % {"name": worksheet.title}
                    )
                )
                continue
            _read_rows(book, sheet, worksheet.iter_rows(values_only=True))
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise Unreadable(unreadable) from exc
    finally:
        workbook.close()
    return book


def _read_rows(book: Book, sheet: Sheet, rows) -> None:
    header: list[str | None] = []
    for index, values in enumerate(rows, start=1):
        if not header:
            if all(v is None or str(v).strip() == "" for v in values):
                continue
            header = _header(book, sheet, values, index)
            book.rows.setdefault(sheet.key, [])
            book.columns[sheet.key] = {key for key in header if key}
            # Each known column's position in the sheet, and in the rows' kept values.
            positions = {key: i for i, key in enumerate(header) if key}
            shared = {key: n for n, key in enumerate(positions)}
            continue
        kept = tuple(_cell(values[i]) if i < len(values) else None for i in positions.values())
        if all(value is None for value in kept):
            continue
        book.rows[sheet.key].append(Row(index, SheetCells(shared, kept)))
    if not header:
        book.rows.setdefault(sheet.key, [])
        book.columns[sheet.key] = set()


def _header(book: Book, sheet: Sheet, values, number: int) -> list[str | None]:
    names = _column_names(sheet)
    header: list[str | None] = []
    for value in values:
        if value is None or str(value).strip() == "":
            header.append(None)
            continue
        key = names.get(_norm(value))
        if key is None:
            book.problems.append(
                Problem(
                    sheet.key,
                    number,
                    "",
                    _("Column 「%(name)s」 is not one of this sheet's columns.") % {"name": value},
                )
            )
        elif key in header:
            book.problems.append(Problem(sheet.key, number, key, _("The column is there twice.")))
            key = None
        header.append(key)
    return header


def _scalar(value) -> bool:
    return value is None or isinstance(value, str | int | float | bool | dt.date)


def _read_mapping(path: Path, name: str, suffix: str) -> Book:
    text = path.read_bytes()
    try:
        data = json.loads(text) if suffix == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise Unreadable(
            _("The file could not be read as %(format)s: %(error)s")
            % {"format": "JSON" if suffix == ".json" else "YAML", "error": str(exc)[:300]}
        ) from exc
    if not isinstance(data, dict):
        raise Unreadable(_("The file should hold one list of records per sheet."))
    book = Book(name=name)
    for sheet_name, records in data.items():
        sheet = _SHEET_NAMES.get(_norm(sheet_name))
        if sheet is None:
            book.problems.append(
                Problem(
                    message=_("Sheet 「%(name)s」 is not one of the plan's sheets.")
                    % {"name": sheet_name}
                )
            )
            continue
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            book.problems.append(Problem(sheet.key, None, "", _("A sheet is a list of records.")))
            continue
        names = _column_names(sheet)
        rows, seen = [], set()
        for number, record in enumerate(records, start=1):
            cells = {}
            for column_name, value in record.items():
                key = names.get(_norm(column_name))
                if key is None:
                    book.problems.append(
                        Problem(
                            sheet.key,
                            number,
                            "",
                            _("Column 「%(name)s」 is not one of this sheet's columns.")
                            % {"name": column_name},
                        )
                    )
                    continue
                if not _scalar(value) and not (
                    isinstance(value, list) and all(_scalar(v) for v in value)
                ):
                    # Nested structures (or a YAML alias bomb's shared lists) are not cells.
                    book.problems.append(
                        Problem(
                            sheet.key, number, key, _("A cell holds one value or a list of values.")
                        )
                    )
                    continue
                cells[key] = _cell(value)
            seen |= set(cells)
            rows.append(Row(number, cells, present=set(cells)))
        book.rows[sheet.key] = rows
        book.columns[sheet.key] = seen
    return book
