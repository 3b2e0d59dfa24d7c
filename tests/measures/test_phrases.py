"""The 実施状況 phrase as of a date: the seed's tables are the test vectors."""

import datetime as dt
import re

import pytest

from core.dates import PrecisionDate
from governance.models import Organization
from measures import services
from measures.asof import measure_state_as_of, measure_states_as_of
from measures.models import Countermeasure
from measures.statuses import Status
from tests import factories
from tests.conftest import SEED_DATE, month
from tests.seedtext import table_rows


def _top_level(org):
    return Countermeasure.objects.filter(organization=org, parent__isnull=True)


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize(("table", "org_code"), [("2-2", "chubu-pg"), ("3-2", "chubu-miraiz")])
def test_every_row_reads_as_in_the_source_document(seed, table, org_code):
    expected = table_rows(table)
    org = Organization.objects.get(code=org_code)
    states = measure_states_as_of(as_of=SEED_DATE, measures=_top_level(org))
    assert len(states) == len(expected)
    for state, (text, phrase) in zip(states, expected, strict=True):
        assert _compact(text).startswith(_compact(state.measure.title)), state.measure.code
        assert state.phrase == phrase, state.measure.code


def test_table_2_2_phrases_come_from_structure_not_stored_wording(pg):
    """Only table 3-2 may carry stored wording; 2-2 is derived from the events."""
    measures = Countermeasure.objects.filter(organization=pg)
    assert not measures.filter(events__phrase_override__gt="").exists()


def _measure(org, title_start: str) -> Countermeasure:
    return Countermeasure.objects.get(organization=org, title__startswith=title_start)


def test_planned_continuous_measure_reads_as_running_once_started(pg, officer):
    measure = _measure(pg, "行為規制遵守推進者に対する教育")
    assert measure_state_as_of(measure=measure, as_of=SEED_DATE).phrase == ("2023年7月より実施予定")
    services.countermeasure_record_status(
        measure=measure, status=Status.IN_OPERATION, effective_on=month(2023, 7), actor=officer
    )
    later = measure_state_as_of(measure=measure, as_of=dt.date(2023, 8, 1))
    assert later.phrase == "2023年7月より実施"
    assert later.status == Status.IN_OPERATION
    # The report as of the plan's date still reads as the plan did.
    assert measure_state_as_of(measure=measure, as_of=SEED_DATE).phrase == ("2023年7月より実施予定")


def test_recurring_measure_lists_each_occurrence(pg, officer):
    measure = _measure(pg, "社長から経営層")
    services.countermeasure_record_status(
        measure=measure, status=Status.IMPLEMENTED, effective_on=month(2023, 10), actor=officer
    )
    services.countermeasure_record_status(
        measure=measure, status=Status.IMPLEMENTED, effective_on=month(2024, 1), actor=officer
    )
    assert measure_state_as_of(measure=measure, as_of=dt.date(2023, 12, 31)).phrase == (
        "2023年2月、4月、10月実施"
    )
    assert measure_state_as_of(measure=measure, as_of=dt.date(2024, 2, 1)).phrase == (
        "2023年2月、4月、10月、2024年1月実施"
    )


def test_continuous_measure_first_done_then_running(pg, officer):
    measure = _measure(pg, "経営層と従業員との直接対話")
    services.countermeasure_record_status(
        measure=measure, status=Status.IN_OPERATION, effective_on=month(2023, 6), actor=officer
    )
    assert measure_state_as_of(measure=measure, as_of=dt.date(2023, 6, 30)).phrase == (
        "2023年4月実施、2023年6月より継続実施"
    )


def test_verification_and_reopening_show_in_the_phrase(pg, officer):
    measure = _measure(pg, "託送業務システムを利用する全従業員")
    factories.with_criteria(measure, actor=officer)
    services.countermeasure_verify_effectiveness(
        measure=measure,
        effective=True,
        effective_on=month(2023, 9),
        note="パスワード変更率100%を確認",
        actor=officer,
    )
    assert measure_state_as_of(measure=measure, as_of=dt.date(2023, 9, 30)).phrase == (
        "2023年1月実施（2023年9月有効性確認済）"
    )
    services.countermeasure_reopen(
        measure=measure,
        effective_on=month(2024, 4),
        note="再監査で共有IDの残存を確認",
        planned_for=month(2024, 6),
        actor=officer,
    )
    state = measure_state_as_of(measure=measure, as_of=dt.date(2024, 4, 30))
    assert state.status == Status.REOPENED
    assert state.phrase == "2024年6月実施予定（2024年4月再開）"


def test_replanned_measure_reads_the_new_date_only_from_the_replan_on(pg, officer):
    measure = _measure(pg, "システムの物理分割")
    services.countermeasure_record_status(
        measure=measure,
        status=Status.PLANNED,
        effective_on=month(2024, 3),
        planned_for=month(2028, 10),
        note="ベンダー工程見直し",
        actor=officer,
    )
    assert measure_state_as_of(measure=measure, as_of=SEED_DATE).phrase == (
        "2028年1月より運用開始予定"
    )
    assert measure_state_as_of(measure=measure, as_of=dt.date(2024, 3, 31)).phrase == (
        "2028年10月より運用開始予定"
    )


def test_one_off_due_in_a_fiscal_half(miraiz):
    measure = Countermeasure.objects.get(
        organization=miraiz, title__startswith="情報管理・行為規制に関する基準"
    )
    assert measure.label == "①"
    assert measure_state_as_of(measure=measure, as_of=SEED_DATE).phrase == "2023年度上期策定予定"
    assert measure.due.end == dt.date(2023, 9, 30)
    assert measure.is_overdue(status=Status.PLANNED, as_of=dt.date(2023, 10, 1))
    assert not measure.is_overdue(status=Status.PLANNED, as_of=dt.date(2023, 9, 30))


def test_hold_and_cancel(pg, officer):
    measure = _measure(pg, "行為規制遵守推進者に対する教育")
    services.countermeasure_record_status(
        measure=measure, status=Status.ON_HOLD, effective_on=month(2023, 6), actor=officer
    )
    assert measure_state_as_of(measure=measure, as_of=dt.date(2023, 6, 2)).phrase == (
        "2023年6月より保留"
    )
    services.countermeasure_record_status(
        measure=measure, status=Status.CANCELLED, effective_on=month(2023, 8), actor=officer
    )
    assert measure_state_as_of(measure=measure, as_of=dt.date(2023, 9, 1)).phrase == "2023年8月中止"


def test_reopened_without_a_new_plan_has_no_date(pg, officer):
    measure = _measure(pg, "託送業務システムを利用する全従業員")  # one-off, done 2023-01
    factories.with_criteria(measure, actor=officer)
    services.countermeasure_verify_effectiveness(
        measure=measure, effective=False, effective_on=month(2023, 6), note="不十分", actor=officer
    )
    services.countermeasure_reopen(
        measure=measure, effective_on=month(2023, 7), note="再実施", actor=officer
    )
    assert measure_state_as_of(measure=measure, as_of=dt.date(2023, 7, 31)).phrase == (
        "実施予定（時期未定）（2023年7月再開）"
    )


def test_recurring_measure_keeps_counting_after_verification(pg, officer):
    measure = _measure(pg, "社長から経営層")  # occurrences 2023-02 and 2023-04
    factories.with_criteria(measure, actor=officer)
    services.countermeasure_verify_effectiveness(
        measure=measure,
        effective=True,
        effective_on=month(2023, 5),
        note="浸透度調査",
        actor=officer,
    )
    services.countermeasure_record_status(
        measure=measure, status=Status.IMPLEMENTED, effective_on=month(2023, 6), actor=officer
    )
    services.countermeasure_record_status(
        measure=measure, status=Status.IMPLEMENTED, effective_on=month(2023, 6), actor=officer
    )
    assert measure_state_as_of(measure=measure, as_of=dt.date(2023, 7, 1)).phrase == (
        "2023年2月、4月、6月実施"
    )


def test_a_recurring_measure_with_an_interval_says_how_often(pg, officer):
    """毎年 / 毎月 read in the phrase, before and after an occurrence."""
    yearly = factories.measure(
        organization=pg,
        actor=officer,
        nature="recurring",
        recurrence_months=12,
        planned_start=PrecisionDate.fiscal_year(2025),
    )
    assert measure_state_as_of(measure=yearly, as_of=dt.date(2025, 1, 1)).phrase == (
        "2025年度より毎年実施予定"
    )
    factories.event(yearly, Status.IMPLEMENTED, month(2025, 6), actor=officer)
    assert measure_state_as_of(measure=yearly, as_of=dt.date(2025, 7, 1)).phrase == (
        "2025年6月実施、以後毎年実施予定"
    )
    monthly = factories.measure(
        organization=pg,
        actor=officer,
        nature="recurring",
        recurrence_months=1,
        planned_start=month(2024, 4),
    )
    assert measure_state_as_of(measure=monthly, as_of=dt.date(2024, 1, 1)).phrase == (
        "2024年4月より毎月実施予定"
    )
