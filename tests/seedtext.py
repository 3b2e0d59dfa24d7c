"""Read tables 2-2 and 3-2 out of the source document's text: the test vectors."""

import re

from tests.conftest import SEED_TEXT


def _section(start: str, end: str) -> list[str]:
    lines = SEED_TEXT.read_text(encoding="utf-8").splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith(start))
    last = next(i for i, line in enumerate(lines) if i > first and line.startswith(end))
    return lines[first:last]


def table_rows(table: str) -> list[tuple[str, str]]:
    """(measure text, 実施状況 phrase) for each row of table "2-2" or "3-2", in order."""
    start, end = {"2-2": ("2-2 各真因", "2-3"), "3-2": ("3-2 各真因", "3-3")}[table]
    rows = []
    for line in _section(start, end):
        if "<ul" not in line:
            continue
        cells = line.split("\t")
        text = re.sub(r"<[^>]+>", " ", cells[-2])
        text = re.sub(r"\s+", "", text).lstrip("・")
        rows.append((text, cells[-1].strip()))
    return rows
