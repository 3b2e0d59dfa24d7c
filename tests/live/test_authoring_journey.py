"""A second utility writes its plan in the browser and runs it: the second line writes the
plan on an empty company, the 推進者 records progress and proposes a re-plan, the second
line approves it, another officer verifies with evidence, self-verification is refused, and
the committee report shows the new plan."""

import datetime as dt
import io
import re
from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from governance import services as gov
from governance.models import Committee
from measures.models import ChangeRequest, Countermeasure, StatusEvent
from tests import factories
from tests.live.conftest import PASSWORD, shot, sign_in
from tests.live.test_flows import _set_up_second_factor

ROLES_FROM = dt.date(2026, 4, 1)


def _empty_company():
    """A company with its units, people, an order from the regulator and a committee, and
    no plan at all."""
    org = gov.organization_create(
        code="hokuriku-td", name="北陸送配電株式会社", kind="transmission", actor=None, reason="t"
    )
    top = gov.org_unit_create(
        organization=org, code="htd", name="北陸送配電", unit_type="company", line="first",
        actor=None, reason="t",
    )  # fmt: skip
    compliance = gov.org_unit_create(
        organization=org, parent=top, code="htd-compliance", name="コンプライアンス推進部",
        unit_type="department", line="second", actor=None, reason="t",
    )  # fmt: skip
    ops = gov.org_unit_create(
        organization=org, parent=top, code="htd-ops", name="系統運用部", unit_type="department",
        line="first", actor=None, reason="t",
    )  # fmt: skip
    for username, unit, role in (
        ("htd-second-1", compliance, "second_line"),
        ("htd-second-2", compliance, "second_line"),
        ("htd-promoter", ops, "promoter"),
    ):
        person = get_user_model().objects.create_user(username, password=PASSWORD)
        gov.role_assign(user=person, role=role, org_unit=unit, valid_from=ROLES_FROM, actor=None)
    factories.regulatory_action(
        organization=org, items=["情報遮断の徹底", "監視体制の構築"], reference="2026第7号"
    )
    gov.committee_create(
        organization=org, code="htd-neutrality", name="北陸中立性評価委員会",
        kind="neutrality", scope=[org], actor=None, reason="t",
    )  # fmt: skip
    return org, ops


def _sign_out(page):
    page.get_by_role("button", name="サインアウト").click()
    expect(page.get_by_role("button", name="サインイン")).to_be_visible()


def _fill_measure(page, *, code, title, nature, ops, due=None, start=None, every=None):
    page.get_by_label("コード", exact=True).fill(code)
    page.get_by_label("対策", exact=True).fill(title)
    page.get_by_label("担当組織", exact=True).select_option(str(ops.pk))
    page.get_by_label("性質", exact=True).select_option(nature)
    if every:
        page.get_by_label("実施間隔（月）", exact=True).fill(str(every))
    if start:
        page.get_by_label("開始予定", exact=True).fill(start)
    if due:
        page.get_by_label("期限", exact=True).fill(due)
    page.get_by_label("有効性の判定基準", exact=True).fill("不正閲覧が0件であること")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text(f"対策 {code} を登録しました。")).to_be_visible()


def test_a_new_utility_writes_and_runs_its_plan(page, worker, transactional_db, settings):
    from pypdf import PdfReader

    settings.MEDIA_ROOT = worker.tmp_path / "media"
    org, ops = _empty_company()

    # -- the second line writes the plan ----------------------------------------------------
    sign_in(page, "htd-second-1")
    _set_up_second_factor(page)
    page.goto("/perspectives/")
    page.get_by_label("コード").fill("control")
    page.get_by_label("名称").fill("統制活動")
    page.get_by_role("button", name="追加", exact=True).click()
    expect(page.get_by_text("観点を追加しました。")).to_be_visible()
    page.goto("/root-causes/new/")
    page.get_by_label("件名").fill("情報遮断の仕組みの欠如")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("真因を追加しました。")).to_be_visible()
    for i in range(1, 6):
        page.goto("/measures/")
        page.get_by_role("link", name="対策の新規登録").click()
        page.get_by_label("観点").select_option(label="統制活動")
        page.get_by_label("情報遮断の仕組みの欠如").check()
        if i == 1:
            page.get_by_label("2026第7号 (1)").check()
        _fill_measure(page, code=f"A-{i}", title=f"情報遮断の強化 {i}", nature="one_off", ops=ops,
                      due="2027年度")  # fmt: skip
        for n, sub in ((1, {"nature": "one_off", "due": "2027年度"}),
                       (2, {"nature": "recurring", "every": 12, "start": "2027年度"})):  # fmt: skip
            page.get_by_role("link", name="小項目を追加").click()
            _fill_measure(page, code=f"A-{i}-({n})", title=f"小項目 {i}-{n}", ops=ops, **sub)
            page.goto(f"/measures/{Countermeasure.objects.get(code=f'A-{i}').pk}/")
    assert Countermeasure.objects.filter(organization=org).count() == 15
    expect(page.locator("#phrase")).to_have_text("①2027年度実施予定 ②2027年度より毎年実施予定")
    shot(page, "authoring-parent")
    _sign_out(page)

    # -- the 推進者 records progress and proposes a re-plan ---------------------------------
    sign_in(page, "htd-promoter")
    tasks = page.locator(
        "section", has=page.get_by_role("heading", name=re.compile("自分のタスク"))
    )
    expect(tasks).to_contain_text("A-1-(1)")
    page.goto(f"/measures/{Countermeasure.objects.get(code='A-1-(1)').pk}/")
    expect(page.get_by_label("状況", exact=True).locator("option[value=cancelled]")).to_have_count(
        0
    )
    page.get_by_label("状況", exact=True).select_option("implemented")
    page.get_by_label("実施日", exact=True).fill("2026年11月")
    page.get_by_role("button", name="記録", exact=True).click()
    expect(page.locator("#phrase")).to_have_text("2026年11月実施")
    page.goto(f"/measures/{Countermeasure.objects.get(code='A-2-(1)').pk}/")
    change = page.locator("form[action$='/change-requests/']")
    change.get_by_label("変更内容").select_option("replan")
    change.get_by_label("新しい期限").fill("2028年度上期")
    change.get_by_label("理由").fill("機器調達の遅れ")
    change.get_by_role("button", name="申請する").click()
    expect(page.get_by_text("変更申請を第2線に送りました。")).to_be_visible()
    _sign_out(page)

    # -- another officer approves, attaches evidence, verifies; self-verification refused ---
    sign_in(page, "htd-second-2")
    _set_up_second_factor(page)
    page.goto("/")
    pending = page.locator("section", has=page.get_by_role("heading", name=re.compile("決定待ち")))
    expect(pending).to_contain_text("機器調達の遅れ")
    pending.get_by_role("link", name="A-2-(1)").click()
    decide = page.locator("form[action$='/decide/']")
    decide.get_by_label("決定").select_option("yes")
    decide.get_by_role("button", name="決定を記録").click()
    expect(page.get_by_text("変更申請を承認しました。")).to_be_visible()
    expect(page.locator("#phrase")).to_have_text("2028年度上期実施予定")
    assert ChangeRequest.objects.get().state == "approved"

    page.goto(f"/measures/{Countermeasure.objects.get(code='A-1-(1)').pk}/")
    evidence = page.locator("form[action$='/evidence/']")
    evidence.get_by_label("件名").fill("遮断設定の確認記録")
    evidence.get_by_label("ファイル").set_input_files(
        files=[{"name": "確認記録.txt", "mimeType": "text/plain", "buffer": "確認済".encode()}]
    )
    evidence.get_by_role("button", name="登録").click()
    expect(page.get_by_text("エビデンスを登録しました。")).to_be_visible()
    verify = page.locator("form[action$='/verify/']")
    verify.get_by_label("判定").select_option("yes")
    verify.get_by_label("確認日").fill("2026年12月")
    verify.get_by_label("確認内容").fill("遮断設定と閲覧ログを確認")
    verify.get_by_role("button", name="確認結果を記録").click()
    expect(page.locator("#phrase")).to_have_text("2026年11月実施（2026年12月有効性確認済）")

    a3 = Countermeasure.objects.get(code="A-3-(1)")
    page.goto(f"/measures/{a3.pk}/")
    page.get_by_label("状況", exact=True).select_option("implemented")
    page.get_by_label("実施日", exact=True).fill("2026年11月")
    page.get_by_role("button", name="記録", exact=True).click()
    expect(page.locator("#phrase")).to_have_text("2026年11月実施")
    verify = page.locator("form[action$='/verify/']")
    verify.get_by_label("判定").select_option("yes")
    verify.get_by_label("確認日").fill("2026年12月")
    verify.get_by_label("確認内容").fill("自己確認")
    verify.get_by_role("button", name="確認結果を記録").click()
    expect(page.get_by_text("この対策の実施を記録したのはご自身です")).to_be_visible()
    assert not StatusEvent.objects.filter(measure=a3, status="verified").exists()
    shot(page, "self-verification-refused")

    # -- the committee report shows the new plan ---------------------------------------------
    committee = Committee.objects.get(code="htd-neutrality")
    page.goto(f"/committees/{committee.pk}/reports/")
    page.get_by_label("報告の基準日").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="作成", exact=True).click()
    expect(page.locator("#report-state")).to_have_text("完了", timeout=120_000)
    with page.expect_download() as download_info:
        page.locator("#report-pdf").click()
    pdf = Path(download_info.value.path()).read_bytes()
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    assert "北陸送配電株式会社" in text
    assert "②2027年度より毎年実施予定" in text
    assert "（一部実施（1/2））" in text  # ① done and verified, ② planned
    assert "2028年度上期実施予定" in text  # the approved re-plan
    assert "1情報遮断の徹底A-1" in text and "2監視体制の構築対策なし" in text
