"""A utility brings its plan in as a workbook, in the browser, with a real worker: the
second line uploads it, sees the problems by sheet, row and column with nothing written,
corrects the file, sees what the import would do, imports it and opens a measure it made."""

from playwright.sync_api import expect

from measures.models import Countermeasure
from plans.models import PlanImportRun
from plans.workbook.exporting import write_xlsx
from tests.live.conftest import shot, sign_in
from tests.live.test_authoring_journey import _empty_company
from tests.live.test_flows import _set_up_second_factor

ORG = "hokuriku-td"


def _plan(*, due: str) -> dict:
    measure = {"organization": ORG, "perspective": "control", "root_causes": [1]}
    return {
        "perspectives": [
            {"organization": ORG, "code": "control", "name": "統制活動", "position": 1}
        ],
        "root_causes": [{"organization": ORG, "number": 1, "title": "情報遮断の仕組みの欠如"}],
        "measures": [
            {
                **measure,
                "code": "B-1",
                "title": "託送システムの画面マスキング",
                "nature": "one_off",
                "owner_unit": "htd-ops",
                "due": due,
                "required_items": ["2026第7号:1"],
            },
            {
                **measure,
                "code": "B-2",
                "title": "行為規制研修",
                "nature": "recurring",
                "recurrence_months": 12,
                "planned_start": "2026年度",
            },
            {
                "organization": ORG,
                "code": "B-2-(1)",
                "parent": "B-2",
                "title": "新任者研修",
                "nature": "recurring",
                "recurrence_months": 12,
                "root_causes": [1],
            },
        ],
        "status_events": [
            {
                "organization": ORG,
                "measure": "B-1",
                "status": "in_progress",
                "effective_on": "2026年5月",
            },
        ],
    }


def _upload(page, path) -> None:
    page.goto("/plan/import/")
    page.get_by_label("計画のファイル").set_input_files(str(path))
    page.get_by_role("button", name="ファイルを確認する").click()


def test_a_plan_comes_in_as_a_workbook(page, worker, transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = worker.tmp_path / "media"
    _empty_company()
    sign_in(page, "htd-second-1")
    _set_up_second_factor(page)

    # A month that does not exist: reported where it is, nothing written.
    bad = tmp_path / "plan.xlsx"
    bad.write_bytes(write_xlsx(_plan(due="2027年13月"), notes=False))
    _upload(page, bad)
    expect(
        page.get_by_role("heading", name="1 件の問題があります。何も取り込んでいません")
    ).to_be_visible(timeout=60_000)
    row = page.locator("table.problems tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("対策")
    expect(row).to_contain_text("期限")
    expect(row).to_contain_text("「2027年13月」は日付として読めません")
    assert not Countermeasure.objects.filter(organization__code=ORG).exists()
    shot(page, "import-problems")

    # Corrected: the check says what would come in, still nothing written.
    good = tmp_path / "plan.xlsx"
    good.write_bytes(write_xlsx(_plan(due="2027年度"), notes=False))
    _upload(page, good)
    expect(page.get_by_text("plan.xlsx: 確認しました（まだ何も書き込んでいません）")).to_be_visible(
        timeout=60_000
    )
    expect(page.locator("tr", has_text="対策")).to_contain_text("3")
    assert not Countermeasure.objects.filter(organization__code=ORG).exists()
    shot(page, "import-checked")

    page.get_by_role("button", name="取り込む").click()
    expect(page.get_by_text("plan.xlsx: 取り込みました")).to_be_visible(timeout=60_000)
    assert PlanImportRun.objects.filter(dry_run=False, state="done").count() == 1
    measure = Countermeasure.objects.get(organization__code=ORG, code="B-1")
    assert measure.history.first().history_change_reason == "取込: plan.xlsx"
    assert [i.text for i in (c.required_item for c in measure.required_item_coverage.all())] == [
        "情報遮断の徹底"
    ]
    shot(page, "import-done")

    # The measure it made, from the list of what changed.
    page.get_by_role("link", name="B-1", exact=True).click()
    expect(page.locator("#phrase")).to_have_text("2026年5月より実施中")
    page.goto(f"/measures/{Countermeasure.objects.get(code='B-2').pk}/")
    expect(page.get_by_text("新任者研修")).to_be_visible()
