"""Everything a committee report shows as of a date (valid time), and the same tables as an
.xlsx workbook."""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from pathlib import Path

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext

from core.spreadsheets import sheet_append, sheet_title
from governance.models import (
    Committee,
    Meeting,
    OrgUnit,
    RegulatoryAction,
    RequiredItem,
    RoleAssignment,
)
from incidents.models import Incident, RootCause
from internalaudit.selectors import audit_picture
from measures.asof import measure_states_as_of
from measures.charts import status_bars
from measures.models import Countermeasure, RequiredItemCoverage
from measures.selectors import status_counts
from measures.statuses import Status, is_due_within
from monitoring.selectors import report_monitoring
from registry.selectors import registry_picture
from reports.changes import LATE, PLAN, PROGRESS, report_changes
from reports.models import Report

PRINT_CSS = Path(settings.BASE_DIR) / "templates" / "reports" / "print.css"


# -- the report ---------------------------------------------------------------------------------
def _upcoming_days() -> int:
    return settings.THREELINES_REPORT_UPCOMING_DAYS


def report_context(
    *,
    committee: Committee,
    as_of: dt.date,
    previous: Report | None = None,
    meeting: Meeting | None = None,
    read_at: dt.datetime | None = None,
) -> dict:
    """Everything the report shows, as of ``as_of`` (valid time)."""
    read_at = read_at or timezone.now()
    orgs = list(committee.scope.order_by("code"))
    states = measure_states_as_of(
        as_of=as_of,
        measures=Countermeasure.objects.filter(organization__in=orgs, archived_at__isnull=True),
        with_root_causes=True,
    )
    by_org = []
    for org in orgs:
        org_states = [s for s in states if s.measure.organization_id == org.pk]
        top = [s for s in org_states if not s.measure.parent_id]
        # Groups in the perspectives' own order (a plan numbers its measures within each),
        # the measures' order kept within a group (the sort is stable).
        top.sort(key=_perspective_order)
        children: dict[int, list] = defaultdict(list)
        for state in org_states:
            if state.measure.parent_id:
                children[state.measure.parent_id].append(state)
        groups: dict[str, list] = defaultdict(list)
        for state in top:
            m = state.measure
            if m.perspective:
                heading = m.perspective.name
            else:
                heading = "、".join(
                    f"真因{rc.label} {rc.short_title or rc.title}" for rc in m.root_causes.all()
                )
            groups[heading].append((state, children[m.pk]))
        if top:
            by_org.append(
                {
                    "organization": org,
                    "root_causes": RootCause.objects.filter(
                        organization=org, archived_at__isnull=True
                    ),
                    "groups": list(groups.items()),
                    "overdue": [s for s in org_states if s.is_overdue],
                    "upcoming": [
                        s
                        for s in org_states
                        if is_due_within(
                            s.measure.due, status=s.status, as_of=as_of, days=_upcoming_days()
                        )
                    ],
                }
            )
    counts = status_counts(states)
    holders: dict[int, list] = defaultdict(list)
    for a in (
        RoleAssignment.objects.active_on(as_of)
        .filter(org_unit__organization__in=orgs)
        .select_related("user", "org_unit__organization")
    ):
        holders[a.org_unit_id].append(a)
    # The tree in order: each unit after its parent, siblings as they were made (the path
    # holds ids: as text, "/8/14/" would come before "/8/9/").
    units = sorted(
        OrgUnit.objects.filter(organization__in=orgs, archived_at__isnull=True).select_related(
            "organization"
        ),
        key=lambda u: (u.organization.code, [int(p) for p in u.path.strip("/").split("/") if p]),
    )
    hierarchy = [(unit, holders.get(unit.pk, [])) for unit in units]
    changes = None
    if previous is not None:
        changes = report_changes(
            organizations=orgs, as_of=as_of, previous=previous, read_at=read_at
        )
    return {
        "committee": committee,
        "as_of": as_of,
        "meeting": meeting,
        "previous": previous,
        "changes": [c for c in changes if c.section == PROGRESS] if changes is not None else None,
        "late": [c for c in changes or [] if c.section == LATE],
        "plan_changes": [c for c in changes or [] if c.section == PLAN],
        "upcoming_days": _upcoming_days(),
        "organizations": orgs,
        "incidents": Incident.objects.filter(organization__in=orgs, archived_at__isnull=True)
        .prefetch_related("metrics")
        .order_by("organization__code", "number"),
        "by_org": by_org,
        "count_rows": [
            (org, perspective, Status(status).label, n)
            for (org, perspective), row in counts.items()
            for status, n in sorted(row.items(), key=lambda i: list(Status.values).index(i[0]))
        ],
        "chart": status_bars(
            [(f"{org} {p}".strip(), row) for (org, p), row in counts.items()],
            title="状況別の対策数",
        ),
        "recommendations": committee.recommendations.filter(archived_at__isnull=True)
        .prefetch_related(
            "reflections__measure",
        )
        .order_by("number"),
        "regulatory": _required_items(orgs),
        "monitoring": report_monitoring(
            orgs, day=as_of, since=previous.as_of if previous is not None else None
        ),
        "registry": registry_picture(orgs, day=as_of),
        "audit": audit_picture(
            orgs, day=as_of, since=previous.as_of if previous is not None else None
        ),
        "hierarchy": hierarchy,
        "generated_at": read_at,
        "css": PRINT_CSS.read_text(encoding="utf-8"),
    }


def _required_items(orgs):
    """The regulator's actions to these organizations, each required item with the
    measures (in the plan) that cover it."""
    coverage = RequiredItemCoverage.objects.filter(
        archived_at__isnull=True, measure__archived_at__isnull=True
    ).select_related("measure")
    items = (
        RequiredItem.objects.filter(archived_at__isnull=True)
        .order_by("number")
        .prefetch_related(Prefetch("coverage", queryset=coverage, to_attr="covered_by"))
    )
    return (
        RegulatoryAction.objects.filter(organization__in=orgs, archived_at__isnull=True)
        .select_related("organization")
        .prefetch_related(Prefetch("required_items", queryset=items, to_attr="items"))
        .order_by("issued_on", "pk")
    )


def report_xlsx(*, committee: Committee, as_of: dt.date) -> bytes:
    """The report's countermeasure tables as .xlsx, one sheet per company, in the layout of
    the PDF's 2-2/3-2 tables (区分, 対策 with its sub-items, 実施状況 as of the date)."""
    return xlsx_from_context(report_context(committee=committee, as_of=as_of))


def xlsx_from_context(context: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    committee, as_of = context["committee"], context["as_of"]
    book = Workbook()
    book.remove(book.active)
    for org in context["by_org"]:
        sheet = book.create_sheet(title=sheet_title(str(org["organization"])))
        sheet_append(sheet, [f"{committee.name} {as_of.isoformat()}時点"])
        sheet_append(sheet, ["区分", "コード", "対策", "実施状況"])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for heading, rows in org["groups"]:
            for index, (state, subs) in enumerate(rows):
                text = "\n".join(
                    [state.measure.title] + [f"{c.measure.label}{c.measure.title}" for c in subs]
                )
                sheet_append(
                    sheet,
                    [
                        heading if index == 0 else "",
                        state.measure.code,
                        text,
                        state.phrase,
                    ],
                )
        for column, width in zip("ABCD", (28, 10, 70, 40), strict=True):
            sheet.column_dimensions[column].width = width
        for row in sheet.iter_rows(min_row=3):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A3"
    if not book.worksheets:  # no measure in the committee's scope yet: still a workbook
        book.create_sheet(title=sheet_title(gettext("Countermeasures")))
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def _perspective_order(state) -> tuple:
    perspective = state.measure.perspective
    return (0, perspective.position, perspective.code) if perspective else (1, 0, "")
