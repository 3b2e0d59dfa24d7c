"""Recording progress: what the services accept, what they refuse, and what they leave behind."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from core.archiving import HardDeleteRefused
from measures import services
from measures.models import Countermeasure, StatusEvent
from measures.statuses import Status
from tests import factories
from tests.conftest import month
from tests.factories import refused


def _measure(org, title_start: str) -> Countermeasure:
    return Countermeasure.objects.get(organization=org, title__startswith=title_start)


def _refused(code: str, call, **kwargs) -> ValidationError:
    before = StatusEvent.objects.count()
    with refused(code) as info:
        call(**kwargs)
    assert StatusEvent.objects.count() == before, "a refused write must leave nothing behind"
    return info.value


def test_verifying_a_measure_never_implemented_is_refused(pg, officer):
    measure = _measure(pg, "行為規制遵守推進者に対する教育")
    error = _refused(
        "not_implemented",
        services.countermeasure_verify_effectiveness,
        measure=measure,
        effective=True,
        effective_on=month(2023, 8),
        note="確認",
        actor=officer,
    )
    assert "実施済みまたは運用中の対策のみ有効性を確認できます" in " ".join(error.messages)


def test_an_event_dated_before_the_latest_is_refused(pg, officer):
    measure = _measure(pg, "ミライズ専用の起動アプリ")  # in operation since 2023-04
    error = _refused(
        "before_previous",
        services.countermeasure_record_status,
        measure=measure,
        status=Status.ON_HOLD,
        effective_on=month(2023, 3),
        actor=officer,
    )
    assert error.message_dict["effective_on"] == [
        "2023年3月は最新の記録（運用中、2023年4月）より前の日付です。"
    ]


def test_an_event_in_the_future_is_refused(pg, officer):
    measure = _measure(pg, "行為規制遵守推進者に対する教育")
    error = _refused(
        "future",
        services.countermeasure_record_status,
        measure=measure,
        status=Status.IN_OPERATION,
        effective_on=month(2023, 7),
        actor=officer,
        today=dt.date(2023, 6, 30),
    )
    assert error.message_dict["effective_on"] == [
        "2023年7月は未来の日付です。実際に起きたことを記録してください。"
    ]


def test_a_one_off_measure_is_implemented_once(pg, officer):
    measure = _measure(pg, "託送業務システムを利用する全従業員")
    error = _refused(
        "invalid_transition",
        services.countermeasure_record_status,
        measure=measure,
        status=Status.IMPLEMENTED,
        effective_on=month(2023, 6),
        actor=officer,
    )
    assert error.message_dict["status"] == ["実施済の対策を実施済にすることはできません。"]


def test_verification_is_not_recorded_as_a_plain_status(pg, officer):
    measure = _measure(pg, "託送業務システムを利用する全従業員")
    _refused(
        "second_line_act",
        services.countermeasure_record_status,
        measure=measure,
        status=Status.VERIFIED,
        effective_on=month(2023, 6),
        actor=officer,
    )


def test_status_of_a_measure_with_sub_items_is_recorded_on_the_sub_items(miraiz, officer):
    parent = Countermeasure.objects.get(organization=miraiz, title="システム面の整備")
    _refused(
        "has_sub_items",
        services.countermeasure_record_status,
        measure=parent,
        status=Status.IN_PROGRESS,
        effective_on=month(2023, 6),
        actor=officer,
    )


def test_replan_needs_the_new_date(pg, officer):
    measure = _measure(pg, "システムの物理分割")
    error = _refused(
        "planned_for_required",
        services.countermeasure_record_status,
        measure=measure,
        status=Status.PLANNED,
        effective_on=month(2024, 1),
        actor=officer,
    )
    assert "planned_for" in error.message_dict


def test_verifying_needs_a_note_and_reopening_needs_a_reason(pg, officer):
    measure = _measure(pg, "託送業務システムを利用する全従業員")
    factories.with_criteria(measure, actor=officer)
    _refused(
        "note_required",
        services.countermeasure_verify_effectiveness,
        measure=measure,
        effective=True,
        effective_on=month(2023, 9),
        note="  ",
        actor=officer,
    )
    services.countermeasure_verify_effectiveness(
        measure=measure,
        effective=False,
        effective_on=month(2023, 9),
        note="効果不十分",
        actor=officer,
    )
    _refused(
        "note_required",
        services.countermeasure_reopen,
        measure=measure,
        effective_on=month(2023, 10),
        note="",
        actor=officer,
    )


def test_recorded_event_names_who_and_why_in_the_history(pg, officer):
    measure = _measure(pg, "行為規制遵守推進者に対する教育")
    event = services.countermeasure_record_status(
        measure=measure,
        status=Status.IN_OPERATION,
        effective_on=month(2023, 7),
        note="第1回教育実施",
        actor=officer,
    )
    record = event.history.get()
    assert record.history_user == officer
    assert record.history_change_reason == "状況を記録: 運用中"
    assert event.recorded_by == officer


def test_events_and_measures_are_never_hard_deleted(pg):
    measure = _measure(pg, "行為規制遵守推進者に対する教育")
    with pytest.raises(HardDeleteRefused):
        measure.delete()
    with pytest.raises(HardDeleteRefused):
        Countermeasure.objects.filter(pk=measure.pk).delete()
    with pytest.raises(HardDeleteRefused):
        StatusEvent.objects.first().delete()
    assert Countermeasure.objects.filter(pk=measure.pk).exists()


def test_archived_measure_leaves_the_plan_but_keeps_its_history(pg, officer):
    measure = _measure(pg, "行為規制遵守推進者に対する教育")
    services.countermeasure_archive(measure=measure, actor=officer, reason="重複登録")
    assert not Countermeasure.objects.active().filter(pk=measure.pk).exists()
    assert measure.history.first().history_change_reason == "重複登録"


def test_status_events_cannot_be_deleted_or_changed_in_bulk(pg):
    from django.db import DatabaseError, transaction

    events = StatusEvent.objects.filter(measure__organization=pg)
    count = events.count()
    with pytest.raises(HardDeleteRefused):
        events.delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        events.update(note="書き換え")
    assert events.count() == count
    assert not events.filter(note="書き換え").exists()


def test_a_continuing_measure_first_done_can_be_put_on_hold(pg, officer):
    measure = _measure(pg, "経営層と従業員との直接対話")  # implemented 2023-04, continuous
    services.countermeasure_record_status(
        measure=measure, status=Status.ON_HOLD, effective_on=month(2023, 6), actor=officer
    )


def test_nature_and_verb_are_fixed_once_progress_is_recorded(pg, officer):
    measure = _measure(pg, "ミライズ専用の起動アプリ")
    with refused("history_bound"):  # 変更できません
        services.countermeasure_update(
            measure=measure, actor=officer, reason="誤り訂正", nature="one_off"
        )
    measure.refresh_from_db()
    assert measure.nature == "continuous"


def test_a_sub_item_under_a_measure_with_its_own_status_is_refused(pg, officer):
    parent = _measure(pg, "ミライズ専用の起動アプリ")
    with refused("parent_has_status"):  # 既に状況が記録されています
        factories.measure(
            organization=pg,
            code="PG-14-1",
            title="細目",
            nature="one_off",
            position=1,
            parent=parent,
            actor=officer,
        )


def test_an_archived_sub_item_does_not_block_its_parent(pg, officer):
    parent = factories.measure(
        organization=pg, code="PG-90", title="親", nature="one_off", position=90, actor=officer
    )
    child = factories.measure(
        organization=pg,
        code="PG-90-1",
        title="子",
        nature="one_off",
        position=1,
        parent=parent,
        actor=officer,
    )
    services.countermeasure_archive(measure=child, actor=officer, reason="誤登録")
    services.countermeasure_record_status(
        measure=parent, status=Status.IMPLEMENTED, effective_on=month(2023, 6), actor=officer
    )
