"""Stored states: a measure's status and phrase after all its events, read in place of
composing them again, and only while they were composed from what the measure is now."""

import datetime as dt
import itertools

import pytest
from django.db import connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from measures import phrases, services
from measures.asof import measure_state_as_of, measure_states_as_of
from measures.models import Countermeasure, LatestEvent, StatusEvent, StoredState, StoredStep
from measures.statuses import Status
from measures.stored_states import stale_measure_ids, store_stale_states
from tests import factories
from tests.conftest import SEED_DATE, month
from tests.timelines import counts_by_the_events, counts_kept, insert_past_the_services

LATER = dt.date(2030, 1, 1)  # after every event
STALE = "古い文言"  # a wording no measure has: where it shows, a stored state was read


def _read(day: dt.date) -> list[tuple]:
    return [(s.measure.code, s.status, s.phrase, s.since) for s in measure_states_as_of(as_of=day)]


def _composed(day: dt.date) -> list[tuple]:
    """The same reading with no stored state to read: every phrase composed from events."""
    with transaction.atomic():
        StoredState.objects.all().delete()
        rows = _read(day)
        transaction.set_rollback(True)
    return rows


def _with_events() -> set[int]:
    return set(StatusEvent.objects.values_list("measure_id", flat=True))


def _recurring(pg) -> Countermeasure:
    """社長から経営層…: recurring, implemented in 2023-02 and 2023-04 (table 2-2)."""
    return Countermeasure.objects.get(organization=pg, title__contains="社長から経営層")


@pytest.mark.parametrize(
    "day", [dt.date(2023, 1, 15), SEED_DATE, dt.date(2023, 10, 1), dt.date(2024, 4, 1), LATER]
)
def test_the_stored_states_read_as_the_composed_ones(seed, officer, verifier, day):
    """Every measure's state, read with the stored states, equals the one composed from
    the events, on dates before, between and after the events; verifying, reopening and a
    change of plan included."""
    mz = Countermeasure.objects.get(code="MZ-06-1")
    services.countermeasure_record_status(
        measure=mz, status=Status.IMPLEMENTED, effective_on=month(2023, 6), actor=officer
    )
    factories.with_criteria(mz, actor=officer)
    services.countermeasure_verify_effectiveness(
        measure=mz, effective=True, effective_on=month(2023, 9), note="確認", actor=verifier
    )
    pg08 = Countermeasure.objects.get(code="PG-08")
    services.countermeasure_reopen(
        measure=pg08, effective_on=month(2024, 1), note="再開", actor=officer
    )
    assert set(StoredState.objects.values_list("measure_id", flat=True)) == _with_events()
    assert stale_measure_ids() == []
    assert _read(day) == _composed(day)


@pytest.mark.parametrize(
    ("day", "queries"),
    [(dt.date(2022, 1, 1), 1), (dt.date(2023, 3, 15), 2), (LATER, 1)],
)
def test_with_every_state_stored_the_reading_reads_no_event(seed, day, queries):
    """With every state stored, reading all measures reads no event: after every event (one
    query), between events (the stored steps: one more) or before any."""
    assert StatusEvent.objects.filter(effective_on_date__gt=dt.date(2023, 3, 15)).exists()
    with CaptureQueriesContext(connection) as ctx:
        states = measure_states_as_of(as_of=day)
    assert len(ctx.captured_queries) == queries
    assert not [q for q in ctx.captured_queries if StatusEvent._meta.db_table in q["sql"]]
    assert len(states) == Countermeasure.objects.filter(archived_at__isnull=True).count()


def test_the_steps_cover_each_measure_from_its_first_event_to_its_latest(seed, officer, verifier):
    """One step from each event date but the latest, until the next event date; the stored
    state from the latest on. Several events on one day make one step."""
    mz = Countermeasure.objects.get(code="MZ-06-1")
    services.countermeasure_record_status(
        measure=mz, status=Status.IMPLEMENTED, effective_on=month(2023, 6), actor=officer
    )
    factories.with_criteria(mz, actor=officer)
    services.countermeasure_verify_effectiveness(
        measure=mz, effective=True, effective_on=month(2023, 6), note="確認", actor=verifier
    )
    dates: dict[int, list[dt.date]] = {}
    for measure_id, day in StatusEvent.objects.order_by("effective_on_date").values_list(
        "measure_id", "effective_on_date"
    ):
        days = dates.setdefault(measure_id, [])
        if day not in days:
            days.append(day)
    steps: dict[int, list[tuple]] = {}
    for measure_id, start, end in StoredStep.objects.order_by("valid_from").values_list(
        "measure_id", "valid_from", "valid_to"
    ):
        steps.setdefault(measure_id, []).append((start, end))
    assert steps == {
        pk: list(itertools.pairwise(days)) for pk, days in dates.items() if len(days) > 1
    }
    firsts = dict(StoredState.objects.values_list("measure_id", "first_event_on"))
    assert firsts == {pk: days[0] for pk, days in dates.items()}
    assert steps[mz.pk][-1] == (dt.date(2023, 4, 1), dt.date(2023, 6, 1))  # 2 events on 6/1


def test_a_stored_step_is_read_on_its_days_while_the_state_holds(pg):
    """The recurring measure (2023-02 and 2023-04) has one step: 2023-02-01 until
    2023-04-01. Its wording shows on those days only, while the measure's stored state
    holds; a step deleted by hand sends the reading back to the events."""
    measure = _recurring(pg)
    step = StoredStep.objects.get(measure=measure)
    assert (step.valid_from, step.valid_to) == (dt.date(2023, 2, 1), dt.date(2023, 4, 1))
    assert step.phrase == "2023年2月実施"
    StoredStep.objects.filter(pk=step.pk).update(phrase=STALE)

    def phrase(day):
        return measure_state_as_of(measure=measure, as_of=day).phrase

    assert phrase(dt.date(2023, 2, 1)) == STALE
    assert phrase(dt.date(2023, 3, 31)) == STALE
    assert phrase(dt.date(2023, 4, 1)) == "2023年2月、4月実施"  # the stored state
    assert phrase(dt.date(2023, 1, 31)) != STALE  # before the first event: no step
    with transaction.atomic():
        StoredState.objects.filter(measure=measure).update(event_count=F("event_count") - 1)
        assert phrase(dt.date(2023, 3, 1)) == "2023年2月実施"  # composed from the events
        transaction.set_rollback(True)
    StoredStep.objects.filter(pk=step.pk).delete()
    with CaptureQueriesContext(connection) as ctx:
        assert phrase(dt.date(2023, 3, 1)) == "2023年2月実施"
    assert len(ctx.captured_queries) == 3  # the measure, its step (none), its events


def test_on_each_side_of_every_event_date_the_steps_read_as_the_composed_ones(
    pg, officer, verifier
):
    """A measure with four event dates, two events on an earlier one (implemented and
    verified the same day): on each event date, the day before and the day after, the
    stored reading equals the composed one (the steps begin on their date and end the day
    before the next)."""
    measure = factories.measure(
        organization=pg,
        actor=officer,
        code="STEPS-1",
        title="段階を追う対策",
        nature="one_off",
        position=402,
        due=month(2023, 12),
    )
    record = services.countermeasure_record_status
    record(measure=measure, status=Status.IN_PROGRESS, effective_on=month(2023, 6), actor=officer)
    record(measure=measure, status=Status.IMPLEMENTED, effective_on=month(2023, 8), actor=officer)
    factories.with_criteria(measure, actor=officer)
    services.countermeasure_verify_effectiveness(
        measure=measure, effective=False, effective_on=month(2023, 8), note="不十分", actor=verifier
    )
    services.countermeasure_reopen(
        measure=measure, effective_on=month(2023, 10), note="再開", actor=officer
    )
    record(measure=measure, status=Status.IN_PROGRESS, effective_on=month(2024, 1), actor=officer)
    assert StoredStep.objects.filter(measure=measure).count() == 3
    days = [
        day + dt.timedelta(days=shift)
        for day in StatusEvent.objects.filter(measure=measure).values_list(
            "effective_on_date", flat=True
        )
        for shift in (-1, 0, 1)
    ]

    def phrases() -> list[tuple]:
        return [
            (s.status, s.phrase, s.since)
            for day in days
            for s in [measure_state_as_of(measure=measure, as_of=day)]
        ]

    stored = phrases()
    with transaction.atomic():
        StoredState.objects.filter(measure=measure).delete()
        assert stored == phrases()
        transaction.set_rollback(True)
    assert "2023年8月実施（2023年8月有効性評価で効果不十分）" in {p for _, p, _ in stored}


def _around_events(measures: list[Countermeasure]) -> list[dt.date]:
    """Each event date of ``measures``, the day before and the day after."""
    dates = StatusEvent.objects.filter(measure__in=measures).values_list(
        "effective_on_date", flat=True
    )
    return sorted({day + dt.timedelta(days=shift) for day in dates for shift in (-1, 0, 1)})


def _stored_and_composed(measures: list[Countermeasure], days: list[dt.date]) -> tuple:
    """The readings of ``measures`` on ``days``, with their stored states and steps, and
    composed from the events (the stored ones deleted, then put back)."""

    def readings() -> list[tuple]:
        return [
            (day, s.measure.code, s.status, s.phrase, s.since)
            for day in days
            for s in measure_states_as_of(
                as_of=day,
                measures=Countermeasure.objects.filter(pk__in=[m.pk for m in measures]),
            )
        ]

    stored = readings()
    with transaction.atomic():
        StoredState.objects.filter(measure__in=measures).delete()
        composed = readings()
        transaction.set_rollback(True)
    return stored, composed


def test_a_parent_with_events_of_its_own_and_sub_items_reads_as_composed(pg, officer):
    """A parent with its own events and two sub-items with theirs, on other dates. The
    services refuse both ways to make one (events on a parent with sub-items, a sub-item
    under a parent with events), so the sub-items are attached past them, as an import
    might. Before its first event the parent reads as its sub-items (①… ②…), then as its
    own events; on each side of every event date of the three, stored and composed
    readings agree."""
    parent = factories.measure(
        organization=pg,
        actor=officer,
        code="PE",
        title="自らも進める親",
        nature="one_off",
        position=403,
        due=month(2024, 3),
    )
    record = services.countermeasure_record_status
    record(measure=parent, status=Status.IN_PROGRESS, effective_on=month(2023, 7), actor=officer)
    record(measure=parent, status=Status.IMPLEMENTED, effective_on=month(2023, 11), actor=officer)
    first, second = (
        factories.measure(
            organization=pg,
            actor=officer,
            code=f"PE-{n}",
            title=title,
            nature="one_off",
            position=n,
            due=month(2024, 3),
        )
        for n, title in ((1, "細目一"), (2, "細目二"))
    )
    Countermeasure.objects.filter(pk__in=[first.pk, second.pk]).update(parent=parent)
    record(measure=first, status=Status.IN_PROGRESS, effective_on=month(2023, 5), actor=officer)
    record(measure=first, status=Status.IMPLEMENTED, effective_on=month(2023, 9), actor=officer)
    record(measure=second, status=Status.IMPLEMENTED, effective_on=month(2024, 2), actor=officer)
    assert StoredStep.objects.filter(measure__in=[parent, first]).count() == 2
    days = _around_events([parent, first, second])
    stored, composed = _stored_and_composed([parent, first, second], days)
    assert stored == composed
    parent_reads = {day: phrase for day, code, _s, phrase, _since in stored if code == "PE"}
    assert parent_reads[dt.date(2023, 6, 30)].startswith("①")  # the sub-items' wording
    assert parent_reads[dt.date(2023, 7, 1)] == "2023年7月より実施中"
    assert parent_reads[dt.date(2024, 2, 1)] == "2023年11月実施"


def test_an_archived_measure_keeps_its_stored_steps_and_reads_as_composed(pg, officer):
    """Archiving changes nothing the wording reads: the steps stored before still answer
    for the days between its events, and agree with the composed wording."""
    measure = factories.measure(
        organization=pg,
        actor=officer,
        code="AR-1",
        title="取り下げる対策",
        nature="one_off",
        position=404,
        due=month(2023, 12),
    )
    record = services.countermeasure_record_status
    record(measure=measure, status=Status.IN_PROGRESS, effective_on=month(2023, 6), actor=officer)
    record(measure=measure, status=Status.IMPLEMENTED, effective_on=month(2023, 9), actor=officer)
    steps = list(StoredStep.objects.filter(measure=measure).values_list("valid_from", "phrase"))
    services.countermeasure_archive(measure=measure, actor=officer, reason="重複")
    assert list(StoredStep.objects.filter(measure=measure).values_list("valid_from", "phrase")) == (
        steps
    )
    assert stale_measure_ids() == []
    days = _around_events([measure])
    stored, composed = _stored_and_composed([measure], days)
    assert stored == composed
    assert [phrase for day, *_r, phrase, _s in stored if day == dt.date(2023, 6, 2)] == [
        "2023年6月より実施中"
    ]


def test_a_step_is_read_only_with_the_state_it_was_stored_with(pg):
    """A state stored anew between reading the measures and reading their steps (another
    transaction) came with its own steps: the ones read then are not taken for the state
    read before; the reading goes to the events."""
    from measures.asof import _stepped, _with_sub_items
    from measures.stored_states import store_states

    measure = _recurring(pg)
    rows = _with_sub_items(Countermeasure.objects.filter(pk=measure.pk), None, stored=True)
    day = dt.date(2023, 3, 1)
    assert _stepped(rows, day)[measure.pk].phrase == "2023年2月実施"
    store_states([measure.pk])
    assert _stepped(rows, day) == {}


def test_a_back_dated_event_changes_the_steps_after_it(pg):
    """An occurrence loaded late (past the services, which refuse a date before the latest
    event), between two others: until the steps are stored again the reading composes the
    wording; then a step is split and the days after the event read the new wording."""
    measure = _recurring(pg)
    insert_past_the_services(measure, Status.IMPLEMENTED, month(2023, 3))
    assert measure_state_as_of(measure=measure, as_of=dt.date(2023, 3, 20)).phrase == (
        "2023年2月、3月実施"
    )
    assert store_stale_states() == 1
    assert list(
        StoredStep.objects.filter(measure=measure)
        .order_by("valid_from")
        .values_list("valid_from", "valid_to", "phrase")
    ) == [
        (dt.date(2023, 2, 1), dt.date(2023, 3, 1), "2023年2月実施"),
        (dt.date(2023, 3, 1), dt.date(2023, 4, 1), "2023年2月、3月実施"),
    ]
    assert measure_state_as_of(measure=measure, as_of=dt.date(2023, 3, 20)).phrase == (
        "2023年2月、3月実施"
    )


def test_a_stored_state_is_read_only_while_it_holds(pg):
    """The stored wording shows as of a date on or after the latest event while the count
    and the inputs match; before that date, with an event fewer or with other inputs (the
    phrase code, the fiscal year, the measure's dates), the phrase is composed."""
    measure = _recurring(pg)
    stored = StoredState.objects.filter(measure=measure)
    stored.update(phrase=STALE)
    assert measure_state_as_of(measure=measure, as_of=SEED_DATE).phrase == STALE  # it is read
    before_latest = measure_state_as_of(measure=measure, as_of=dt.date(2023, 3, 1))
    assert before_latest.phrase == "2023年2月実施"

    stored.update(event_count=F("event_count") - 1)  # composed before an event was added
    assert measure_state_as_of(measure=measure, as_of=SEED_DATE).phrase == "2023年2月、4月実施"
    stored.update(event_count=F("event_count") + 1)
    assert measure_state_as_of(measure=measure, as_of=SEED_DATE).phrase == STALE
    for other in (  # composed from other inputs than the measure's now
        {"phrase_code": "another version fy4"},
        {"verb": "complete"},
        {"nature": "continuous"},
        {"due_on": dt.date(2023, 9, 1)},
        {"due_on_precision": "fiscal_half"},
        {"planned_start_on": dt.date(2023, 4, 1)},
        {"planned_start_on_precision": "month"},
    ):
        with transaction.atomic():
            stored.update(**other)
            assert stale_measure_ids() == [measure.pk], other
            assert measure_state_as_of(measure=measure, as_of=SEED_DATE).phrase == (
                "2023年2月、4月実施"
            ), other
            transaction.set_rollback(True)
    assert measure_state_as_of(measure=measure, as_of=SEED_DATE).phrase == STALE


def test_events_written_past_the_services_are_composed_until_stored(pg):
    """A bulk insert (a back-dated occurrence) leaves the stored state stale: the reading
    composes it, the periodic task's function stores it again."""
    measure = _recurring(pg)
    insert_past_the_services(measure, Status.IMPLEMENTED, month(2023, 3))
    assert counts_by_the_events() == counts_kept()
    assert stale_measure_ids() == [measure.pk]
    expected = "2023年2月、3月、4月実施"
    assert measure_state_as_of(measure=measure, as_of=SEED_DATE).phrase == expected
    assert store_stale_states() == 1
    assert StoredState.objects.get(measure=measure).phrase == expected
    assert stale_measure_ids() == []


def test_a_change_of_the_measure_is_stored_by_the_service_and_composed_otherwise(pg, officer):
    measure = factories.measure(
        organization=pg,
        actor=officer,
        code="STORED-1",
        title="期限で書く対策",
        nature="one_off",
        position=400,
        due=month(2024, 3),
    )
    # A plan without a date (the services ask for one; an import may not): the wording
    # falls back on the measure's due date.
    insert_past_the_services(measure, Status.PLANNED, month(2023, 5))
    assert store_stale_states() == 1
    assert StoredState.objects.get(measure=measure).phrase == "2024年3月実施予定"

    Countermeasure.objects.filter(pk=measure.pk).update(due_on=dt.date(2024, 6, 1))
    assert stale_measure_ids() == [measure.pk]
    assert measure_state_as_of(measure=measure, as_of=SEED_DATE).phrase == "2024年6月実施予定"

    services.countermeasure_update(
        measure=measure, due=month(2024, 9), actor=officer, reason="期限の見直し"
    )
    assert StoredState.objects.get(measure=measure).phrase == "2024年9月実施予定"
    assert stale_measure_ids() == []
    assert measure_state_as_of(measure=measure, as_of=SEED_DATE).phrase == "2024年9月実施予定"


def test_a_new_fiscal_year_start_or_phrase_code_leaves_no_stored_state_valid(
    seed, settings, monkeypatch
):
    StoredState.objects.update(phrase=STALE)
    settings.THREELINES_FISCAL_YEAR_START_MONTH = 1
    assert set(stale_measure_ids()) == _with_events()
    assert STALE not in {phrase for _, _, phrase, _ in _read(LATER)}
    assert _read(LATER) == _composed(LATER)

    settings.THREELINES_FISCAL_YEAR_START_MONTH = 4
    assert STALE in {phrase for _, _, phrase, _ in _read(LATER)}  # valid again
    monkeypatch.setattr(phrases, "PHRASE_VERSION", "another version")
    assert set(stale_measure_ids()) == _with_events()
    assert STALE not in {phrase for _, _, phrase, _ in _read(LATER)}


def test_beat_stores_the_stale_states_every_ten_minutes(db):
    from django_celery_beat.models import PeriodicTask

    import measures.tasks  # noqa: F401 - registers the tasks
    from config.celery import app

    task = PeriodicTask.objects.get(task="measures.store_stale_states")
    assert task.enabled
    assert (task.interval.every, task.interval.period) == (10, "minutes")
    assert task.task in app.tasks


def test_storing_reads_only_the_fields_the_phrase_reads(pg, officer):
    """Two reads and three writes (the steps' delete and insert, the states' upsert) for
    all the seed's measures: a phrase that read a field missing from ``INPUT_FIELDS``
    would load it measure by measure (and its stored state would not be checked against
    it)."""
    from measures.stored_states import store_states

    measure = factories.measure(
        organization=pg,
        actor=officer,
        code="STORED-2",
        title="予定時期のない計画",
        nature="continuous",
        position=401,
        planned_start=month(2024, 1),
        due=month(2024, 3),
    )
    # A plan without a date: the wording falls back on the planned start.
    insert_past_the_services(measure, Status.PLANNED, month(2023, 5))
    measures = _with_events()
    with CaptureQueriesContext(connection) as ctx:
        stored = store_states(measures)
    assert stored == len(measures)
    statements = [
        q["sql"].split(maxsplit=1)[0]
        for q in ctx.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]
    # PostgreSQL inserts the steps with COPY, which Django's query log does not see.
    inserts = ["INSERT"] * (connection.vendor != "postgresql")
    assert statements == ["SELECT", "SELECT", "DELETE", *inserts, "INSERT"]
    assert StoredState.objects.get(measure=measure).phrase == "2024年1月より実施予定"


def test_events_written_past_the_triggers_are_found_and_their_states_stored_again(pg, caplog):
    """An event the triggers missed (disabled, or a session in replica mode) leaves the
    count as it was, so the state stored before it would still hold: the periodic task
    compares the counts with the events, logs an error, works the triggers' tables out
    again and stores the state anew."""
    measure = _recurring(pg)
    insert_past_the_services(measure, Status.IMPLEMENTED, month(2023, 3))
    LatestEvent.objects.filter(measure=measure).update(event_count=F("event_count") - 1)
    # What the triggers missed: the stored state holds, with the wording of before.
    assert stale_measure_ids() == []
    assert measure_state_as_of(measure=measure, as_of=SEED_DATE).phrase == "2023年2月、4月実施"

    assert store_stale_states() == 1
    assert "written past the triggers: 1 measures" in caplog.text
    assert counts_kept() == counts_by_the_events()
    assert measure_state_as_of(measure=measure, as_of=SEED_DATE).phrase == (
        "2023年2月、3月、4月実施"
    )


def test_the_reading_is_the_same_with_something_listening_to_model_init(seed):
    """The measures are built without ``Model.__init__`` unless something listens to
    ``pre_init`` or ``post_init`` (an application that tracks changes, say): then through
    ``from_db``, with the same annotations and the same states."""
    from django.db.models.signals import post_init

    fast = _read(LATER) + _read(SEED_DATE)
    seen = []

    def listener(sender, **kwargs):
        seen.append(sender)

    post_init.connect(listener)
    try:
        slow = _read(LATER) + _read(SEED_DATE)
    finally:
        post_init.disconnect(listener)
    assert Countermeasure in seen
    assert slow == fast


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statistics")
def test_storing_many_states_updates_the_planner_statistics(seed, monkeypatch):
    """After a store of many states (an upgrade, a bulk load) the periodic task analyses the
    states' and steps' tables: before it, PostgreSQL guessed the steps' sizes and read
    every measure for a page's few rows. A few states leave the statistics to autovacuum."""
    from measures import stored_states

    def analyses(batch: int) -> list[str]:
        monkeypatch.setattr(stored_states, "BATCH", batch)
        StoredState.objects.all().delete()
        with CaptureQueriesContext(connection) as ctx:
            assert store_stale_states() == len(_with_events())
        return [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("ANALYZE")]

    assert analyses(batch=10_000) == []
    assert analyses(batch=10) == ['ANALYZE "measures_storedstate", "measures_storedstep"']


def test_a_store_that_collides_with_another_leaves_the_other_standing(pg, officer, monkeypatch):
    """Two stores of one measure at once (beat's task while a person records an event):
    the second cannot delete the steps the first committed after its delete, and its
    insert collides with them. The person's event is recorded all the same; the first
    store's state and steps stand together; the reading stays right and the next run
    stores the state again."""
    from measures import stored_states

    measure = _recurring(pg)
    first = StoredState.objects.get(measure=measure)
    # What the other store committed after this one's delete: its steps stay.
    monkeypatch.setattr(stored_states, "_delete_steps", lambda ids: None)
    services.countermeasure_record_status(
        measure=measure, status=Status.IMPLEMENTED, effective_on=month(2023, 6), actor=officer
    )
    assert StatusEvent.objects.filter(measure=measure).count() == 3
    assert StoredState.objects.get(measure=measure).batch == first.batch
    assert set(StoredStep.objects.filter(measure=measure).values_list("batch", flat=True)) == {
        first.batch
    }
    assert stale_measure_ids() == [measure.pk]
    expected = {
        dt.date(2023, 3, 1): "2023年2月実施",
        dt.date(2023, 5, 1): "2023年2月、4月実施",
        dt.date(2023, 7, 1): "2023年2月、4月、6月実施",
    }
    read = {day: measure_state_as_of(measure=measure, as_of=day).phrase for day in expected}
    assert read == expected

    monkeypatch.undo()
    assert store_stale_states() == 1
    assert stale_measure_ids() == []
    read = {day: measure_state_as_of(measure=measure, as_of=day).phrase for day in expected}
    assert read == expected
