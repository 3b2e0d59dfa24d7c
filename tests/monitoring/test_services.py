"""The monitoring services: what they refuse (with a code), what the database refuses
whatever writes to it, and the answer to an exception with a new countermeasure."""

import datetime as dt

import pytest
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from core.dates import PrecisionDate
from governance.models import OrgUnit
from incidents.services import affected_system_create
from measures.models import Countermeasure
from monitoring import services as mon
from monitoring.models import MonitoringException, MonitoringRun
from tests import factories
from tests.factories import refused

D = dt.date


@pytest.fixture
def activity(people):
    return factories.access_log_check(actor=people["pg_second"])


def test_an_access_log_check_names_its_systems(people, pg):
    with refused("no_systems"):
        factories.access_log_check(actor=people["pg_second"], systems=[])


def test_a_link_to_another_company_is_refused(people, miraiz):
    other = [
        affected_system_create(
            organization=miraiz, code="retail", name="小売システム", actor=None, reason="試験"
        )
    ]
    with refused("other_org"):
        factories.access_log_check(actor=people["pg_second"], systems=other)
    with refused("other_org"):
        factories.access_log_check(
            actor=people["pg_second"], measures=Countermeasure.objects.filter(code="MZ-01")
        )


def test_a_schedule_needs_a_start(people):
    with refused("no_start"):
        factories.access_log_check(actor=people["pg_second"], starts=None)


def test_a_run_is_for_one_of_the_periods_and_once(activity, people):
    second = people["pg_second"]
    run = {"activity": activity, "scope": "ログ", "result": "no_exception", "actor": second}
    with refused("unknown_period"):
        mon.monitoring_run_record(period_start=D(2023, 4, 2), performed_on=D(2023, 5, 1), **run)
    with refused("unknown_period"):  # May's run cannot be recorded in April
        mon.monitoring_run_record(period_start=D(2023, 5, 1), performed_on=D(2023, 4, 30), **run)
    with refused("before_start"):
        mon.monitoring_run_record(period_start=None, performed_on=D(2023, 3, 1), **run)
    mon.monitoring_run_record(period_start=D(2023, 4, 1), performed_on=D(2023, 5, 1), **run)
    with refused("period_done"):
        mon.monitoring_run_record(period_start=D(2023, 4, 1), performed_on=D(2023, 5, 2), **run)
    with refused("future"):
        mon.monitoring_run_record(
            period_start=None, performed_on=timezone.localdate() + dt.timedelta(days=2), **run
        )
    assert activity.runs.count() == 1


def test_a_run_is_never_changed_or_deleted(activity, people):
    run = mon.monitoring_run_record(
        activity=activity,
        performed_on=D(2023, 5, 1),
        scope="ログ",
        result="no_exception",
        actor=people["pg_second"],
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        MonitoringRun.objects.filter(pk=run.pk).update(result="exceptions")
    with pytest.raises(DatabaseError), transaction.atomic():
        MonitoringRun.objects.filter(pk=run.pk)._raw_delete(MonitoringRun.objects.db)


def test_exceptions_come_from_a_run_that_found_them(activity, people):
    clean = mon.monitoring_run_record(
        activity=activity,
        performed_on=D(2023, 5, 1),
        scope="ログ",
        result="no_exception",
        actor=people["pg_second"],
    )
    with refused("run_without_exceptions"):
        mon.monitoring_exception_raise(
            run=clean,
            title="x",
            severity="low",
            owner_unit=OrgUnit.objects.get(code="pg-head-office-units"),
            due_on=D(2023, 6, 1),
            actor=people["pg_second"],
        )


def test_an_exception_goes_to_a_first_line_unit_of_the_company(activity, people):
    with refused("not_first_line"):
        factories.monitoring_exception(
            activity=activity, actor=people["pg_second"], unit_code="pg-quality-reform"
        )
    with refused("other_org"):
        factories.monitoring_exception(
            activity=activity, actor=people["pg_second"], unit_code="miraiz-system-group"
        )


def test_exceptions_are_numbered_per_company(activity, people):
    first = factories.monitoring_exception(activity=activity, actor=people["pg_second"])
    second = mon.monitoring_exception_raise(
        run=first.run,
        title="権限の付与漏れ",
        severity="low",
        owner_unit=first.owner_unit,
        due_on=D(2023, 7, 31),
        actor=people["pg_second"],
    )
    assert (first.label, second.label) == ("E-1", "E-2")


def test_answer_then_close_by_someone_else(activity, people):
    exception = factories.monitoring_exception(activity=activity, actor=people["pg_second"])
    with refused("not_answered"):
        mon.monitoring_exception_close(
            exception=exception, closed_on=D(2023, 7, 1), note="確認", actor=people["pg_second"]
        )
    mon.monitoring_exception_respond(
        exception=exception,
        response="アカウントを削除しました",
        measures=Countermeasure.objects.filter(code="PG-06"),
        actor=people["pg_promoter"],
    )
    exception.refresh_from_db()
    assert exception.state == "answered"
    assert list(exception.measures.values_list("code", flat=True)) == ["PG-06"]
    with refused("same_person"):
        mon.monitoring_exception_close(
            exception=exception, closed_on=D(2023, 7, 1), note="確認", actor=people["pg_promoter"]
        )
    with refused("before_run"):
        mon.monitoring_exception_close(
            exception=exception, closed_on=D(2023, 5, 1), note="確認", actor=people["pg_second"]
        )
    mon.monitoring_exception_close(
        exception=exception, closed_on=D(2023, 7, 1), note="削除を確認", actor=people["pg_second"]
    )
    with refused("closed"):
        mon.monitoring_exception_respond(
            exception=exception, response="追記", actor=people["pg_promoter"]
        )
    # The database keeps a closed exception as it was closed.
    with pytest.raises(DatabaseError), transaction.atomic():
        MonitoringException.objects.filter(pk=exception.pk).update(title="書き換え")
    states = exception.history.order_by("history_date").values_list("state", flat=True)
    assert list(dict.fromkeys(states)) == ["open", "answered", "closed"]


def test_answer_with_a_new_measure_owned_by_the_unit(activity, people):
    exception = factories.monitoring_exception(activity=activity, actor=people["pg_second"])
    measure = mon.monitoring_exception_answer_with_new_measure(
        exception=exception,
        code="PG-90",
        title="異動時のアカウント削除手順の整備",
        nature="one_off",
        due=PrecisionDate.month(2023, 7),
        actor=people["pg_second"],
    )
    assert measure.organization.code == "chubu-pg"
    assert measure.owner_unit.code == "pg-head-office-units"
    assert list(exception.measures.all()) == [measure]
    assert "E-1" in measure.history.get().history_change_reason


def test_the_database_keeps_units_inside_the_company(activity):
    with pytest.raises(IntegrityError), transaction.atomic():
        type(activity).objects.filter(pk=activity.pk).update(
            unit=OrgUnit.objects.get(code="miraiz-info-conduct")
        )
