"""The collector pause of the bulk reads: off while the measures are read, back on after,
whatever happens, and left off where something else turned it off."""

import datetime as dt
import gc

import pytest

from core.memory import collector_paused
from measures import asof
from tests.conftest import SEED_DATE


@pytest.fixture
def collector_running():
    gc.enable()
    yield
    gc.enable()


def test_paused_inside_and_running_after(collector_running):
    with collector_paused():
        inside = gc.isenabled()
    assert (inside, gc.isenabled()) == (False, True)


def test_running_again_after_an_error(collector_running):
    with pytest.raises(ZeroDivisionError), collector_paused():
        1 / 0  # noqa: B018
    assert gc.isenabled()


def test_nested_pause_resumes_only_at_the_outermost(collector_running):
    with collector_paused():
        with collector_paused():
            pass
        between = gc.isenabled()
    assert (between, gc.isenabled()) == (False, True)


def test_a_collector_turned_off_elsewhere_stays_off(collector_running):
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


@pytest.mark.parametrize(
    "read",
    [
        lambda: asof.measure_states_as_of(as_of=SEED_DATE),
        lambda: asof.measure_states_as_of(as_of=dt.date(2022, 1, 1)),
        lambda: asof.measure_statuses_as_of(
            as_of=SEED_DATE, measures=asof.Countermeasure.objects.all()
        ),
        lambda: asof.measure_facts_as_of(
            as_of=SEED_DATE, measures=asof.Countermeasure.objects.all()
        ),
    ],
    ids=["states", "states before the events", "statuses", "facts"],
)
def test_the_bulk_reads_run_paused_and_resume(seed, collector_running, monkeypatch, read):
    seen = []
    plan_key = asof._plan_key

    def spy(*args):
        seen.append(gc.isenabled())
        return plan_key(*args)

    monkeypatch.setattr(asof, "_plan_key", spy)
    assert read()  # the seed's measures
    assert seen and not any(seen)  # every row was read with the collector paused
    assert gc.isenabled()
