"""The second line's monitoring in the browser: it plans a monthly access-log check of the
託送業務システム, records a run with one exception, raises it, answers it with a new
countermeasure; the unit it is addressed to responds; the retailer sees none of it."""

import datetime as dt

from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from governance import services as gov
from governance.models import OrgUnit
from measures.models import Countermeasure
from monitoring.models import MonitoringException
from tests.live.conftest import PASSWORD, shot, sign_in
from tests.live.test_flows import _set_up_second_factor


def test_the_second_line_monitors_and_the_first_line_answers(page, live_seed):
    sign_in(page, "pg-second-line")
    _set_up_second_factor(page)
    page.get_by_role("navigation", name="メイン").get_by_role("link", name="モニタリング").click()
    page.get_by_role("link", name="新しいモニタリング").click()
    page.get_by_label("コード", exact=True).fill("MON-ACCESS-LOG")
    page.get_by_label("件名", exact=True).fill("託送業務システムのアクセスログ点検")
    page.get_by_label("点検の対象").select_option("access_logs")
    page.get_by_label("託送業務システム").check()
    page.get_by_label("対象の再発防止策").fill("PG-06")
    page.get_by_label("実施者").select_option(str(OrgUnit.objects.get(code="pg-quality-reform").pk))
    page.get_by_label("頻度").select_option("monthly")
    page.get_by_label("開始", exact=True).fill("2023年4月")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("モニタリングを計画しました。")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("MON-ACCESS-LOG")

    # The dashboard loads the second line's picture after the page.
    page.goto("/")
    expect(page.locator("section[aria-labelledby='monitoring-coverage']")).to_contain_text(
        "実施済み／予定"
    )
    page.go_back()
    page.get_by_role("link", name="実施を記録").click()
    page.get_by_label("期間").select_option(label="2023年4月")
    page.get_by_label("実施日").fill("2023年5月8日")
    page.get_by_label("範囲").fill("2023年4月分のアクセスログ（全利用者）")
    page.get_by_label("指摘あり").check()
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("実施を記録しました。")).to_be_visible()

    raise_form = page.locator("form[action$='/exceptions/']")
    raise_form.get_by_label("件名", exact=True).fill("異動者のアカウントが残存")
    raise_form.get_by_label("重要度").select_option("medium")
    raise_form.get_by_label("対応部署").select_option(
        str(OrgUnit.objects.get(code="pg-head-office-units").pk)
    )
    raise_form.get_by_label("期限", exact=True).fill("2023-06-30")
    raise_form.get_by_role("button", name="登録").click()
    expect(page.get_by_text("指摘 E-1 を登録しました。")).to_be_visible()

    new_measure = page.locator("form[action$='/new-measure/']")
    new_measure.get_by_label("コード", exact=True).fill("PG-90")
    new_measure.get_by_label("対策", exact=True).fill("異動時のアカウント削除手順の整備")
    new_measure.get_by_label("性質").select_option("one_off")
    new_measure.get_by_label("期限", exact=True).fill("2023年7月")
    new_measure.get_by_role("button", name="対策を追加").click()
    expect(page.get_by_text("新しい再発防止策を追加して紐付けました。")).to_be_visible()
    shot(page, "monitoring-exception")
    page.get_by_role("link", name="PG-90").click()
    panel = page.get_by_role("region", name="モニタリング")
    expect(panel).to_contain_text("E-1")
    measure = Countermeasure.objects.get(code="PG-90")
    assert measure.owner_unit.code == "pg-head-office-units"

    # The unit it is addressed to answers it (and never sees the second line's activity).
    page.context.clear_cookies()
    sign_in(page, "pg-promoter")
    page.goto("/monitoring/")
    page.get_by_role("link", name="E-1").click()
    page.get_by_role("textbox", name="対応", exact=True).fill("該当アカウントを削除しました")
    page.get_by_role("button", name="対応を記録").click()
    expect(page.get_by_text("対応を記録しました。")).to_be_visible()
    assert MonitoringException.objects.get().state == "answered"

    # The retailer's people see none of the grid company's monitoring.
    retailer = get_user_model().objects.create_user("mz-promoter", password=PASSWORD)
    gov.role_assign(
        user=retailer,
        role="promoter",
        org_unit=OrgUnit.objects.get(code="miraiz-system-group"),
        valid_from=dt.date(2023, 4, 1),
        actor=None,
    )
    page.context.clear_cookies()
    sign_in(page, "mz-promoter")
    page.goto("/monitoring/")
    expect(page.get_by_text("閲覧できるモニタリングはありません。")).to_be_visible()
    expect(page.get_by_text("閲覧できる指摘はありません。")).to_be_visible()
    response = page.goto(f"/monitoring/exceptions/{MonitoringException.objects.get().pk}/")
    assert response.status == 404
