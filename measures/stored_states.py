"""Each measure's stored state (``StoredState``): its status and 実施状況 phrase after all its
events, composed here, and read by ``selectors.measure_states_as_of`` in place of composing
them again, for any date on or after the measure's latest event, while it is valid.

The services store a measure's state in the transaction that records its event or changes
its wording inputs. What they do not write (bulk loads, the scale generator, an upgrade
that changes the phrase code, a new fiscal year start) the periodic task
``measures.store_stale_states`` (and ``manage.py store_states``) catches up; until then the
reading composes those phrases itself. A stored state is only ever a shortcut: one that is
missing or stale is never read.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import SimpleNamespace

from measures.models import Countermeasure, StoredState
from measures.phrases import INPUT_FIELDS, measure_inputs, state_as_of

BATCH = 2_000  # measures per read and write


def store_states(measure_ids: Iterable[int]) -> int:
    """Compose and store the state of each of ``measure_ids`` that has events; the number
    stored. Two queries and one write per ``BATCH`` measures.

    The count stored is that of the events composed from (read in one statement), so a
    state composed while another transaction adds an event is stale from that commit on."""
    from measures.selectors import timelines_as_of

    ids = sorted(set(measure_ids))
    stored = 0
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        timelines = timelines_as_of(batch)
        measures = Countermeasure.objects.filter(pk__in=list(timelines)).only(*INPUT_FIELDS)
        rows = []
        inputs_of = measure_inputs()
        for measure in measures:
            events = timelines[measure.pk]
            state = state_as_of(measure, events, events[-1].effective_on_date)
            rows.append(
                StoredState(
                    measure_id=measure.pk,
                    event_count=len(events),
                    inputs=inputs_of(measure),
                    status=state.status,
                    phrase=state.phrase,
                    since_date=state.since.value,
                    since_date_precision=state.since.precision,
                )
            )
        StoredState.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["measure"],
            update_fields=[
                "event_count",
                "inputs",
                "status",
                "phrase",
                "since_date",
                "since_date_precision",
                "composed_at",
            ],
        )
        stored += len(rows)
    return stored


def stale_measure_ids() -> list[int]:
    """The measures with events whose stored state is missing or stale (one query)."""
    rows = Countermeasure.objects.filter(latest__isnull=False).values(
        "pk",
        "latest__event_count",
        "stored_state__event_count",
        "stored_state__inputs",
        *INPUT_FIELDS,
    )
    inputs_of = measure_inputs()
    return [
        row["pk"]
        for row in rows
        if row["stored_state__event_count"] != row["latest__event_count"]
        or row["stored_state__inputs"] != inputs_of(SimpleNamespace(**row))
    ]


def store_stale_states() -> int:
    """Store the state of every measure whose stored state is missing or stale."""
    return store_states(stale_measure_ids())
