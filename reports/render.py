"""A report's files: the PDF (WeasyPrint, no network) rendered once by a worker from a
consistent snapshot, stored with its SHA-256, and the sweep that re-queues lost or stuck
renders."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.queueing import try_enqueue
from governance.models import Committee, Meeting
from measures.models import Countermeasure, StatusEvent
from reports.changes import LATE_MARGIN
from reports.context import report_context, xlsx_from_context
from reports.models import Report

logger = logging.getLogger(__name__)


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


RENDER_TASK = "reports.render_report"


def queue_render(report_id: int) -> None:
    """Queue the rendering; if the broker is down the sweep of stuck reports queues it."""
    try_enqueue(RENDER_TASK, report_id)


REQUEUE_AFTER = dt.timedelta(minutes=10)


def _consistent_snapshot() -> None:
    """On PostgreSQL, read everything the report shows from one snapshot (REPEATABLE READ),
    so that its tables and its changes section agree with each other and with its read
    time. Must open the transaction; inside another one (tests) the outer one holds."""
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
    except (OperationalError, InterfaceError) as exc:
        # The database went away mid-render (a restart, a dropped connection): another
        # attempt may well succeed, within the attempt budget.
        connection.close()  # the next query opens a new connection
        error = f"{type(exc).__name__}: {exc}"[:4000]
        if report.attempts < settings.THREELINES_REPORT_MAX_ATTEMPTS:
            logger.warning("report %s: transient database error, queued again: %s", report_id, exc)
            mine.update(state=Report.State.QUEUED, queued_at=timezone.now(), error=error)
            queue_render(report_id)
            return Report.State.QUEUED
        logger.exception("report %s failed after %s attempts", report_id, report.attempts)
        mine.update(state=Report.State.FAILED, error=error)
        return Report.State.FAILED
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
        queue_render(pk)
    return {"requeued": len(waiting), "reset": reset, "failed": failed}
