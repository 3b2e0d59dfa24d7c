"""What the database triggers keep (``LatestEvent``, ``StatusRun``), worked out again from
the status events themselves, for the tests that check the two agree."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count

from core.dates import PrecisionDate
from measures.models import LatestEvent, StatusEvent, StatusRun

TIMELINE = ("measure_id", "effective_on_date", "recorded_at", "id")


def latest_by_the_events() -> dict[int, int]:
    """{measure id: id of its latest event}: in timeline order, the last pair wins."""
    return dict(StatusEvent.objects.order_by(*TIMELINE).values_list("measure_id", "id"))


Run = tuple[int, str, dt.date, dt.date | None]  # number, status, from, until


def runs_by_the_events() -> dict[int, list[Run]]:
    """{measure id: its runs}: a new run wherever the status differs from the event
    before it in the timeline, lasting until the next run starts."""
    starts: dict[int, list[tuple[str, dt.date]]] = defaultdict(list)
    for measure_id, status, day in StatusEvent.objects.order_by(*TIMELINE).values_list(
        "measure_id", "status", "effective_on_date"
    ):
        runs = starts[measure_id]
        if not runs or runs[-1][0] != status:
            runs.append((status, day))
    return {
        measure_id: [
            (number, status, day, runs[number][1] if number < len(runs) else None)
            for number, (status, day) in enumerate(runs, start=1)
        ]
        for measure_id, runs in starts.items()
    }


def runs_kept() -> dict[int, list[Run]]:
    kept: dict[int, list[Run]] = defaultdict(list)
    for row in StatusRun.objects.order_by("measure_id", "number").values_list(
        "measure_id", "number", "status", "valid_from", "valid_to"
    ):
        kept[row[0]].append(row[1:])
    return dict(kept)


def counts_by_the_events() -> dict[int, int]:
    """{measure id: how many events it has}."""
    return dict(
        StatusEvent.objects.values("measure_id")
        .annotate(n=Count("id"))
        .values_list("measure_id", "n")
        .order_by()
    )


def counts_kept() -> dict[int, int]:
    return dict(LatestEvent.objects.values_list("measure_id", "event_count"))


def insert_past_the_services(measure, status: str, month: PrecisionDate) -> None:
    """One event of ``measure`` written straight into the table, as a bulk load or an
    import would (the triggers fire; no service stores the measure's state)."""
    from django.utils import timezone

    StatusEvent.objects.bulk_create(
        [
            StatusEvent(
                measure=measure,
                status=status,
                effective_on_date=month.value,
                effective_on_date_precision=month.precision,
                recorded_at=timezone.now(),
            )
        ]
    )
