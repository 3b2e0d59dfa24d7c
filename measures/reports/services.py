"""Render a committee's progress report as of a date (WeasyPrint, A4, Japanese font embedded).

``report_pdf`` builds the PDF from the data alone (valid time as of the date), so the same
committee and date give the same tables. ``report_render`` renders a queued ``Report`` once,
stores it with its SHA-256, size and page count, and never touches it again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections import defaultdict
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from governance.audit import spreadsheet_safe
from governance.models import Committee, OrgUnit, RoleAssignment
from incidents.models import Incident, RootCause
from measures.charts import status_bars
from measures.models import Countermeasure, Status
from measures.reports.models import Report
from measures.selectors import measure_states_as_of, status_counts

PRINT_CSS = Path(settings.BASE_DIR) / "templates" / "reports" / "print.css"


def report_context(*, committee: Committee, as_of: dt.date) -> dict:
    """Everything the report shows, as of ``as_of`` (valid time)."""
    orgs = list(committee.scope.order_by("code"))
    states = measure_states_as_of(
        as_of=as_of,
        measures=Countermeasure.objects.filter(organization__in=orgs, archived_at__isnull=True),
    )
    by_org = []
    for org in orgs:
        org_states = [s for s in states if s.measure.organization_id == org.pk]
        top = [s for s in org_states if not s.measure.parent_id]
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
                }
            )
    counts = status_counts(states)
    holders: dict[int, list] = defaultdict(list)
    for a in (
        RoleAssignment.objects.active_on(as_of)
        .filter(org_unit__organization__in=orgs)
        .select_related("user")
    ):
        holders[a.org_unit_id].append(a)
    units = (
        OrgUnit.objects.filter(organization__in=orgs, archived_at__isnull=True)
        .order_by("organization__code", "path")
        .select_related("organization")
    )
    hierarchy = [(unit, holders.get(unit.pk, [])) for unit in units]
    return {
        "committee": committee,
        "as_of": as_of,
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
        "hierarchy": hierarchy,
        "generated_at": timezone.now(),
        "css": PRINT_CSS.read_text(encoding="utf-8"),
    }


def _no_network(url: str, *args, **kwargs):
    """WeasyPrint may load nothing from outside: fonts come from the system by name."""
    raise ValueError(f"the report loads no external resource ({url})")


def report_pdf(*, committee: Committee, as_of: dt.date) -> tuple[bytes, int]:
    """(PDF bytes, page count). Japanese, whatever the language of the request."""
    from weasyprint import HTML

    with translation.override("ja"):
        html = render_to_string(
            "reports/committee_report.html", report_context(committee=committee, as_of=as_of)
        )
    document = HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=_no_network).render()
    stream = io.BytesIO()
    document.write_pdf(stream)
    return stream.getvalue(), len(document.pages)


def report_request(*, committee: Committee, as_of: dt.date, actor, previous=None) -> Report:
    """Queue a report; it is rendered by a worker after commit."""
    from measures.reports.tasks import render_report

    report = Report.objects.create(
        committee=committee, as_of=as_of, previous=previous, requested_by=actor
    )
    transaction.on_commit(lambda: _queue(report.pk, render_report))
    return report


def _queue(report_id: int, task) -> None:
    try:
        task.delay(report_id)
    except Exception:  # the sweep of stuck reports queues it again
        import logging

        logging.getLogger(__name__).exception("could not queue report %s", report_id)


def report_render(*, report_id: int) -> str:
    """Render a queued report once: queued → rendering → done (or failed, with the error)."""
    claimed = Report.objects.filter(pk=report_id, state=Report.State.QUEUED).update(
        state=Report.State.RENDERING
    )
    if claimed != 1:
        return "skipped"
    report = Report.objects.select_related("committee").get(pk=report_id)
    try:
        pdf, pages = report_pdf(committee=report.committee, as_of=report.as_of)
    except Exception as exc:
        Report.objects.filter(pk=report_id).update(
            state=Report.State.FAILED, error=f"{type(exc).__name__}: {exc}"[:4000]
        )
        return Report.State.FAILED
    report.file.save(f"{report.pk}.pdf", ContentFile(pdf), save=False)
    Report.objects.filter(pk=report_id, state=Report.State.RENDERING).update(
        state=Report.State.DONE,
        file=report.file.name,
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        pages=pages,
        rendered_at=timezone.now(),
    )
    return Report.State.DONE


def report_xlsx(*, committee: Committee, as_of: dt.date) -> bytes:
    """The report's countermeasure tables as .xlsx, one sheet per company, in the layout of
    the PDF's 2-2/3-2 tables (区分, 対策 with its sub-items, 実施状況 as of the date)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    context = report_context(committee=committee, as_of=as_of)
    book = Workbook()
    book.remove(book.active)
    for org in context["by_org"]:
        sheet = book.create_sheet(title=str(org["organization"])[:31])
        sheet.append([f"{committee.name} {as_of.isoformat()}時点"])
        sheet.append(["区分", "コード", "対策", "実施状況"])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for heading, rows in org["groups"]:
            for index, (state, subs) in enumerate(rows):
                text = "\n".join(
                    [state.measure.title] + [f"{c.measure.label}{c.measure.title}" for c in subs]
                )
                sheet.append(
                    [
                        heading if index == 0 else "",
                        state.measure.code,
                        spreadsheet_safe(text),
                        spreadsheet_safe(state.phrase),
                    ]
                )
        for column, width in zip("ABCD", (28, 10, 70, 40), strict=True):
            sheet.column_dimensions[column].width = width
        for row in sheet.iter_rows(min_row=3):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A3"
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()
