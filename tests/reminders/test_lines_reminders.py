"""The second line's runs and the answers owed to monitoring exceptions and audit findings
are reminded like measures: at each lead threshold once, every day once late, escalating by
days late."""

import datetime as dt

import pytest
from django.core import mail

from governance.models import OrgUnit
from internalaudit import services as ia
from monitoring import services as mon
from registry import services as registry
from reminders.models import Digest, ReminderMark
from reminders.sweep import reminders_sweep
from tests import factories

D = dt.date


def _items(user, day):
    digest = Digest.objects.filter(user=user, day=day).first()
    if digest is None:
        return []
    return sorted((i["kind"], i["title"].split()[0], i.get("n")) for i in digest.items)


def _about(code, user, day):
    """``user``'s items of ``day`` about ``code`` only (the seed's measures have their own)."""
    return [item for item in _items(user, day) if item[1] == code]


@pytest.fixture
def check(people):
    """A monthly access-log check from 2023年4月 whose April run was done on 2023-05-08."""
    activity = factories.access_log_check(actor=people["pg_second"], measures=[])
    mon.monitoring_run_record(
        activity=activity,
        period_start=D(2023, 4, 1),
        performed_on=D(2023, 5, 8),
        scope="4月分",
        result="no_exception",
        actor=people["pg_second"],
    )
    return activity


def test_a_run_due_then_late_then_escalated(check, people):
    second, chief = people["pg_second"], people["pg_chief"]
    code = check.code
    reminders_sweep(day=D(2023, 5, 25), send="now")
    assert _items(second, D(2023, 5, 25)) == [("run_due", code, 7)]
    reminders_sweep(day=D(2023, 5, 26), send="now")
    assert _items(second, D(2023, 5, 26)) == []  # once per threshold
    # May ended without a run: late every day; June's run is due within 30 days.
    reminders_sweep(day=D(2023, 6, 2), send="now")
    assert _items(second, D(2023, 6, 2)) == [("run_due", code, 30), ("run_overdue", code, 2)]
    reminders_sweep(day=D(2023, 6, 3), send="now")
    assert _items(second, D(2023, 6, 3)) == [("run_overdue", code, 3)]
    # Fourteen days late: the second line as a whole; thirty: the top of the company too.
    reminders_sweep(day=D(2023, 6, 15), send="now")
    assert ("escalation", code, 15) in _items(second, D(2023, 6, 15))
    assert _items(chief, D(2023, 6, 15)) == []
    reminders_sweep(day=D(2023, 7, 1), send="now")
    assert ("escalation", code, 31) in _items(chief, D(2023, 7, 1))
    # The retailer's second line hears of its own measures, never of the grid's monitoring.
    assert not [i for i in _items(people["miraiz_second"], D(2023, 7, 1)) if i[1] == code]
    body = next(m.body for m in mail.outbox if m.to == [second.email])
    assert "モニタリングの実施" in body and f"/monitoring/{check.pk}/" in body


def test_a_recorded_run_stops_the_reminders(check, people):
    mon.monitoring_run_record(
        activity=check,
        period_start=D(2023, 5, 1),
        performed_on=D(2023, 5, 20),
        scope="5月分",
        result="no_exception",
        actor=people["pg_second"],
    )
    reminders_sweep(day=D(2023, 5, 25), send="now")
    assert _items(people["pg_second"], D(2023, 5, 25)) == []


def test_an_exception_is_reminded_to_its_unit_until_answered(check, people):
    exception = factories.monitoring_exception(
        activity=factories.access_log_check(actor=people["pg_second"], frequency=""),
        actor=people["pg_second"],
    )
    promoter = people["pg_promoter"]
    reminders_sweep(day=D(2023, 6, 25), send="now")
    reminders_sweep(day=D(2023, 6, 26), send="now")
    assert _items(promoter, D(2023, 6, 25)) == [("exception_due", "E-1", 7)]
    assert _items(promoter, D(2023, 6, 26)) == []
    assert ReminderMark.objects.filter(user=promoter, key__startswith="exception_due:").count() == 1
    reminders_sweep(day=D(2023, 7, 2), send="now")
    assert _items(promoter, D(2023, 7, 2)) == [("exception_overdue", "E-1", 2)]
    mon.monitoring_exception_respond(exception=exception, response="対応済み", actor=promoter)
    reminders_sweep(day=D(2023, 7, 3), send="now")
    assert _items(promoter, D(2023, 7, 3)) == []


def test_an_audit_finding_and_its_agreed_action_are_reminded(people):
    """The response is owed by the unit the finding is addressed to; the agreed action by
    its owner unit, and internal audit hears once it is late."""
    finding = factories.finding(
        engagement=factories.engagement(actor=people["pg_auditor"]),
        actor=people["pg_auditor"],
        unit_code="pg-head-office-units",
    )
    promoter, auditor = people["pg_promoter"], people["pg_auditor"]
    reminders_sweep(day=D(2023, 6, 24), send="now")
    assert _about("F-1", promoter, D(2023, 6, 24)) == [("finding_due", "F-1", 7)]
    reminders_sweep(day=D(2023, 7, 3), send="now")
    assert _about("F-1", promoter, D(2023, 7, 3)) == [("finding_overdue", "F-1", 3)]
    ia.finding_respond(
        finding=finding,
        management_response="指摘のとおり",
        agreed_action="手順の制定",
        action_owner=finding.addressed_to,
        action_due=D(2023, 8, 31),
        actor=promoter,
    )
    reminders_sweep(day=D(2023, 7, 4), send="now")
    assert _about("F-1", promoter, D(2023, 7, 4)) == []
    reminders_sweep(day=D(2023, 8, 25), send="now")
    assert _about("F-1", promoter, D(2023, 8, 25)) == [("action_due", "F-1", 7)]
    reminders_sweep(day=D(2023, 9, 2), send="now")
    assert _about("F-1", promoter, D(2023, 9, 2)) == [("action_overdue", "F-1", 2)]
    assert _about("F-1", auditor, D(2023, 9, 2)) == [("action_overdue", "F-1", 2)]
    reminders_sweep(day=D(2023, 9, 3), send="now")
    assert _about("F-1", auditor, D(2023, 9, 3)) == []  # the auditor hears of it once
    ia.finding_close(finding=finding, closed_on=D(2023, 9, 3), note="確認", actor=auditor)
    reminders_sweep(day=D(2023, 9, 4), send="now")
    assert _about("F-1", promoter, D(2023, 9, 4)) == []


def test_a_registry_review_is_reminded_to_the_managing_unit(people):
    """The tables made 2023年2月 (its last day), reviewed yearly: due 2024-02-28, to the
    managing unit."""
    registry.registration_update(
        registration=factories.registration(),
        manager_unit=OrgUnit.objects.get(code="pg-head-office-units"),
        review_months=12,
        actor=None,
        reason="見直し周期の設定",
    )
    promoter = people["pg_promoter"]
    reminders_sweep(day=D(2024, 2, 22), send="now")
    assert _about("託送業務システム", promoter, D(2024, 2, 22)) == [
        ("review_due", "託送業務システム", 7)
    ]
    reminders_sweep(day=D(2024, 3, 2), send="now")
    assert _about("託送業務システム", promoter, D(2024, 3, 2)) == [
        ("review_overdue", "託送業務システム", 3)
    ]
