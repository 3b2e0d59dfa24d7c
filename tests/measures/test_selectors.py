"""As of D: every measure's status in a fixed number of queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from measures import services
from measures.asof import measure_states_as_of
from measures.models import Countermeasure, StoredState
from measures.statuses import Status
from tests import factories
from tests.conftest import SEED_DATE, month
from tests.timelines import (
    counts_by_the_events,
    counts_kept,
    latest_by_the_events,
    runs_by_the_events,
    runs_kept,
)


def _queries_for_all_states() -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        states = measure_states_as_of(as_of=SEED_DATE)
    return len(ctx.captured_queries), len(states)


def _add_measures(org, officer, n: int) -> None:
    for i in range(n):
        measure = factories.measure(
            organization=org,
            actor=officer,
            code=f"EXTRA-{i:03d}",
            root_causes=list(org.root_causes.all()[:2]),
        )
        factories.event(measure, Status.IN_OPERATION, month(2023, 3), actor=officer)


def test_as_of_query_count_does_not_grow_with_the_measures(pg, officer):
    """Two queries, the measures and the events; one, the measures with their stored
    states, when every state is stored and the date is after every event (as here)."""
    queries_seed, count_seed = _queries_for_all_states()
    _add_measures(pg, officer, 40)
    queries_more, count_more = _queries_for_all_states()
    assert count_more == count_seed + 40
    assert queries_more == queries_seed == 1
    StoredState.objects.filter(measure__code__startswith="EXTRA-").delete()
    assert _queries_for_all_states() == (2, count_more)


def test_as_of_reads_valid_time_not_entry_time(pg, officer):
    """An event entered today but effective in 2023-05 counts in a report as of 2023-05-12."""
    measure = Countermeasure.objects.get(organization=pg, title="システムの物理分割")
    services.countermeasure_record_status(
        measure=measure,
        status=Status.IN_PROGRESS,
        effective_on=month(2023, 5),
        actor=officer,
    )
    state = next(s for s in measure_states_as_of(as_of=SEED_DATE) if s.measure == measure)
    assert state.status == Status.IN_PROGRESS
    assert state.phrase == "2023年5月より運用開始準備中"


def test_overdue_is_past_the_due_period_and_not_done(seed):
    def overdue(as_of):
        return sorted(s.measure.code for s in measure_states_as_of(as_of=as_of) if s.is_overdue)

    assert overdue(SEED_DATE) == []
    # 2023年度上期 ends on 2023-09-30; the August exchange of views was only planned.
    assert overdue(dt.date(2023, 9, 30)) == ["MZ-06-1", "MZ-10"]
    assert overdue(dt.date(2023, 10, 1)) == ["MZ-02-1", "MZ-05-5", "MZ-06-1", "MZ-06-3", "MZ-10"]


def test_states_come_in_the_plans_order(seed):
    codes = [s.measure.code for s in measure_states_as_of(as_of=SEED_DATE)]
    miraiz = [c for c in codes if c.startswith("MZ-")]
    assert miraiz[:6] == ["MZ-01", "MZ-02", "MZ-02-1", "MZ-02-2", "MZ-03", "MZ-03-1"]
    assert [c for c in codes if c.startswith("PG-")] == [f"PG-{i:02d}" for i in range(1, 24)]


@pytest.mark.parametrize(
    "day", [dt.date(2023, 1, 15), dt.date(2023, 5, 12), dt.date(2023, 10, 1), dt.date(2026, 1, 1)]
)
def test_the_status_only_reading_agrees_with_the_full_one(seed, officer, day):
    """The dashboard counts with ``measure_statuses_as_of`` (no phrases); it must give every
    measure the status the full reading gives, parents composed from sub-items included."""
    from measures.asof import measure_statuses_as_of

    services.countermeasure_record_status(
        measure=Countermeasure.objects.get(code="MZ-06-1"),
        status=Status.IMPLEMENTED,
        effective_on=month(2023, 6),
        actor=officer,
    )
    everything = Countermeasure.objects.filter(archived_at__isnull=True)
    full = {
        (s.measure.code, s.status) for s in measure_states_as_of(as_of=day, measures=everything)
    }
    light = {
        (s.measure.code, s.status) for s in measure_statuses_as_of(as_of=day, measures=everything)
    }
    assert light == full
    assert len(full) == everything.count()


def _latest_kept() -> dict[int, int]:
    from measures.models import LatestEvent, StatusEvent

    kept = {}
    for row in LatestEvent.objects.all():
        event = StatusEvent.objects.get(pk=row.event_id)
        # The copied columns are the event's own.
        assert (row.status, row.effective_on_date, row.recorded_at) == (
            event.status,
            event.effective_on_date,
            event.recorded_at,
        )
        kept[row.measure_id] = row.event_id
    return kept


def test_each_measures_latest_event_is_kept_by_the_database(pg, officer):
    """The trigger's pointer equals the timeline's last event, and its count the number of
    events: after the seed, after events recorded through the services (two on one day: the
    later entry wins), and after events inserted in bulk out of order (an earlier-dated event
    inserted last moves nothing)."""
    from django.utils import timezone

    from measures.models import StatusEvent

    assert _latest_kept() == latest_by_the_events() != {}
    assert counts_kept() == counts_by_the_events()
    measure = factories.measure(
        organization=pg,
        code="LATEST-1",
        title="追加",
        nature="recurring",
        position=300,
        actor=officer,
    )
    assert measure.pk not in _latest_kept()
    for status in (Status.IN_PROGRESS, Status.IMPLEMENTED):
        services.countermeasure_record_status(
            measure=measure, status=status, effective_on=month(2023, 4), actor=officer
        )
    assert _latest_kept()[measure.pk] == measure.events.order_by("id").last().pk
    bulk = factories.measure(
        organization=pg,
        code="LATEST-2",
        title="追加",
        nature="continuous",
        position=301,
        actor=officer,
    )
    days = [dt.date(2023, 1, d) for d in (5, 28, 1, 17, 3, 22, 9)]  # the 28th in the middle
    now = timezone.now()
    StatusEvent.objects.bulk_create(
        StatusEvent(measure=bulk, status=Status.IN_PROGRESS, effective_on_date=d, recorded_at=now)
        for d in days
    )
    assert _latest_kept() == latest_by_the_events()
    assert StatusEvent.objects.get(pk=_latest_kept()[bulk.pk]).effective_on_date == dt.date(
        2023, 1, 28
    )
    # Every insert counts, the back-dated ones that move no pointer too.
    assert counts_kept() == counts_by_the_events()
    assert counts_kept()[bulk.pk] == len(days)


def test_each_measures_status_runs_are_kept_by_the_database(pg, officer):
    """The trigger's runs (the timeline cut where the status changes) equal the ones worked
    out from the events: after the seed, after events recorded through the services (a
    recurring measure implemented again stays in one run), after a bulk insert of several
    measures' events in one statement, out of order and with same-day changes."""
    from django.utils import timezone

    from measures.models import StatusEvent

    assert runs_kept() == runs_by_the_events() != {}
    measure = factories.measure(
        organization=pg,
        code="RUNS-1",
        title="追加",
        nature="recurring",
        recurrence_months=6,
        position=310,
        actor=officer,
    )
    for status, when in (
        (Status.IN_PROGRESS, month(2023, 4)),
        (Status.IMPLEMENTED, month(2023, 5)),
        (Status.IMPLEMENTED, month(2023, 11)),
    ):
        services.countermeasure_record_status(
            measure=measure, status=status, effective_on=when, actor=officer
        )
    assert runs_kept()[measure.pk] == [
        (1, Status.IN_PROGRESS, dt.date(2023, 4, 1), dt.date(2023, 5, 1)),
        (2, Status.IMPLEMENTED, dt.date(2023, 5, 1), None),
    ]
    first, second = (
        factories.measure(
            organization=pg,
            code=code,
            title="追加",
            nature="continuous",
            position=position,
            actor=officer,
        )
        for code, position in (("RUNS-2", 311), ("RUNS-3", 312))
    )
    now = timezone.now()
    rows = [  # one statement, the two measures' events mixed and out of order
        (first, Status.IMPLEMENTED, dt.date(2023, 3, 1)),
        (second, Status.IN_PROGRESS, dt.date(2023, 2, 1)),
        (first, Status.IN_PROGRESS, dt.date(2023, 1, 10)),
        (first, Status.IN_PROGRESS, dt.date(2023, 2, 20)),  # after the hold: starts run 3
        (second, Status.IMPLEMENTED, dt.date(2023, 2, 1)),  # same day: overtakes the first
        (first, Status.ON_HOLD, dt.date(2023, 1, 20)),  # splits the in-progress run
    ]
    StatusEvent.objects.bulk_create(
        StatusEvent(measure=m, status=s, effective_on_date=d, recorded_at=now) for m, s, d in rows
    )
    assert runs_kept() == runs_by_the_events()
    assert runs_kept()[first.pk] == [
        (1, Status.IN_PROGRESS, dt.date(2023, 1, 10), dt.date(2023, 1, 20)),
        (2, Status.ON_HOLD, dt.date(2023, 1, 20), dt.date(2023, 2, 20)),
        (3, Status.IN_PROGRESS, dt.date(2023, 2, 20), dt.date(2023, 3, 1)),
        (4, Status.IMPLEMENTED, dt.date(2023, 3, 1), None),
    ]
    assert runs_kept()[second.pk] == [  # the one-day run ends the day it starts
        (1, Status.IN_PROGRESS, dt.date(2023, 2, 1), dt.date(2023, 2, 1)),
        (2, Status.IMPLEMENTED, dt.date(2023, 2, 1), None),
    ]
