"""The reports pages: generate, follow the rendering, download (audited), who sees what."""

import datetime as dt
import hashlib

import pytest
from django.db.models import F
from django.test import Client
from django.urls import reverse

from governance.models import AuditEvent, Committee
from reports import render
from reports.models import Report
from reports.render import report_render, reports_requeue
from tests.conftest import read


@pytest.fixture
def neutrality(seed):
    return Committee.objects.get(code="neutrality")


def test_the_second_line_generates_a_report_and_downloads_it(
    client_for, neutrality, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    client = client_for("pg_second")
    page = client.get(reverse("committee-reports", args=[neutrality.pk]))
    assert "報告はまだありません" in page.content.decode()
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(
            reverse("report-create", args=[neutrality.pk]), {"as_of": "2023-05-12"}
        )
    report = Report.objects.get(committee=neutrality)
    assert response.status_code == 302
    assert response["Location"] == reverse("report-detail", args=[report.pk])
    assert len(queued) == 1  # the render is queued after commit
    waiting = client.get(reverse("report-detail", args=[report.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in waiting and report.get_state_display() in waiting

    assert report_render(report_id=report.pk) == Report.State.DONE
    report.refresh_from_db()
    fragment = client.get(reverse("report-detail", args=[report.pk]), HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert "hx-trigger" not in html  # polling stops
    assert report.sha256 in html and "<html" not in html

    download = client.get(reverse("report-download", args=[report.pk]))
    pdf = read(download)
    assert pdf.startswith(b"%PDF") and hashlib.sha256(pdf).hexdigest() == report.sha256
    assert f"neutrality-20230512-{report.pk}.pdf" in download["Content-Disposition"]
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.DOWNLOADED,
        object_type="reports.Report",
        object_id=str(report.pk),
        actor__username="pg_second",
    ).exists()
    tables = client.get(reverse("report-tables", args=[report.pk]))
    assert read(tables).startswith(b"PK")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"as_of": "2023-13-40"}, "日付を正しく入力してください"),
        ({"as_of": ""}, "このフィールドは必須です"),
        ({"as_of": "0200-01-01"}, "1900年から2999年"),
        ({"as_of": "2999-01-01"}, "今日以前の日付"),
        ({"as_of": "2023-05-12", "meeting": "999999"}, "正しく選択してください"),
    ],
)
def test_bad_input_is_refused_in_japanese_and_saves_nothing(client_for, neutrality, data, message):
    response = client_for("pg_second").post(reverse("report-create", args=[neutrality.pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Report.objects.exists()


def test_a_comparison_with_a_later_report_is_refused(client_for, finished_report):
    response = client_for("pg_second").post(
        reverse("report-create", args=[finished_report.committee_id]),
        {"as_of": "2023-01-31", "previous": finished_report.pk},
    )
    assert "この報告より後の日付" in response.content.decode()
    assert Report.objects.count() == 1


def test_another_committees_report_cannot_be_compared_with(client_for, finished_report):
    other = Committee.objects.get(code="compliance", organization__code="chubu-pg")
    response = client_for("pg_second").post(
        reverse("report-create", args=[other.pk]),
        {"as_of": "2023-05-12", "previous": finished_report.pk},
    )
    assert response.status_code == 200
    assert "正しく選択してください" in response.content.decode()
    assert Report.objects.count() == 1


def test_a_committee_member_sees_only_their_committees_reports(client_for, finished_report):
    # The auditors read reports but do not ask for them.
    auditor = client_for("pg_auditor")
    page = auditor.get(reverse("committee-reports", args=[finished_report.committee_id]))
    assert reverse("report-create", args=[finished_report.committee_id]) not in (
        page.content.decode()
    )
    member = client_for("committee_member")
    page = member.get(reverse("committee-reports", args=[finished_report.committee_id]))
    assert reverse("report-download", args=[finished_report.pk]) in page.content.decode()
    # Members may ask for a new one (the pages of the committee show the form).
    assert reverse("report-create", args=[finished_report.committee_id]) in page.content.decode()
    joint = Committee.objects.get(code="joint-review")
    assert member.get(reverse("committee-reports", args=[joint.pk])).status_code == 404


def test_a_report_not_finished_cannot_be_downloaded(client_for, neutrality, people):
    report = Report.objects.create(committee=neutrality, as_of=dt.date(2023, 5, 12))
    from governance.permissions import access_sync_objects

    access_sync_objects(Report, [report.pk])
    client = client_for("pg_second")
    assert client.get(reverse("report-detail", args=[report.pk])).status_code == 200
    assert client.get(reverse("report-download", args=[report.pk])).status_code == 404


@pytest.mark.parametrize(
    ("field", "url"), [("file", "report-download"), ("tables", "report-tables")]
)
def test_a_tampered_file_is_not_served_and_the_attempt_is_audited(
    client_for, finished_report, field, url
):
    with open(getattr(finished_report, field).path, "wb") as stored:
        stored.write(b"altered")
    response = client_for("pg_second").get(reverse(url, args=[finished_report.pk]))
    assert response.status_code == 409
    assert "SHA-256" in response.content.decode()
    event = AuditEvent.objects.get(action=AuditEvent.Action.INTEGRITY_FAILED)
    assert event.object_id == str(finished_report.pk) and event.actor.username == "pg_second"
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOADED).exists()


def test_why_a_report_failed_is_shown_to_those_who_can_act(client_for, neutrality, people):
    from governance.permissions import access_sync_objects

    report = Report.objects.create(
        committee=neutrality,
        as_of=dt.date(2023, 5, 12),
        state="failed",
        error="OSError: /srv/threelines/var/media is full",
    )
    access_sync_objects(Report, [report.pk])
    url = reverse("report-detail", args=[report.pk])
    assert "/srv/threelines" in client_for("pg_second").get(url).content.decode()
    plain = client_for("pg_auditor").get(url).content.decode()
    assert "/srv/threelines" not in plain and "作成できませんでした" in plain


def test_a_report_stuck_past_the_timeout_stops_polling(client_for, neutrality, people):
    from django.utils import timezone

    from governance.permissions import access_sync_objects

    report = Report.objects.create(committee=neutrality, as_of=dt.date(2023, 5, 12))
    access_sync_objects(Report, [report.pk])
    client = client_for("pg_second")
    url = reverse("report-detail", args=[report.pk])
    assert "hx-trigger" in client.get(url).content.decode()
    Report.objects.filter(pk=report.pk).update(
        state="rendering", started_at=timezone.now() - dt.timedelta(hours=1)
    )
    page = client.get(url).content.decode()
    assert "hx-trigger" not in page and "予想より時間がかかっています" in page


def test_a_finished_report_never_changes(finished_report):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.filter(pk=finished_report.pk).update(as_of=dt.date(2023, 6, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.filter(pk=finished_report.pk)._raw_delete(Report.objects.db)


def test_the_sweep_requeues_lost_and_stuck_reports(neutrality, settings, monkeypatch):
    from django.utils import timezone

    queued = []
    monkeypatch.setattr(render, "try_enqueue", lambda task, pk: queued.append(pk))
    now = timezone.now()
    lost = Report.objects.create(committee=neutrality, as_of=dt.date(2023, 5, 12))
    fresh = Report.objects.create(committee=neutrality, as_of=dt.date(2023, 5, 12))
    stuck = Report.objects.create(committee=neutrality, as_of=dt.date(2023, 5, 12))
    hopeless = Report.objects.create(committee=neutrality, as_of=dt.date(2023, 5, 12))
    Report.objects.filter(pk__in=[lost.pk, stuck.pk, hopeless.pk]).update(
        requested_at=now - dt.timedelta(hours=2)
    )
    Report.objects.filter(pk=stuck.pk).update(
        state="rendering", attempts=1, started_at=now - dt.timedelta(hours=1)
    )
    Report.objects.filter(pk=hopeless.pk).update(
        state="rendering",
        attempts=settings.THREELINES_REPORT_MAX_ATTEMPTS,
        started_at=now - dt.timedelta(hours=1),
    )
    assert reports_requeue(now=now) == {"requeued": 2, "reset": 1, "failed": 1}
    assert sorted(queued) == sorted([lost.pk, stuck.pk])
    assert fresh.pk not in queued  # its own message is still on its way
    hopeless.refresh_from_db()
    assert hopeless.state == "failed" and "did not finish" in hopeless.error
    stuck.refresh_from_db()
    assert stuck.state == "queued" and stuck.attempts == 1
    # Not again at the next sweep five minutes on: a busy queue gets no pile of duplicates.
    assert reports_requeue(now=now + dt.timedelta(minutes=5))["requeued"] == 0
    assert reports_requeue(now=now + dt.timedelta(minutes=11))["requeued"] == 3  # fresh too


def test_an_attempt_given_up_cannot_finish_the_report(neutrality, settings, tmp_path):
    """A slow render the sweep queued again may not overwrite the newer attempt's report."""
    settings.MEDIA_ROOT = tmp_path
    report = Report.objects.create(committee=neutrality, as_of=dt.date(2023, 5, 12))

    original = render.report_context

    def meanwhile(**kwargs):
        # While this attempt renders, the sweep gives up on it and a second one starts.
        Report.objects.filter(pk=report.pk).update(attempts=F("attempts") + 1)
        return original(**kwargs)

    render.report_context = meanwhile
    try:
        assert report_render(report_id=report.pk) == "skipped"
    finally:
        render.report_context = original
    report.refresh_from_db()
    assert report.state == "rendering" and not report.sha256
    assert not any(tmp_path.rglob("*.pdf"))  # no orphan file left behind


def test_a_report_on_several_companies_is_read_by_the_committees_roster_only(
    people, client_for, settings, tmp_path
):
    """The joint council oversees the grid company and the retailer: its report holds both
    companies' records, so neither company's second line reads it (the firewall), nor the
    holding company's that runs the council; its roster does."""
    from governance import services as gov
    from governance.models import OrgUnit
    from governance.permissions import access_sync_objects
    from tests.conftest import login_verified

    settings.MEDIA_ROOT = tmp_path
    joint = Committee.objects.get(code="joint-review")
    report = Report.objects.create(committee=joint, as_of=dt.date(2023, 5, 12))
    access_sync_objects(Report, [report.pk])
    holding_second = people["pg_second"].__class__.objects.create_user("holding_second")
    top = OrgUnit.objects.get(organization__code="chubu", parent__isnull=True)
    compliance = gov.org_unit_create(
        organization=top.organization,
        code="chubu-compliance",
        name="コンプライアンス推進室",
        unit_type="office",
        line="second",
        parent=top,
        actor=people["superuser"],
        reason="持株会社の第2ライン",
    )
    gov.role_assign(
        user=holding_second,
        role="second_line",
        org_unit=compliance,
        valid_from=dt.date(2023, 4, 1),
        actor=people["superuser"],
    )
    url = reverse("report-detail", args=[report.pk])
    for name in ("pg_second", "miraiz_second", "pg_chief", "committee_member"):
        assert client_for(name).get(url).status_code == 404, name
    holding = Client()
    login_verified(holding, holding_second)
    assert holding.get(url).status_code == 404
    assert (
        holding.post(reverse("report-create", args=[joint.pk]), {"as_of": "2023-05-12"})
    ).status_code == 404
    # Put on the roster (as the secretariat), the same person reads it, and may ask for one.
    gov.committee_member_add(
        committee=joint,
        display_name="事務局",
        user=holding_second,
        position="secretariat",
        valid_from=dt.date(2023, 4, 1),
        actor=people["superuser"],
    )
    assert holding.get(url).status_code == 200
    assert (
        holding.post(reverse("report-create", args=[joint.pk]), {"as_of": "2023-05-12"}).status_code
        == 302
    )
