"""The audit log: who did what, when, from where; readable in scope; never changed."""

import csv
import io

import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse

from governance.models import AuditEvent
from measures.models import Countermeasure
from tests.conftest import read


def test_detail_views_and_downloads_are_recorded(people, client_for, evidence):
    client = client_for("pg_promoter")
    measure = Countermeasure.objects.get(code="PG-06")
    client.get(reverse("api-measure", args=[measure.pk]), REMOTE_ADDR="10.1.2.3")
    download = client.get(reverse("evidence-download", args=[evidence.pk]))
    assert read(download) == "教材".encode()
    viewed = AuditEvent.objects.get(action=AuditEvent.Action.VIEWED)
    assert (viewed.actor, viewed.object_id, viewed.ip) == (
        people["pg_promoter"],
        str(measure.pk),
        "10.1.2.3",
    )
    assert viewed.organization.code == "chubu-pg"
    downloaded = AuditEvent.objects.get(action=AuditEvent.Action.DOWNLOADED)
    assert downloaded.object_type == "measures.Evidence"


def test_a_tampered_evidence_file_is_not_served_and_the_attempt_is_audited(
    people, client_for, evidence
):
    with open(evidence.file.path, "wb") as stored:
        stored.write("改ざん".encode())
    response = client_for("pg_promoter").get(reverse("evidence-download", args=[evidence.pk]))
    assert response.status_code == 409
    assert "SHA-256" in response.content.decode()
    event = AuditEvent.objects.get(action=AuditEvent.Action.INTEGRITY_FAILED)
    assert (event.object_type, event.object_id) == ("measures.Evidence", str(evidence.pk))
    assert event.actor == people["pg_promoter"]
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOADED).exists()


def test_a_missing_stored_file_answers_404_and_is_audited(people, client_for, evidence):
    """Issue 21, finding 9: the operations doc said so, the code only logged it."""
    import os

    os.remove(evidence.file.path)
    response = client_for("pg_promoter").get(reverse("evidence-download", args=[evidence.pk]))
    assert response.status_code == 404
    event = AuditEvent.objects.get(action=AuditEvent.Action.INTEGRITY_FAILED)
    assert event.details["missing"] is True
    assert (event.object_type, event.object_id) == ("measures.Evidence", str(evidence.pk))


def test_a_refused_view_is_not_recorded_as_seen(people, client_for):
    client = client_for("miraiz_promoter")
    client.get(reverse("api-measure", args=[Countermeasure.objects.get(code="PG-06").pk]))
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.VIEWED).exists()


def test_role_changes_are_recorded(people):
    assigned = AuditEvent.objects.filter(action=AuditEvent.Action.ROLE_ASSIGNED)
    assert assigned.filter(details__user="pg_promoter", organization__code="chubu-pg").exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PERMISSION_GRANTED).exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.GROUP_JOINED).exists()


def test_the_log_cannot_be_changed_or_deleted(people):
    event = AuditEvent.objects.first()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(actor_name="someone else")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    event.refresh_from_db()
    assert event.actor_name != "someone else"


def test_second_line_reads_its_own_companys_log_only(people, client_for):
    client_for("miraiz_promoter").get(reverse("account"))  # some Miraiz activity
    page = client_for("pg_second").get(reverse("audit-list"))
    assert page.status_code == 200
    names = {e.organization.code for e in page.context["page"] if e.organization}
    assert names == {"chubu-pg"}
    miraiz_page = client_for("miraiz_second").get(reverse("audit-list"))
    assert {e.organization.code for e in miraiz_page.context["page"] if e.organization} == {
        "chubu-miraiz"
    }


def test_filter_and_export_to_csv(people, client_for):
    client = client_for("pg_auditor")
    query = {"action": "role_assigned", "who": "superuser"}
    page = client.get(reverse("audit-list"), query)
    rows = list(page.context["page"])
    assert rows and all(e.action == "role_assigned" for e in rows)
    export = client.get(reverse("audit-export"), query)
    assert export["Content-Type"].startswith("text/csv")
    text = export.content.decode("utf-8")
    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert table[0][:3] == ["日時", "操作", "実行者"]
    assert len(table) - 1 == len(rows)
    assert {row[1] for row in table[1:]} == {"任命"}
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.EXPORTED, actor=people["pg_auditor"]
    ).exists()


def test_bad_filter_input_is_explained(client_for):
    page = client_for("pg_auditor").get(
        reverse("audit-list"), {"since": "2024-05-01", "until": "2024-04-01"}
    )
    assert page.status_code == 200
    assert "終了日が開始日より前です。" in page.content.decode()
    nonsense = client_for("pg_auditor").get(reverse("audit-export"), {"since": "昨日"})
    assert nonsense.status_code == 400


def test_a_failed_second_factor_is_logged_under_the_persons_company(people, client_for):
    """The company's auditors see their own second line's failed codes."""
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=people["pg_second"], name="phone", confirmed=True)
    client = Client()
    client.post(reverse("login"), {"username": "pg_second", "password": "a-long-test-password"})
    assert client.post(reverse("otp-verify"), {"token": "000000"}).status_code == 200
    event = AuditEvent.objects.get(action=AuditEvent.Action.OTP_FAILED)
    assert event.organization.code == "chubu-pg"
    page = client_for("pg_auditor").get(reverse("audit-list"), {"action": "otp_failed"})
    assert [e.pk for e in page.context["page"]] == [event.pk]
