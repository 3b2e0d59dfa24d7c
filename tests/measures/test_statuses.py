"""One meaning of "due" for a period (its end) and one window per name, read alike by the
dashboard, the list's overdue filter, the reminders and the committee report."""

import datetime as dt

import pytest

from governance.models import Committee
from measures import services as ms
from measures.models import Countermeasure
from measures.statuses import OPEN, SETTLED, Status, is_due_soon, is_overdue
from reminders.rules import reminder_items
from reports.context import report_context
from tests.conftest import month

D = dt.date


@pytest.fixture
def pg06(people):
    """PG-06, planned, due 「2023年9月」: the period 2023-09-01 to 2023-09-30."""
    measure = Countermeasure.objects.get(code="PG-06")
    ms.countermeasure_update(
        measure=measure, due=month(2023, 9), actor=people["superuser"], reason="期限の設定"
    )
    return measure


def _dashboard(client, day):
    context = client.get(f"/?as_of={day.isoformat()}").context
    return (
        {s.measure.code for s in context["upcoming"]},
        {s.measure.code for s in context["overdue"]},
    )


def _listed_overdue(client, day) -> set[str]:
    response = client.get(f"/measures/?as_of={day.isoformat()}&overdue=on")
    return {s.measure.code for s in response.context["states"]}


def _reminded(measure, day) -> set[str]:
    items, _escalations = reminder_items(day=day)
    return {i.kind for rows in items.values() for i in rows if i.measure_id == measure.pk}


def _report(day, settings) -> tuple[set[str], set[str]]:
    settings.THREELINES_REPORT_UPCOMING_DAYS = settings.THREELINES_DUE_SOON_DAYS
    context = report_context(committee=Committee.objects.get(code="neutrality"), as_of=day)
    pg = next(org for org in context["by_org"] if org["organization"].code == "chubu-pg")
    return (
        {s.measure.code for s in pg["upcoming"]},
        {s.measure.code for s in pg["overdue"]},
    )


def test_the_groups_split_the_statuses():
    assert set(Status) == OPEN | SETTLED
    assert not OPEN & SETTLED


def test_due_is_the_end_of_the_period():
    september = month(2023, 9)
    assert not is_overdue(september, status=Status.PLANNED, as_of=D(2023, 9, 30))
    assert is_overdue(september, status=Status.PLANNED, as_of=D(2023, 10, 1))
    assert not is_overdue(september, status=Status.IMPLEMENTED, as_of=D(2023, 10, 1))
    assert is_due_soon(september, status=Status.PLANNED, as_of=D(2023, 8, 31))  # 30 days
    assert not is_due_soon(september, status=Status.PLANNED, as_of=D(2023, 8, 30))


def test_every_reading_agrees_on_due_soon_and_overdue(pg06, client_for, settings):
    client = client_for("pg_second")
    before, soon = D(2023, 8, 30), D(2023, 8, 31)
    last_day, after = D(2023, 9, 30), D(2023, 10, 1)

    assert "PG-06" not in _dashboard(client, before)[0]
    assert "PG-06" not in _report(before, settings)[0]
    assert "due" not in _reminded(pg06, before)

    assert "PG-06" in _dashboard(client, soon)[0]
    assert "PG-06" in _report(soon, settings)[0]
    assert "due" in _reminded(pg06, soon)

    for day in (soon, last_day):
        assert "PG-06" not in _dashboard(client, day)[1]
        assert "PG-06" not in _report(day, settings)[1]
        assert "PG-06" not in _listed_overdue(client, day)
        assert "overdue" not in _reminded(pg06, day)

    assert "PG-06" in _dashboard(client, after)[1]
    assert "PG-06" in _report(after, settings)[1]
    assert "PG-06" in _listed_overdue(client, after)
    assert "overdue" in _reminded(pg06, after)


def test_the_due_soon_window_is_a_setting(pg06, client_for, settings):
    client = client_for("pg_second")
    settings.THREELINES_DUE_SOON_DAYS = 7
    assert "PG-06" not in _dashboard(client, D(2023, 9, 1))[0]
    assert "PG-06" in _dashboard(client, D(2023, 9, 23))[0]
    response = client.get("/?as_of=2023-09-23")
    assert "7日以内に期限" in response.content.decode()
