"""Render a committee's progress report as of a date (WeasyPrint, A4, Japanese font embedded).

``report_pdf`` builds the PDF from the data alone (valid time as of the date), so the same
committee and date give the same tables. ``report_render`` renders a queued ``Report`` once,
stores it with its SHA-256, size and page count, and never touches it again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.dates import PrecisionDate
from core.queueing import enqueue
from governance.audit import spreadsheet_safe
from governance.models import Committee, Meeting, OrgUnit, RoleAssignment
from governance.permissions import access_sync_objects
from incidents.models import Incident, RootCause
from measures.asof import measure_states_as_of
from measures.charts import status_bars
from measures.models import Countermeasure, Status, StatusEvent
from measures.selectors import status_counts
from measures.statuses import is_due_within
from reports.models import Report

logger = logging.getLogger(__name__)

PRINT_CSS = Path(settings.BASE_DIR) / "templates" / "reports" / "print.css"


# -- what changed since the previous report ---------------------------------------------------
# The report is written in Japanese, whatever the reader's language.
CHANGE_KINDS = {
    Status.IN_PROGRESS: "着手",
    Status.IMPLEMENTED: "実施",
    Status.IN_OPERATION: "運用開始",
    Status.VERIFIED: "有効性確認",
    Status.NOT_EFFECTIVE: "有効性確認（効果不十分）",
    Status.REOPENED: "再開",
    Status.PLANNED: "計画変更",
    Status.ON_HOLD: "保留",
    Status.CANCELLED: "中止",
}
NEW = "新規"
DUE_CHANGED = "期限変更"


PROGRESS, LATE, PLAN = "progress", "late", "plan"
WITHDRAWN = "取下げ"
# A status write stamps ``recorded_at`` before it commits; one that committed after a
# report read the data, stamped up to this long before, is told apart by the ids the report
# saw (``Report.seen_recent``). No write transaction lasts this long.
LATE_MARGIN = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class Change:
    """One line of the changes since the previous report. ``section``: PROGRESS (effective
    after the previous report's date), LATE (effective on or before it but entered after
    that report read the data: ``recorded_at`` says when) or PLAN (the plan itself changed:
    a due date, a measure withdrawn; dated when it was entered)."""

    on: str  # the date as the report prints it
    sort_key: tuple
    measure: Countermeasure
    kind: str
    detail: str
    section: str
    recorded_at: dt.datetime | None = None


def _read_time(report: Report) -> dt.datetime:
    """When ``report`` read the data (older reports: when they were rendered)."""
    return report.read_at or report.rendered_at or report.requested_at


def _late(previous: Report, field: str = "recorded_at", seen: str = "events") -> Q:
    """Entered after ``previous`` read the data: stamped after its read time, or stamped
    shortly before but committed too late for it to see (not among the ids it saw)."""
    seen_at = _read_time(previous)
    after = Q(**{f"{field}__gt": seen_at})
    if previous.seen_recent is None:  # rendered before reports kept what they saw
        return after
    return after | (
        Q(**{f"{field}__gt": seen_at - LATE_MARGIN}) & ~Q(pk__in=previous.seen_recent.get(seen, []))
    )


def report_changes(
    *, organizations, as_of: dt.date, previous: Report, read_at: dt.datetime
) -> list[Change]:
    """What changed since ``previous``: events effective after its date up to ``as_of``
    (started, implemented, verified, re-planned, reopened…) and measures that entered the
    plan then; events and measures dated on or before its date but entered after it read
    the data (recorded late, with when); due dates changed and measures withdrawn after it
    read the data (the plan itself). Oldest first within each section."""
    since, seen_at = previous.as_of, _read_time(previous)
    everything = Countermeasure.objects.filter(organization__in=organizations)
    scope = everything.filter(archived_at__isnull=True)
    changes: list[Change] = []
    events = (
        StatusEvent.objects.filter(measure__in=scope, recorded_at__lte=read_at)
        .filter(
            Q(effective_on_date__gt=since, effective_on_date__lte=as_of)
            | (Q(effective_on_date__lte=since) & _late(previous))
        )
        .select_related("measure", "measure__parent")
    )
    for event in events:
        detail = []
        if event.planned_for:
            detail.append(f"予定 {event.planned_for.ja()}")
        if event.occurrence_count:
            detail.append(f"{event.occurrence_count}回")
        if event.note:
            detail.append(event.note.splitlines()[0][:80])
        late = event.effective_on_date <= since
        changes.append(
            Change(
                on=event.effective_on.ja(),
                sort_key=(event.effective_on_date, event.recorded_at),
                measure=event.measure,
                kind=CHANGE_KINDS.get(event.status, Status(event.status).label),
                detail="、".join(detail),
                section=LATE if late else PROGRESS,
                recorded_at=event.recorded_at if late else None,
            )
        )
    entered_late = Countermeasure.history.filter(
        Q(history_type="+", id__in=scope.values("pk"))
        & _late(previous, "history_date", seen="measures")
    ).values("id")
    new = scope.filter(planned_on__lte=as_of, planned_on__isnull=False).filter(
        Q(planned_on__gt=since) | Q(pk__in=entered_late)
    )
    new = list(new.select_related("parent"))
    # When each new measure was entered (its first history record), for those only.
    created = dict(
        Countermeasure.history.filter(history_type="+", id__in=[m.pk for m in new]).values_list(
            "id", "history_date"
        )
    )
    for measure in new:
        at = created.get(measure.pk)
        if at is not None and at > read_at:
            continue
        late = measure.planned_on <= since
        changes.append(
            Change(
                on=join_day(measure.planned_on),
                sort_key=(measure.planned_on, at or read_at),
                measure=measure,
                kind=NEW,
                detail=f"期限 {measure.due.ja()}" if measure.due else "",
                section=LATE if late else PROGRESS,
                recorded_at=at if late else None,
            )
        )
    changes.extend(_due_changes(scope, since=seen_at, until=read_at))
    for measure in everything.filter(archived_at__gt=seen_at, archived_at__lte=read_at):
        day = timezone.localtime(measure.archived_at).date()
        changes.append(
            Change(
                on=join_day(day),
                sort_key=(day, measure.archived_at),
                measure=measure,
                kind=WITHDRAWN,
                detail="計画から除外（記録は保存）",
                section=PLAN,
            )
        )
    changes.sort(key=lambda c: (c.sort_key, c.measure.code))
    return changes


def join_day(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _due_changes(scope, *, since: dt.datetime, until: dt.datetime) -> list[Change]:
    """Due dates changed (transaction time) after the previous report read the data."""
    touched = Countermeasure.history.filter(
        history_type="~", history_date__gt=since, history_date__lte=until, id__in=scope.values("pk")
    ).values("id")
    measures = {m.pk: m for m in scope.filter(pk__in=touched).select_related("parent")}
    last: dict[int, tuple] = {}
    changes = []
    for record in Countermeasure.history.filter(
        id__in=list(measures), history_date__lte=until
    ).order_by("id", "history_date", "history_id"):
        due = (record.due_on, record.due_on_precision)
        before = last.get(record.id)
        last[record.id] = due
        if before is None or before == due or record.history_date <= since:
            continue
        old, new = (PrecisionDate(d, p) if d else None for d, p in (before, due))
        day = timezone.localtime(record.history_date).date()
        changes.append(
            Change(
                on=join_day(day),
                sort_key=(day, record.history_date),
                measure=measures[record.id],
                kind=DUE_CHANGED,
                detail=f"{old.ja() if old else '未定'} → {new.ja() if new else '未定'}",
                section=PLAN,
            )
        )
    return changes


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
        .select_related("user")
    ):
        holders[a.org_unit_id].append(a)
    units = (
        OrgUnit.objects.filter(organization__in=orgs, archived_at__isnull=True)
        .order_by("organization__code", "path")
        .select_related("organization")
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
        "hierarchy": hierarchy,
        "generated_at": read_at,
        "css": PRINT_CSS.read_text(encoding="utf-8"),
    }


def _no_network(url: str, *args, **kwargs):
    """WeasyPrint may load nothing from outside: fonts come from the system by name."""
    raise ValueError(f"the report loads no external resource ({url})")


def report_pdf(
    *,
    committee: Committee,
    as_of: dt.date,
    previous: Report | None = None,
    meeting: Meeting | None = None,
    read_at: dt.datetime | None = None,
) -> tuple[bytes, int]:
    """(PDF bytes, page count). Japanese, whatever the language of the request."""
    context = report_context(
        committee=committee, as_of=as_of, previous=previous, meeting=meeting, read_at=read_at
    )
    return pdf_from_context(context)


def pdf_from_context(context: dict) -> tuple[bytes, int]:
    from weasyprint import HTML

    with translation.override("ja"):
        html = render_to_string("reports/committee_report.html", context)
    document = HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=_no_network).render()
    stream = io.BytesIO()
    document.write_pdf(stream)
    return stream.getvalue(), len(document.pages)


def report_request(
    *,
    committee: Committee,
    as_of: dt.date,
    actor,
    previous: Report | None = None,
    meeting: Meeting | None = None,
) -> Report:
    """Queue a report; it is rendered by a worker after commit. Refuses a comparison with
    another committee's report, an unfinished one, or one of a later date."""
    if previous is not None:
        if previous.committee_id != committee.pk:
            raise ValidationError(
                {"previous": _("Compare with a report of the same committee.")},
                code="previous_other_committee",
            )
        if previous.state != Report.State.DONE:
            raise ValidationError(
                {"previous": _("Only a finished report can be compared with.")},
                code="previous_not_done",
            )
        if previous.as_of > as_of:
            raise ValidationError(
                {"previous": _("The report compared with must not be dated after this one.")},
                code="previous_later",
            )
    if meeting is not None and meeting.committee_id != committee.pk:
        raise ValidationError(
            {"meeting": _("Choose a meeting of this committee.")}, code="meeting_other_committee"
        )
    report = Report.objects.create(
        committee=committee, as_of=as_of, previous=previous, meeting=meeting, requested_by=actor
    )
    access_sync_objects(Report, [report.pk], actor=actor)
    transaction.on_commit(lambda: _queue(report.pk))
    return report


REQUEUE_AFTER = dt.timedelta(minutes=10)


RENDER_TASK = "reports.render_report"


def _queue(report_id: int) -> None:
    try:
        enqueue(RENDER_TASK, report_id)
    except Exception:  # the sweep of stuck reports queues it again
        logger.exception("could not queue report %s", report_id)


def _consistent_snapshot() -> None:
    """On PostgreSQL, read everything the report shows from one snapshot (REPEATABLE READ),
    so that its tables and its changes section agree with each other and with its read
    time. Must open the transaction; inside another one (tests) the outer one holds."""
    from django.db import connection

    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            if not connection.savepoint_ids:  # the transaction's first statement
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SELECT 1")  # takes the snapshot


def report_render(*, report_id: int) -> str:
    """Render a queued report once: queued → rendering → done (or failed, with the error).

    The claim counts the attempt; only that attempt may finish the report (a render the
    sweep gave up on and queued again cannot overwrite the newer one). The data are read
    from one snapshot; the PDF and the .xlsx of its tables are stored with their SHA-256,
    and the ids of the status events entered just before the read, so that the next report
    can tell which late ones this one missed. A finished report never changes (the database
    refuses it)."""
    claimed = Report.objects.filter(pk=report_id, state=Report.State.QUEUED).update(
        state=Report.State.RENDERING, attempts=F("attempts") + 1, started_at=timezone.now()
    )
    if claimed != 1:
        return "skipped"
    report = Report.objects.select_related("committee", "previous", "meeting").get(pk=report_id)
    mine = Report.objects.filter(
        pk=report_id, state=Report.State.RENDERING, attempts=report.attempts
    )
    try:
        with transaction.atomic():
            _consistent_snapshot()
            read_at = timezone.now()
            seen_recent = {
                "events": list(
                    StatusEvent.objects.filter(recorded_at__gt=read_at - LATE_MARGIN).values_list(
                        "pk", flat=True
                    )
                ),
                "measures": list(
                    Countermeasure.history.filter(
                        history_type="+", history_date__gt=read_at - LATE_MARGIN
                    ).values_list("history_id", flat=True)
                ),
            }
            context = report_context(
                committee=report.committee,
                as_of=report.as_of,
                previous=report.previous,
                meeting=report.meeting,
                read_at=read_at,
            )
            pdf, pages = pdf_from_context(context)
            tables = xlsx_from_context(context)
        report.file.save(f"{report.pk}.pdf", ContentFile(pdf), save=False)
        report.tables.save(f"{report.pk}.xlsx", ContentFile(tables), save=False)
    except Exception as exc:
        logger.exception("report %s failed", report_id)
        mine.update(state=Report.State.FAILED, error=f"{type(exc).__name__}: {exc}"[:4000])
        return Report.State.FAILED
    done = mine.update(
        state=Report.State.DONE,
        file=report.file.name,
        tables=report.tables.name,
        sha256=hashlib.sha256(pdf).hexdigest(),
        tables_sha256=hashlib.sha256(tables).hexdigest(),
        size=len(pdf),
        pages=pages,
        read_at=read_at,
        seen_recent=seen_recent,
        rendered_at=timezone.now(),
    )
    if not done:  # another attempt owns the report now: keep no orphan files
        report.file.delete(save=False)
        report.tables.delete(save=False)
        return "skipped"
    return Report.State.DONE


def reports_requeue(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The periodic sweep: a report whose message was not taken for a while is queued
    again (its message may have been lost with the broker), at most every
    ``REQUEUE_AFTER``; one left rendering by a dead worker goes back to the queue, or fails
    after ``THREELINES_REPORT_MAX_ATTEMPTS``."""
    now = now or timezone.now()
    timeout = dt.timedelta(minutes=settings.THREELINES_REPORT_RENDER_TIMEOUT_MINUTES)
    stale = Report.objects.filter(state=Report.State.RENDERING, started_at__lt=now - timeout)
    failed = stale.filter(attempts__gte=settings.THREELINES_REPORT_MAX_ATTEMPTS).update(
        state=Report.State.FAILED,
        error=f"rendering did not finish within {timeout} after the last attempt",
    )
    reset = stale.update(state=Report.State.QUEUED, queued_at=None)
    waiting = list(
        Report.objects.filter(state=Report.State.QUEUED)
        .filter(
            Q(queued_at__isnull=True, requested_at__lt=now - REQUEUE_AFTER)
            | Q(queued_at__lt=now - REQUEUE_AFTER)
        )
        .values_list("pk", flat=True)
    )
    Report.objects.filter(pk__in=waiting, state=Report.State.QUEUED).update(queued_at=now)
    for pk in waiting:
        _queue(pk)
    return {"requeued": len(waiting), "reset": reset, "failed": failed}


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
