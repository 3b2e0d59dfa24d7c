"""Internal audit in the browser: the auditor plans an engagement in the year's plan and
reports a 要改善 finding to a first-line department, whose 遵守責任者 answers it with an
agreed action; the auditor follows it up and closes it; the retailer sees none of it, nor
the grid company's registry."""

import datetime as dt

from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from governance import services as gov
from governance.models import OrgUnit
from internalaudit.models import Finding
from registry.models import SystemRegistration
from tests.live.conftest import PASSWORD, shot, sign_in


def _person(username: str, unit: str, role: str):
    person = get_user_model().objects.create_user(username, password=PASSWORD)
    gov.role_assign(
        user=person,
        role=role,
        org_unit=OrgUnit.objects.get(code=unit),
        valid_from=dt.date(2023, 4, 1),
        actor=None,
    )
    return person


def test_a_finding_from_report_to_closure(page, live_seed):
    _person("pg-auditor", "pg-internal-audit", "internal_auditor")
    _person("pg-manager", "pg-head-office", "manager")
    _person("mz-promoter", "miraiz-system-group", "promoter")
    head_office = OrgUnit.objects.get(code="pg-head-office")

    sign_in(page, "pg-auditor")
    page.get_by_role("navigation", name="メイン").get_by_role("link", name="内部監査").click()
    page.get_by_role("link", name="新しい監査計画").click()
    page.get_by_label("年度", exact=True).fill("2023")
    page.get_by_label("件名").fill("2023年度内部監査計画")
    page.get_by_label("承認", exact=True).fill("2023年3月")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("監査計画を策定しました。")).to_be_visible()

    page.get_by_role("link", name="個別監査を追加").click()
    page.get_by_label("コード", exact=True).fill("IA-2023-01")
    page.get_by_label("件名").fill("託送業務システムのシステム監査")
    page.get_by_label("監査項目").fill("アクセス権限の付与と見直し")
    page.get_by_label("託送業務システム").check()
    page.get_by_label("外部専門家").fill("外部専門家（委託先）")
    page.get_by_label("往査の開始").fill("2023-06-01")
    page.get_by_label("往査の終了").fill("2023-06-20")
    page.get_by_label("状況").select_option("fieldwork")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("個別監査を計画しました。")).to_be_visible()

    report = page.locator("form[action$='/findings/']")
    report.get_by_label("件名").fill("異動者のアカウントが残存")
    report.get_by_label("評価").select_option("improvement")
    report.get_by_label("あるべき姿（基準）").fill("異動時にアクセス権限を見直すこと")
    report.get_by_label("現状（事実）").fill("異動者3名のアカウントが有効なまま")
    report.get_by_label("監査人の勧告").fill("異動時の権限見直し手順を定めること")
    report.get_by_label("宛先部署").select_option(str(head_office.pk))
    report.get_by_label("報告日").fill("2023-06-21")
    report.get_by_label("回答期限").fill("2023-07-21")
    report.get_by_role("button", name="指摘を報告する").click()
    expect(page.get_by_text("指摘 F-1 を報告しました。")).to_be_visible()

    # The department's 遵守責任者 answers; the finding itself is not theirs to edit.
    page.context.clear_cookies()
    sign_in(page, "pg-manager")
    page.goto("/internal-audit/")
    page.get_by_role("link", name="F-1").click()
    expect(page.get_by_role("link", name="編集")).to_have_count(0)
    answer = page.locator("form[action$='/respond/']")
    answer.get_by_label("経営者の回答").fill("指摘のとおり。手順を定めます")
    answer.get_by_label("合意した改善措置").fill("異動時の権限見直し手順の制定")
    answer.get_by_label("改善措置の期限").fill("2023-08-31")
    answer.get_by_label("改善措置を実施する再発防止策").fill("PG-06")
    answer.get_by_role("button", name="対応を記録").click()
    expect(page.get_by_text("経営者の回答を記録しました。")).to_be_visible()

    # Later the auditor sees it carried out and closes it.
    page.context.clear_cookies()
    sign_in(page, "pg-auditor")
    page.goto(f"/internal-audit/findings/{Finding.objects.get().pk}/")
    follow = page.locator("form[action$='/follow-up/']")
    follow.get_by_label("確認日").fill("2023-09-05")
    follow.get_by_label("結果").fill("手順の制定と運用を確認")
    follow.get_by_role("button", name="フォローアップを記録").click()
    expect(page.get_by_text("フォローアップを記録しました。")).to_be_visible()
    close = page.locator("form[action$='/close/']")
    close.get_by_label("完了日").fill("2023-09-05")
    close.get_by_label("完了の確認内容").fill("運用を確認")
    close.get_by_role("button", name="指摘を完了する").click()
    expect(page.get_by_text("指摘を完了しました。")).to_be_visible()
    shot(page, "audit-finding-closed")
    finding = Finding.objects.get()
    assert (finding.state, finding.closed_on) == ("closed", dt.date(2023, 9, 5))

    # The retailer sees none of the grid company's audit, nor its registry.
    page.context.clear_cookies()
    sign_in(page, "mz-promoter")
    page.goto("/internal-audit/")
    expect(page.get_by_text("閲覧できる指摘はありません。")).to_be_visible()
    assert page.goto(f"/internal-audit/findings/{finding.pk}/").status == 404
    page.goto("/registry/")
    expect(page.get_by_text("閲覧できるシステムはありません。")).to_be_visible()
    takuso = SystemRegistration.objects.get(system__code="takuso")
    assert page.goto(f"/registry/systems/{takuso.pk}/").status == 404
