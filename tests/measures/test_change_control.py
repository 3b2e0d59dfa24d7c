"""Change control and segregation of duties: the first line proposes a re-plan, hold or
cancellation and the second line decides; a verdict needs criteria and another verifier."""

import datetime as dt

import pytest

from governance.models import AuditEvent
from measures import services
from measures.asof import measure_state_as_of
from measures.models import ChangeRequest, Countermeasure, StatusEvent
from measures.statuses import Status
from tests import factories
from tests.conftest import month
from tests.factories import refused

TODAY = dt.date(2023, 6, 20)


@pytest.fixture
def pg06(people):
    """推進者教育, owned by pg_promoter's unit, planned 2023年度上期."""
    return Countermeasure.objects.get(code="PG-06")


def test_the_first_line_cannot_cancel_directly(people, pg06):
    """PG-05 → 中止 with no note, as the first line could before: refused, nothing saved."""
    before = StatusEvent.objects.count()
    for status in (Status.CANCELLED, Status.ON_HOLD):
        with refused("change_controlled"):
            services.countermeasure_record_status(
                measure=pg06,
                status=status,
                effective_on=month(2023, 6),
                actor=people["pg_promoter"],
                today=TODAY,
            )
    with refused("change_controlled"):
        services.countermeasure_record_status(
            measure=pg06,
            status=Status.PLANNED,
            effective_on=month(2023, 6),
            planned_for=month(2023, 12),
            actor=people["pg_promoter"],
            today=TODAY,
        )
    assert StatusEvent.objects.count() == before


def test_a_proposal_needs_a_reason_and_only_one_waits_at_a_time(people, pg06):
    with refused("reason_required"):
        services.change_request_submit(
            measure=pg06, kind="cancel", reason="  ", actor=people["pg_promoter"]
        )
    with refused("new_due_required"):
        services.change_request_submit(
            measure=pg06, kind="replan", reason="講師の都合", actor=people["pg_promoter"]
        )
    services.change_request_submit(
        measure=pg06, kind="hold", reason="組織改編待ち", actor=people["pg_promoter"]
    )
    with refused("already_pending"):
        services.change_request_submit(
            measure=pg06, kind="cancel", reason="不要", actor=people["pg_promoter"]
        )
    assert ChangeRequest.objects.filter(measure=pg06).count() == 1


def test_an_approved_cancellation_takes_effect_on_the_decision_day(people, pg06):
    change = services.change_request_submit(
        measure=pg06, kind="cancel", reason="他の対策に統合", actor=people["pg_promoter"]
    )
    assert measure_state_as_of(measure=pg06, as_of=TODAY).status == Status.PLANNED
    services.change_request_decide(
        change=change, approve=True, note="", actor=people["pg_second"], today=TODAY
    )
    change.refresh_from_db()
    assert change.state == ChangeRequest.State.APPROVED
    assert change.event.status == Status.CANCELLED
    assert change.event.recorded_by == people["pg_second"]
    assert measure_state_as_of(measure=pg06, as_of=TODAY).phrase == "2023年6月20日中止"
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.CHANGE_DECIDED, object_id=str(pg06.pk)
    ).exists()


def test_an_approved_replan_moves_the_due_date_and_the_phrase(people, pg06):
    change = services.change_request_submit(
        measure=pg06,
        kind="replan",
        new_due=month(2023, 12),
        reason="講師の確保が遅れたため",
        actor=people["pg_promoter"],
    )
    services.change_request_decide(
        change=change, approve=True, note="やむを得ない", actor=people["pg_second"], today=TODAY
    )
    pg06.refresh_from_db()
    assert pg06.due == month(2023, 12)
    assert measure_state_as_of(measure=pg06, as_of=TODAY).phrase == "2023年12月より実施予定"
    latest = pg06.history.first()
    assert latest.history_change_reason.startswith(f"変更申請 #{change.pk}: 講師の確保")


def test_a_refusal_needs_a_reason_and_changes_nothing(people, pg06):
    change = services.change_request_submit(
        measure=pg06, kind="cancel", reason="不要", actor=people["pg_promoter"]
    )
    with refused("note_required"):
        services.change_request_decide(
            change=change, approve=False, note="", actor=people["pg_second"], today=TODAY
        )
    services.change_request_decide(
        change=change,
        approve=False,
        note="規制当局への約束事項のため継続",
        actor=people["pg_second"],
        today=TODAY,
    )
    change.refresh_from_db()
    assert change.state == ChangeRequest.State.REFUSED
    assert change.event is None
    assert measure_state_as_of(measure=pg06, as_of=TODAY).status == Status.PLANNED
    with refused("already_decided"):
        services.change_request_decide(
            change=change, approve=True, note="", actor=people["pg_second"], today=TODAY
        )


def test_nobody_decides_their_own_request(people, pg06):
    change = services.change_request_submit(
        measure=pg06, kind="hold", reason="保留したい", actor=people["superuser"]
    )
    with refused("own_request"):
        services.change_request_decide(
            change=change, approve=True, note="", actor=people["superuser"], today=TODAY
        )


def test_only_the_requester_withdraws(people, pg06):
    change = services.change_request_submit(
        measure=pg06, kind="hold", reason="保留したい", actor=people["pg_promoter"]
    )
    with refused("not_requester"):
        services.change_request_withdraw(change=change, actor=people["pg_second"])
    services.change_request_withdraw(change=change, actor=people["pg_promoter"])
    change.refresh_from_db()
    assert change.state == ChangeRequest.State.WITHDRAWN


# -- verification --------------------------------------------------------------------------
def _implemented_by_promoter(people, pg06):
    return services.countermeasure_record_status(
        measure=pg06,
        status=Status.IMPLEMENTED,
        effective_on=month(2023, 6),
        actor=people["pg_promoter"],
        today=TODAY,
    )


def test_a_verdict_needs_the_criteria(people, pg06):
    _implemented_by_promoter(people, pg06)
    with refused("criteria_required"):
        services.countermeasure_verify_effectiveness(
            measure=pg06,
            effective=True,
            effective_on=month(2023, 6),
            note="確認",
            actor=people["pg_second"],
            today=TODAY,
        )


def test_self_verification_is_refused(people, pg06):
    """Record 実施済 then 有効 with 「自己確認」 by the same account: refused."""
    factories.with_criteria(pg06, actor=people["pg_second"])
    services.countermeasure_record_status(
        measure=pg06,
        status=Status.IMPLEMENTED,
        effective_on=month(2023, 6),
        actor=people["pg_second"],
        today=TODAY,
    )
    with refused("self_verification") as info:
        services.countermeasure_verify_effectiveness(
            measure=pg06,
            effective=True,
            effective_on=month(2023, 6),
            note="自己確認",
            actor=people["pg_second"],
            today=TODAY,
        )
    assert "別の人" in " ".join(info.value.messages)


def test_the_owner_units_people_do_not_verify(people, pg06):
    factories.with_criteria(pg06, actor=people["pg_second"])
    services.countermeasure_record_status(
        measure=pg06,
        status=Status.IMPLEMENTED,
        effective_on=month(2023, 6),
        actor=people["pg_second"],
        today=TODAY,
    )
    with refused("owner_verification"):
        services.countermeasure_verify_effectiveness(
            measure=pg06,
            effective=True,
            effective_on=month(2023, 6),
            note="確認",
            actor=people["pg_promoter"],
            today=TODAY,
        )


def test_another_second_line_officer_verifies(people, pg06):
    factories.with_criteria(pg06, actor=people["pg_second"])
    _implemented_by_promoter(people, pg06)
    event = services.countermeasure_verify_effectiveness(
        measure=pg06,
        effective=True,
        effective_on=month(2023, 6),
        note="受講記録で全員の受講を確認",
        actor=people["pg_second"],
        today=TODAY,
    )
    assert event.status == Status.VERIFIED


def test_a_measure_marked_for_the_third_line_is_verified_by_internal_audit(people, pg06):
    services.countermeasure_update(
        measure=pg06,
        effectiveness_criteria="全推進者の受講",
        third_line_verifies=True,
        actor=people["pg_second"],
        reason="監査部門による確認を要する",
    )
    _implemented_by_promoter(people, pg06)
    verdict = {
        "measure": pg06,
        "effective": True,
        "effective_on": month(2023, 6),
        "note": "受講記録を確認",
        "today": TODAY,
    }
    with refused("third_line_required"):
        services.countermeasure_verify_effectiveness(actor=people["pg_second"], **verdict)
    event = services.countermeasure_verify_effectiveness(actor=people["pg_auditor"], **verdict)
    assert event.recorded_by == people["pg_auditor"]


def test_internal_audit_does_not_verify_the_second_lines_measures(people, pg06):
    factories.with_criteria(pg06, actor=people["pg_second"])
    _implemented_by_promoter(people, pg06)
    with refused("second_line_verifies"):
        services.countermeasure_verify_effectiveness(
            measure=pg06,
            effective=True,
            effective_on=month(2023, 6),
            note="確認",
            actor=people["pg_auditor"],
            today=TODAY,
        )
