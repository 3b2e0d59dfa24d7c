"""The changes since the previous report, and events recorded late (issue 6, item 5)."""

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from core.dates import PrecisionDate
from governance.models import Committee
from measures import services
from measures.models import Countermeasure, Nature, StatusEvent
from measures.statuses import Status
from reports.changes import report_changes
from reports.models import Report
from reports.render import report_pdf, report_render
from tests import factories
from tests.conftest import SEED_DATE, month


def _day(y, m, d) -> PrecisionDate:
    return PrecisionDate.day(y, m, d)


@pytest.fixture
def first_report(seed, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    committee = Committee.objects.get(code="neutrality")
    report = Report.objects.create(committee=committee, as_of=SEED_DATE)
    assert report_render(report_id=report.pk) == Report.State.DONE
    report.refresh_from_db()
    return report


def _record_the_quarter(officer, pg):
    """What happens after the first report: (code, kind) in the order of their dates."""
    codes = ("PG-06", "PG-09", "PG-11", "PG-15", "PG-16")
    m = {c: Countermeasure.objects.get(code=c) for c in codes}
    # Effective before the first report's date, recorded after it rendered: recorded late.
    services.countermeasure_record_status(
        measure=m["PG-15"], status=Status.IN_PROGRESS, effective_on=_day(2023, 5, 1), actor=officer
    )
    services.countermeasure_record_status(
        measure=m["PG-06"],
        status=Status.PLANNED,
        planned_for=month(2023, 7),
        effective_on=_day(2023, 6, 1),
        note="講師の都合により延期",
        actor=officer,
    )
    services.countermeasure_create(
        organization=pg,
        code="PG-24",
        title="委員会提言を受けた託送システム権限の棚卸し",
        nature=Nature.ONE_OFF,
        position=24,
        due=month(2023, 9),
        planned_on=dt.date(2023, 6, 10),
        actor=officer,
    )
    factories.with_criteria(m["PG-11"], actor=officer)
    services.countermeasure_verify_effectiveness(
        measure=m["PG-11"],
        effective=True,
        effective_on=_day(2023, 6, 15),
        note="閲覧ログで遮断を確認",
        actor=officer,
    )
    services.countermeasure_reopen(
        measure=m["PG-16"], effective_on=_day(2023, 6, 20), note="対象範囲の不足", actor=officer
    )
    services.countermeasure_record_status(
        measure=m["PG-06"], status=Status.IN_OPERATION, effective_on=month(2023, 7), actor=officer
    )
    services.countermeasure_update(
        measure=m["PG-09"], due=month(2023, 12), actor=officer, reason="期限の設定"
    )
    services.countermeasure_archive(
        measure=Countermeasure.objects.get(code="PG-23"), actor=officer, reason="誤登録"
    )
    # After the second report's date: not a change of this period.
    services.countermeasure_record_status(
        measure=m["PG-15"], status=Status.IMPLEMENTED, effective_on=_day(2023, 8, 15), actor=officer
    )


def test_the_changes_are_exactly_what_was_recorded_since(first_report, officer, pg):
    _record_the_quarter(officer, pg)
    changes = report_changes(
        organizations=[pg],
        as_of=dt.date(2023, 7, 31),
        previous=first_report,
        read_at=dt.datetime.now(dt.UTC),
    )
    listed = [(c.measure.code, c.kind, c.on, c.section) for c in changes]
    due_change_day = listed[-1][2]  # entered today (transaction time), so last
    assert listed == [
        ("PG-15", "着手", "2023年5月1日", "late"),
        ("PG-06", "計画変更", "2023年6月1日", "progress"),
        ("PG-24", "新規", "2023年6月10日", "progress"),
        ("PG-11", "有効性確認", "2023年6月15日", "progress"),
        ("PG-16", "再開", "2023年6月20日", "progress"),
        ("PG-06", "運用開始", "2023年7月", "progress"),
        ("PG-09", "期限変更", due_change_day, "plan"),
        ("PG-23", "取下げ", due_change_day, "plan"),
    ]
    late = changes[0]
    assert late.recorded_at > first_report.read_at
    assert changes[1].detail.startswith("予定 2023年7月")
    assert changes[6].detail == "未定 → 2023年12月"


def test_without_new_records_the_second_report_lists_no_change(first_report, pg):
    assert (
        report_changes(
            organizations=[pg],
            as_of=SEED_DATE,
            previous=first_report,
            read_at=dt.datetime.now(dt.UTC),
        )
        == []
    )


def _section(text: str, start: str, end: str) -> str:
    return text[text.index(start) : text.index(end, text.index(start))]


def test_the_second_pdf_lists_the_changes_and_the_late_record(first_report, officer, pg):
    _record_the_quarter(officer, pg)
    pdf, _pages = report_pdf(
        committee=first_report.committee, as_of=dt.date(2023, 7, 31), previous=first_report
    )
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    changes = _section(text, "4前回報告以降の進捗", "前回報告後に遡って登録された記録")
    for line in (
        "2023年6月1日PG-06",
        "2023年6月10日PG-24",
        "新規",
        "2023年6月15日PG-11",
        "有効性確認",
        "2023年6月20日PG-16",
        "再開",
        "2023年7月PG-06",
        "運用開始",
    ):
        assert line in changes, line
    plan = _section(text, "前回報告後に登録された計画の変更", "5中部電力パワーグリッド")
    assert "期限変更" in plan and "未定→2023年12月" in plan and "PG-23" in plan and "取下げ" in plan
    assert "PG-15" not in changes  # its in-period record is dated after the report
    late = _section(text, "前回報告後に遡って登録された記録", "前回報告後に登録された計画の変更")
    assert "2023年5月1日PG-15" in late and "着手" in late
    # The first report still reads as it did: PG-15 had not started by 2023-05-12.
    with first_report.file.open("rb") as stored:
        first = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(stored).pages))
    assert "比較する前回報告の指定がない" in first


def test_a_record_committed_after_the_read_but_stamped_before_is_still_listed_late(
    seed, officer, pg
):
    """A status write stamps its time before it commits: one stamped just before the
    previous report read the data, but not seen by it, is late; one it saw is not."""
    seen = services.countermeasure_record_status(
        measure=Countermeasure.objects.get(code="PG-15"),
        status=Status.IN_PROGRESS,
        effective_on=_day(2023, 5, 1),
        actor=officer,
    )
    unseen = services.countermeasure_record_status(
        measure=Countermeasure.objects.get(code="PG-06"),
        status=Status.IN_PROGRESS,
        effective_on=_day(2023, 5, 2),
        actor=officer,
    )
    previous = Report(
        committee=Committee.objects.get(code="neutrality"),
        as_of=SEED_DATE,
        read_at=unseen.recorded_at + dt.timedelta(seconds=30),
        # It saw everything entered before it (the seed too, loaded minutes ago) but one.
        seen_recent={
            "events": list(StatusEvent.objects.exclude(pk=unseen.pk).values_list("pk", flat=True)),
            "measures": list(Countermeasure.history.values_list("history_id", flat=True)),
        },
    )
    changes = report_changes(
        organizations=[pg],
        as_of=SEED_DATE,
        previous=previous,
        read_at=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1),
    )
    assert [(c.measure.code, c.section) for c in changes] == [("PG-06", "late")]
    assert seen.pk in previous.seen_recent["events"]


def test_a_committee_without_measures_yet_gets_its_report(seed, settings, tmp_path):
    """A new company's committee, before its plan is entered: the report renders (an empty
    table), it does not fail for want of a worksheet."""
    from governance import services as gov

    settings.MEDIA_ROOT = tmp_path
    org = gov.organization_create(
        code="empty-co", name="空株式会社", kind="retail", actor=None, reason="test"
    )
    committee = gov.committee_create(
        organization=org,
        code="c",
        name="委員会",
        kind="other",
        scope=[org],
        actor=None,
        reason="test",
    )
    report = Report.objects.create(committee=committee, as_of=SEED_DATE)
    assert report_render(report_id=report.pk) == Report.State.DONE
