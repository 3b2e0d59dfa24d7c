"""Each measure's stored state (``StoredState``): its status and 実施状況 phrase after all its
events, and on the days between its earlier events (``StoredStep``), composed here, and
read by ``asof.measure_states_as_of`` in place of composing them again, for any date,
while it holds.

The services store a measure's state in the transaction that records its event or changes
what its wording reads. What they do not write (bulk loads, the scale generator, an
upgrade that changes the phrase code, a new fiscal year start, an edit in the database) the
periodic task ``measures.store_stale_states`` (and ``manage.py store_states``) catches up;
until then the reading composes those phrases itself. A stored state is only ever a
shortcut: one that does not hold is never read.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Iterable, Sequence

from django.db import IntegrityError, connection, transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q

from core.db import copy_rows
from measures.db import KeepLatestEvent, KeepStatusRuns
from measures.models import Countermeasure, LatestEvent, StatusEvent, StoredState, StoredStep
from measures.phrases import INPUT_FIELDS, Event, MeasureState, phrase_code, state_as_of
from measures.timelines import timelines_as_of

logger = logging.getLogger(__name__)

BATCH = 2_000  # measures per read and write


def holds() -> ExpressionWrapper:
    """True for a measure (in a query of measures) whose stored state holds: composed from
    as many events as it has, by this phrase code under this fiscal year start, from its
    verb, nature, due date and planned start as they are; false or null otherwise (none
    stored, or no events)."""
    same = Q(stored_state__event_count=F("latest__event_count")) & Q(
        stored_state__phrase_code=phrase_code()
    )
    for name in INPUT_FIELDS:
        equal = Q(**{f"stored_state__{name}": F(name)})
        if Countermeasure._meta.get_field(name).null:
            equal |= Q(**{f"stored_state__{name}__isnull": True, f"{name}__isnull": True})
        same &= equal
    return ExpressionWrapper(same, output_field=BooleanField())


def steps(
    measure: Countermeasure, events: Sequence[Event]
) -> list[tuple[dt.date, dt.date | None, MeasureState]]:
    """(from, until, state) for each of the measure's event dates, oldest first: its state
    as of every day from that date up to the day before ``until``, the next event date
    (None for the latest: every day from then on). ``events`` in timeline order."""
    stretches = []
    for end in range(1, len(events) + 1):
        day = events[end - 1].effective_on_date
        until = events[end].effective_on_date if end < len(events) else None
        if until != day:  # the last event of its day
            stretches.append((day, until, state_as_of(measure, events[:end], day)))
    return stretches


STEP_FIELDS = [
    "measure_id",
    "valid_from",
    "valid_to",
    "status",
    "phrase",
    "since_date",
    "since_date_precision",
    "batch",
]


def store_states(measure_ids: Iterable[int]) -> int:
    """Compose and store the state of each of ``measure_ids`` that has events, after all
    of them and between them (its steps); the number of measures stored. Per ``BATCH``
    measures two reads and, in one transaction, a delete and two writes (the steps with
    ``COPY`` on PostgreSQL).

    The count stored is that of the events composed from (read in one statement), so a
    state composed while another transaction adds an event does not hold from that commit
    on; the measure's fields stored are those it was composed from."""
    ids = sorted(set(measure_ids))
    code = phrase_code()
    stored = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        timelines = timelines_as_of(chunk)
        measures = Countermeasure.objects.filter(pk__in=list(timelines)).only(*INPUT_FIELDS)
        # One number for this batch's states and steps (``asof._stepped``), drawn at
        # random: two stores of a measure drawing the same is a chance of one in 2**63.
        number = secrets.randbits(63)
        rows, step_rows = [], []
        for measure in measures:
            events = timelines[measure.pk]
            *earlier, (_latest_on, _until, state) = steps(measure, events)
            step_rows.extend(
                (
                    measure.pk,
                    day,
                    until,
                    s.status,
                    s.phrase,
                    s.since.value,
                    s.since.precision,
                    number,
                )
                for day, until, s in earlier
            )
            rows.append(
                StoredState(
                    measure_id=measure.pk,
                    event_count=len(events),
                    phrase_code=code,
                    **{name: getattr(measure, name) for name in INPUT_FIELDS},
                    status=state.status,
                    phrase=state.phrase,
                    since_date=state.since.value,
                    since_date_precision=state.since.precision,
                    first_event_on=events[0].effective_on_date,
                    batch=number,
                )
            )
        try:
            _write(rows, step_rows)
        except IntegrityError:
            # Another store of some of these measures (beat's task while a service records
            # an event, or manage.py store_states beside beat) committed steps after this
            # one deleted theirs. Its states and steps stand, each batch whole; whether they
            # hold the reading checks. What is left stale here the next run stores.
            logger.warning(
                "stored states of %d measures (ids %s..%s) collided with another store of "
                "theirs; left to the next run",
                len(rows),
                chunk[0],
                chunk[-1],
            )
            continue
        stored += len(rows)
    return stored


@transaction.atomic
def _write(rows: list[StoredState], step_rows: list[tuple]) -> None:
    """Replace the steps of the measures of ``rows`` and upsert their states, in one
    transaction (a savepoint inside a caller's)."""
    _delete_steps([row.measure_id for row in rows])
    copy_rows(StoredStep, STEP_FIELDS, step_rows)
    StoredState.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["measure"],
        update_fields=[
            "event_count",
            "phrase_code",
            *INPUT_FIELDS,
            "status",
            "phrase",
            "since_date",
            "since_date_precision",
            "first_event_on",
            "batch",
            "composed_at",
        ],
    )


def _delete_steps(measure_ids: list[int]) -> None:
    StoredStep.objects.filter(measure_id__in=measure_ids).delete()


def stale_measure_ids() -> list[int]:
    """The measures with events whose stored state is missing or does not hold (one
    query)."""
    rows = (
        Countermeasure.objects.filter(latest__isnull=False)
        .annotate(holds=holds())
        .values_list("pk", "holds")
        .order_by("pk")
    )
    return [pk for pk, holding in rows if not holding]


def miscounted_measure_ids() -> list[int]:
    """The measures whose kept event count (``LatestEvent``) is not the number of their
    events: events written while the triggers did not fire (disabled, or a session in
    replica mode). One query over every event."""
    kept = dict(LatestEvent.objects.values_list("measure_id", "event_count"))
    actual = dict(
        StatusEvent.objects.order_by()
        .values("measure_id")
        .annotate(n=Count("id"))
        .values_list("measure_id", "n")
    )
    return sorted(pk for pk in kept.keys() | actual.keys() if kept.get(pk) != actual.get(pk))


@transaction.atomic
def _refill_event_tables() -> None:
    """Work out every measure's latest event, event count and status runs again from the
    events (what the migrations do when they install the triggers)."""
    with connection.cursor() as cursor:
        for operation in (KeepLatestEvent(counted=True), KeepStatusRuns()):
            for statement in operation.fill():
                cursor.execute(statement)


def store_stale_states() -> int:
    """Store the state of every measure whose stored state is missing or does not hold.

    First it checks the triggers' event counts against the events: a state stored before
    an event the triggers missed would still match the count. If any differ, it logs an
    error and works the triggers' tables out again from the events, so those states no
    longer hold and are stored again here. After storing many, it updates PostgreSQL's
    statistics of the two tables."""
    miscounted = miscounted_measure_ids()
    if miscounted:
        logger.error(
            "status events written past the triggers: %d measures' latest event and runs "
            "worked out again from the events (first ids: %s)",
            len(miscounted),
            miscounted[:10],
        )
        _refill_event_tables()
    stored = store_states(stale_measure_ids())
    if stored >= BATCH and connection.vendor == "postgresql":
        # Many states and steps rewritten (after an upgrade or a bulk load): fresh
        # statistics now, not when autovacuum comes round; before them the planner guessed
        # the steps' sizes and joined every measure for a page's few rows.
        tables = ", ".join(
            connection.ops.quote_name(model._meta.db_table) for model in (StoredState, StoredStep)
        )
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {tables}")
    return stored
