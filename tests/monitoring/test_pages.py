"""The monitoring pages as their users meet them: the second line plans a check and records
its runs, the unit an exception is addressed to answers it, the second line closes it; a
measure's page shows what checks it; another company sees none of it."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from governance.models import OrgUnit
from incidents.models import AffectedSystem
from measures.models import Countermeasure
from monitoring.models import MonitoringActivity, MonitoringException, MonitoringRun
from tests import factories
from tests.conftest import read as read_bytes


def read(response) -> str:
    return read_bytes(response).decode()


def test_the_second_line_plans_runs_and_raises(client_for, pg, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_for("pg_second")
    takuso = AffectedSystem.objects.get(organization=pg, code="takuso")
    unit = OrgUnit.objects.get(code="pg-quality-reform")
    refused = client.post(
        reverse("monitoring-create"),
        {"code": "MON-1", "title": "点検", "subject": "access_logs", "measures": "PG-06 XX-9"},
    )
    page = read(refused)
    assert "XX-9" in page and "何も保存されていません" in page
    assert not MonitoringActivity.objects.filter(code="MON-1").exists()
    created = client.post(
        reverse("monitoring-create"),
        {
            "code": "MON-1",
            "title": "託送業務システムのアクセスログ点検",
            "subject": "access_logs",
            "systems": [takuso.pk],
            "measures": "PG-06",
            "unit": unit.pk,
            "frequency": "monthly",
            "starts": "2023年4月",
            "sample": "全件",
        },
    )
    activity = MonitoringActivity.objects.get(code="MON-1")
    assert created.url == reverse("monitoring-detail", args=[activity.pk])
    detail = read(client.get(created.url))
    assert "託送業務システム" in detail and "毎月" in detail
    form = read(client.get(reverse("monitoring-run-create", args=[activity.pk])))
    assert "2023年4月" in form
    recorded = client.post(
        reverse("monitoring-run-create", args=[activity.pk]),
        {
            "period_start": "2023-04-01",
            "performed_on": "2023年5月8日",
            "scope": "2023年4月分のログ",
            "result": "exceptions",
            "file": SimpleUploadedFile("log.csv", b"user,at\n", content_type="text/csv"),
        },
    )
    run = MonitoringRun.objects.get(activity=activity)
    assert recorded.url == reverse("monitoring-run", args=[run.pk])
    assert read(client.get(reverse("monitoring-run-file", args=[run.pk]))) == "user,at\n"
    # The same period again: refused next to the field, nothing recorded.
    again = client.post(
        reverse("monitoring-run-create", args=[activity.pk]),
        {
            "period_start": "2023-04-01",
            "performed_on": "2023-05-09",
            "scope": "再",
            "result": "no_exception",
        },
    )
    assert again.status_code == 200 and activity.runs.count() == 1
    raised = client.post(
        reverse("monitoring-exception-raise", args=[run.pk]),
        {
            "title": "異動者のアカウントが残存",
            "severity": "medium",
            "owner_unit": OrgUnit.objects.get(code="pg-head-office-units").pk,
            "due_on": "2023-06-30",
        },
    )
    exception = MonitoringException.objects.get()
    assert raised.url == reverse("monitoring-exception", args=[exception.pk])
    listing = read(client.get(reverse("monitoring-list")))
    assert "MON-1" in listing and "E-1" in listing and "1/" in listing


def test_the_unit_answers_and_the_second_line_closes(client_for, people):
    activity = factories.access_log_check(actor=people["pg_second"])
    exception = factories.monitoring_exception(activity=activity, actor=people["pg_second"])
    promoter = client_for("pg_promoter")
    page = read(promoter.get(reverse("monitoring-exception", args=[exception.pk])))
    assert "異動者のアカウントが残存" in page and "対応を記録" in page
    assert "対策を追加" not in page  # the plan is the second line's
    # The promoter reads the exception, not the second line's activity.
    assert promoter.get(reverse("monitoring-detail", args=[activity.pk])).status_code == 404
    promoter.post(
        reverse("monitoring-exception-respond", args=[exception.pk]),
        {"response": "アカウントを削除しました", "measures": "PG-06"},
    )
    exception.refresh_from_db()
    assert exception.state == "answered"
    second = client_for("pg_second")
    new = second.post(
        reverse("monitoring-exception-new-measure", args=[exception.pk]),
        {
            "code": "PG-90",
            "title": "異動時のアカウント削除手順",
            "nature": "one_off",
            "due": "2023年7月",
        },
    )
    assert new.status_code == 302
    assert set(exception.measures.values_list("code", flat=True)) == {"PG-06", "PG-90"}
    second.post(
        reverse("monitoring-exception-close", args=[exception.pk]),
        {"closed_on": "2023-07-10", "note": "削除を確認"},
    )
    exception.refresh_from_db()
    assert (exception.state, exception.closed_on) == ("closed", dt.date(2023, 7, 10))
    measure_page = read(
        promoter.get(reverse("measure-detail", args=[Countermeasure.objects.get(code="PG-06").pk]))
    )
    # The promoter sees what checks the measure and the exception it answers.
    assert activity.title in measure_page and "E-1" in measure_page


def test_another_company_sees_none_of_it(client_for, people):
    activity = factories.access_log_check(actor=people["pg_second"])
    exception = factories.monitoring_exception(activity=activity, actor=people["pg_second"])
    for name in ("miraiz_second", "miraiz_promoter"):
        client = client_for(name)
        listing = read(client.get(reverse("monitoring-list")))
        assert activity.code not in listing and exception.title not in listing
        assert client.get(reverse("monitoring-detail", args=[activity.pk])).status_code == 404
        assert client.get(reverse("monitoring-run", args=[exception.run_id])).status_code == 404
        assert client.get(reverse("monitoring-exception", args=[exception.pk])).status_code == 404


def test_the_dashboard_loads_the_lines_after_the_page(client_for, people):
    """The dashboard asks for the second and third lines' panels once it is shown (its own
    request); without script the link opens them as a page."""
    home = read(client_for("pg_second").get(reverse("home") + "?as_of=2023-07-15"))
    assert 'hx-get="/lines/?as_of=2023-07-15"' in home and 'href="/lines/?as_of=2023-07-15"' in home
    page = read(client_for("pg_second").get(reverse("lines-panel") + "?as_of=2023-07-15"))
    assert "<html" in page and 'id="monitoring-coverage"' in page


def test_the_dashboard_counts_what_the_pages_show(client_for, people):
    activity = factories.access_log_check(actor=people["pg_second"])
    factories.monitoring_exception(activity=activity, actor=people["pg_second"])
    home = read(
        client_for("pg_second").get(
            reverse("lines-panel") + "?as_of=2023-07-15", HTTP_HX_REQUEST="true"
        )
    )
    assert 'id="monitoring-coverage"' in home
    # April's run was done; May and June were not (July is running): 1 of 3.
    assert "1/3" in home
    # PG-06 and, by the seed's access-log check it set up, PG-13 are covered; both systems.
    total = Countermeasure.objects.filter(organization__code="chubu-pg", archived_at=None).count()
    assert f"2/{total}" in home and "2/2" in home
    # One exception open, found 68 days before: in the 31–90 band, and overdue.
    assert "31–90: 1" in home
