"""Refused reads and writes leave a trace for the second line of the person's own company,
and tell the person nothing about whether the record exists."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from governance.models import AuditEvent, Organization
from measures.models import Countermeasure
from reminders.models import Notification
from reminders.sweep import reminders_sweep


def _denied(user):
    return AuditEvent.objects.filter(action=AuditEvent.Action.DENIED, actor=user)


def test_a_refused_read_and_write_are_logged_under_the_persons_company(client_for, people):
    pg06 = Countermeasure.objects.get(code="PG-06")
    client = client_for("miraiz_promoter")
    read = client.get(reverse("measure-detail", args=[pg06.pk]))
    write = client.post(reverse("measure-status", args=[pg06.pk]), {"status-status": "cancelled"})
    missing = client.get(reverse("measure-detail", args=[999_999]))
    assert (read.status_code, write.status_code, missing.status_code) == (404, 404, 404)
    # A record of another company and one that does not exist look the same.
    assert read.content == missing.content
    rows = list(_denied(people["miraiz_promoter"]).order_by("at"))
    assert [(r.object_id, r.details["status"], r.details["method"]) for r in rows] == [
        (str(pg06.pk), 404, "GET"),
        (str(pg06.pk), 404, "POST"),
        ("999999", 404, "GET"),
    ]
    miraiz = Organization.objects.get(code="chubu-miraiz")
    assert {r.organization_id for r in rows} == {miraiz.pk}
    assert {r.object_type for r in rows} == {"measures.Countermeasure"}


def test_a_write_one_may_only_read_is_logged_as_403(client_for, people):
    pg06 = Countermeasure.objects.get(code="PG-06")
    response = client_for("pg_promoter").post(reverse("measure-verify", args=[pg06.pk]))
    assert response.status_code == 403
    assert _denied(people["pg_promoter"]).get().details["status"] == 403


def test_past_the_threshold_the_persons_second_line_is_alerted(client_for, people, settings):
    settings.THREELINES_DENIED_ALERT_THRESHOLD = 3
    pg06 = Countermeasure.objects.get(code="PG-06")
    prober = client_for("miraiz_promoter")
    for _ in range(3):
        prober.get(reverse("measure-detail", args=[pg06.pk]))
    own_second_line = client_for("miraiz_second").get(reverse("home")).content.decode()
    assert "本日拒否されたアクセス" in own_second_line
    assert "miraiz_promoter" in own_second_line
    other_company = client_for("pg_second").get(reverse("home")).content.decode()
    assert "本日拒否されたアクセス" not in other_company
    # The next day's digest tells the retailer's second line, once.
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    reminders_sweep(day=tomorrow, send="now")
    alert = Notification.objects.get(kind="denied")
    assert alert.user == people["miraiz_second"]
    assert alert.title == "miraiz_promoter" and alert.n == 3
    reminders_sweep(day=tomorrow + dt.timedelta(days=1), send="now")
    assert Notification.objects.filter(kind="denied").count() == 1
