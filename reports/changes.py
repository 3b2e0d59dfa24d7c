"""What changed since the previous report: new, started, implemented, verified, re-planned,
reopened and withdrawn measures and changed due dates, with records dated earlier but
entered after the previous report listed as recorded late."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from core.dates import PrecisionDate
from measures.models import Countermeasure, StatusEvent
from measures.statuses import Status
from reports.models import Report

logger = logging.getLogger(__name__)


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
