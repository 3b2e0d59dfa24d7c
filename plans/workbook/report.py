"""An import's outcome in words: the problems by sheet, row and column, then the counts."""

from __future__ import annotations

from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from plans.workbook import layout
from plans.workbook.importing import Outcome
from plans.workbook.reading import Problem


def sheet_name(key: str) -> str:
    sheet = layout.BY_KEY.get(key)
    if sheet is None:
        return key
    return sheet.ja if (get_language() or "ja").startswith("ja") else sheet.key


def column_name(sheet_key: str, column_key: str) -> str:
    sheet = layout.BY_KEY.get(sheet_key)
    if sheet is None or not column_key:
        return column_key
    column = next((c for c in sheet.columns if c.key == column_key), None)
    if column is None:
        return column_key
    return column.ja if (get_language() or "ja").startswith("ja") else column.key


def where(problem: Problem) -> str:
    """「対策」シート 12行目 「期限」列 (the parts that are known)."""
    parts = []
    if problem.sheet:
        parts.append(_("sheet %(name)s") % {"name": sheet_name(problem.sheet)})
    if problem.row is not None:
        parts.append(_("row %(number)d") % {"number": problem.row})
    if problem.column:
        parts.append(_("column %(name)s") % {"name": column_name(problem.sheet, problem.column)})
    return " ".join(parts) or _("the file")


def describe(outcome: Outcome) -> list[str]:
    lines = []
    if outcome.problems:
        lines.append(
            ngettext(
                "%(count)d problem; nothing was written:",
                "%(count)d problems; nothing was written:",
                len(outcome.problems),
            )
            % {"count": len(outcome.problems)}
        )
        lines += [f"  {where(p)}: {p.message}" for p in outcome.problems]
        return lines
    lines.append(
        _("Checked; nothing was written (dry run).") if outcome.dry_run else _("Imported.")
    )
    for key, count in outcome.counts.items():
        lines.append(
            _("  %(sheet)s: %(created)d new, %(updated)d changed, %(unchanged)d unchanged")
            % {"sheet": sheet_name(key), **vars(count)}
        )
    if outcome.missing:
        codes = "、".join(label for _sheet, label, _obj in outcome.missing)
        if outcome.archived:
            lines.append(_("  Archived (not in the file): %(codes)s") % {"codes": codes})
        else:
            lines.append(
                _("  Not in the file (archive them with --archive-missing): %(codes)s")
                % {"codes": codes}
            )
    return lines
