"""What a compliance officer does in the browser, end to end."""

import base64
import hashlib
import io
import re
from pathlib import Path

import openpyxl
from django_otp.oath import totp
from playwright.sync_api import expect

from incidents.models import RootCause
from measures import services
from measures.models import Countermeasure, StatusEvent
from tests.conftest import month
from tests.live.conftest import shot, sign_in


def test_promoter_records_an_overdue_measure_as_implemented(page, live_seed):
    measure = Countermeasure.objects.get(code="PG-06")
    services.countermeasure_update(
        measure=measure,
        owner_unit=live_seed["pg-promoter"].role_assignments.get().org_unit,
        due=month(2024, 3),
        actor=None,
        reason="担当組織と期限の設定",
    )
    sign_in(page, "pg-promoter")
    expect(page.get_by_role("heading", name=re.compile("ダッシュボード"))).to_be_visible()
    overdue = page.locator("section", has=page.get_by_role("heading", name=re.compile("^期限超過")))
    expect(overdue.get_by_role("link", name="PG-06")).to_be_visible()
    shot(page, "dashboard")
    overdue.get_by_role("link", name="PG-06").click()
    expect(page.locator("#phrase")).to_have_text("2023年7月より実施予定")
    page.get_by_label("状況", exact=True).select_option("implemented")
    page.get_by_label("実施日", exact=True).fill("2024年3月")
    page.get_by_label("備考", exact=True).fill("推進者向け教材で第1回教育を実施")
    page.get_by_role("button", name="記録", exact=True).click()
    expect(page.get_by_text("状況を記録しました。")).to_be_visible()
    expect(page.locator("#phrase")).to_have_text("2024年3月実施、以後継続予定")
    timeline = page.locator("ol.timeline")
    expect(timeline).to_contain_text("2024年3月")
    expect(timeline).to_contain_text("推進者向け教材で第1回教育を実施")
    expect(
        page.locator("section", has=page.get_by_role("heading", name="変更履歴"))
    ).to_contain_text("担当組織と期限の設定")
    shot(page, "measure-detail")
    assert StatusEvent.objects.filter(measure=measure, status="implemented").count() == 1


def test_invalid_input_is_explained_in_the_page(page, live_seed):
    measure = Countermeasure.objects.get(code="PG-14")
    services.countermeasure_update(
        measure=measure,
        owner_unit=live_seed["pg-promoter"].role_assignments.get().org_unit,
        actor=None,
        reason="担当組織の設定",
    )
    sign_in(page, "pg-promoter")
    page.goto(f"/measures/{measure.pk}/")
    page.get_by_label("状況", exact=True).select_option("implemented")
    page.get_by_label("実施日", exact=True).fill("2023年3月")
    page.get_by_role("button", name="記録", exact=True).click()
    expect(page.locator("#status-panel")).to_contain_text("より前の日付です")
    assert StatusEvent.objects.filter(measure=measure).count() == 1


def _set_up_second_factor(page) -> None:
    expect(page.get_by_role("heading", name="二要素認証の設定")).to_be_visible()
    secret = page.locator("code").inner_text().strip()
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.get_by_label("ワンタイムコード").fill(f"{totp(key):06d}")
    page.get_by_role("button", name="確認").click()


def test_second_line_verifies_effectiveness(page, live_seed):
    sign_in(page, "pg-second-line")
    _set_up_second_factor(page)
    expect(page.get_by_text("二要素認証を有効にしました。")).to_be_visible()
    measure = Countermeasure.objects.get(code="PG-01")
    services.countermeasure_update(
        measure=measure,
        effectiveness_criteria="全利用者がパスワードを変更していること",
        actor=None,
        reason="有効性の判定基準の設定",
    )
    page.goto(f"/measures/{measure.pk}/")
    verify = page.locator("form[action$='/verify/']")
    verify.get_by_label("判定").select_option("yes")
    verify.get_by_label("確認日").fill("2023年9月")
    verify.get_by_label("確認内容").fill("全利用者のパスワード変更を確認")
    verify.get_by_role("button", name="確認結果を記録").click()
    expect(page.get_by_text("有効性の確認結果を記録しました。")).to_be_visible()
    expect(page.locator("#phrase")).to_have_text("2023年1月実施（2023年9月有効性確認済）")
    shot(page, "verified")


def test_language_switch_is_remembered(page, live_seed):
    sign_in(page, "pg-promoter")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name=re.compile("Dashboard"))).to_be_visible()
    page.get_by_role("link", name="Countermeasures").click()
    expect(page.get_by_role("heading", name=re.compile("^Countermeasures"))).to_be_visible()
    shot(page, "list-english")
    page.get_by_role("button", name="日本語").click()
    expect(page.get_by_role("heading", name=re.compile("^再発防止策"))).to_be_visible()


def test_coverage_matrix_filter_and_export(page, live_seed):
    sign_in(page, "pg-second-line")
    _set_up_second_factor(page)
    page.goto("/root-causes/")
    first_row = page.locator("table.matrix tbody tr").first
    expect(first_row).to_contain_text("背景としての行為規制の徹底に関する意識不足")
    expect(first_row.locator("td.cell", has_text="●")).to_have_count(10)
    shot(page, "root-causes")

    cause = RootCause.objects.get(organization__code="chubu-pg", number=2)
    expected = [f"PG-{i:02d}" for i in range(11, 24)]
    # Each root cause opens its measures in the list.
    page.get_by_role("link", name=f"{cause.label} {cause.title}").click()
    expect(page.locator("#result-count")).to_have_text(str(len(expected)))
    assert f"root_cause={cause.pk}" in page.url

    page.goto("/measures/")
    page.get_by_label("真因").select_option(str(cause.pk))  # htmx reloads the results
    expect(page.locator("#result-count")).to_have_text(str(len(expected)))
    codes = page.locator("table.measures tbody tr td:first-child").all_inner_texts()
    assert codes == expected
    assert f"root_cause={cause.pk}" in page.url  # the filtered view can be bookmarked
    shot(page, "measure-list-filtered")

    with page.expect_download() as info:
        page.get_by_role("link", name="Excel（.xlsx）に出力").click()
    book = openpyxl.load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))
    exported = [row[0] for row in book.active.iter_rows(min_row=3, values_only=True)]
    assert exported == expected


def test_second_line_generates_a_report_and_downloads_it(page, worker, live_seed, settings):
    """The form, the status while a real worker renders, the hash, the PDF read back."""
    from pypdf import PdfReader

    settings.MEDIA_ROOT = worker.tmp_path / "media"  # where the worker stores the PDF
    sign_in(page, "pg-second-line")
    _set_up_second_factor(page)
    page.goto("/committees/")
    row = page.get_by_role("row").filter(has_text="中立性評価専門委員会")
    row.get_by_role("link", name="進捗報告").click()
    expect(page.get_by_text("報告はまだありません。")).to_be_visible()
    page.get_by_label("報告の基準日").fill("2023-05-12")
    page.get_by_role("button", name="作成", exact=True).click()
    expect(page.get_by_text("報告の作成を受け付けました。")).to_be_visible()
    # htmx polls the status until the worker is done; no reload by the person.
    expect(page.locator("#report-state")).to_have_text("完了", timeout=120_000)
    shown_hash = page.locator("#report-sha256").inner_text().strip()
    shot(page, "report-done")
    with page.expect_download() as download_info:
        page.locator("#report-pdf").click()
    pdf = Path(download_info.value.path()).read_bytes()
    assert hashlib.sha256(pdf).hexdigest() == shown_hash
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "中立性評価専門委員会" in text and "2023年5月12日時点" in text
