"""Celery tasks through a real worker process and the real Redis on 127.0.0.1:6379."""

import datetime as dt
import time

import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from core.dates import PrecisionDate
from governance import services as gov
from governance.models import OrgUnit
from governance.tasks import sync_access
from tests.live.workers import BROKER, use_broker, wait_for


def test_the_daily_access_sync_runs_in_a_worker(worker, live_seed):
    user = get_user_model().objects.create_user("leaver", password=None)
    today = timezone.localdate()
    gov.role_assign(
        user=user,
        role="promoter",
        org_unit=OrgUnit.objects.get(code="pg-head-office-units"),
        valid_from=dt.date(2023, 4, 1),
        valid_to=today,
        actor=None,
    )
    assert user.groups.exists()
    sync_access.delay((today + dt.timedelta(days=1)).isoformat())
    wait_for(lambda: not user.groups.exists(), worker)
    assert "governance.sync_access" in worker.log
    assert settings.CELERY_TASK_ACKS_LATE


def _plan_pg06(people_seed) -> None:
    from measures import services as ms
    from measures.models import Countermeasure
    from tests.conftest import month

    ms.countermeasure_update(
        measure=Countermeasure.objects.get(code="PG-06"),
        owner_unit=OrgUnit.objects.get(code="pg-head-office-units"),
        due=month(2023, 9),
        actor=None,
        reason="担当組織と期限の設定",
    )


def _all_sent(day: dt.date) -> bool:
    from reminders.models import Digest

    digests = Digest.objects.filter(day=day)
    return digests.exists() and not digests.exclude(state="sent").exists()


def test_the_reminder_sweep_runs_through_the_broker(worker, live_seed):
    from reminders.models import Digest
    from reminders.tasks import sweep

    _plan_pg06(live_seed)
    day = dt.date(2023, 9, 1)
    sweep.delay(day.isoformat())
    wait_for(lambda: _all_sent(day), worker)
    digests = Digest.objects.filter(day=day)
    mails = worker.mails()
    assert len(mails) == digests.count() == 1  # the only person with something due
    promoter_mail = next(m for m in mails if "To: pg-promoter@example.invalid" in m)
    assert "PG-06" in promoter_mail


def test_two_sweeps_racing_send_one_mail_per_person(workers, live_seed):
    from reminders.models import Digest
    from reminders.tasks import sweep

    _plan_pg06(live_seed)
    workers.start("w1")
    workers.start("w2")
    day = dt.date(2023, 9, 1)
    sweep.delay(day.isoformat())
    sweep.delay(day.isoformat())
    wait_for(lambda: _all_sent(day) and "succeeded" in workers.log, workers)
    time.sleep(3)  # let any second send happen, if it were going to
    recipients = [
        line for mail in workers.mails() for line in mail.splitlines() if line.startswith("To: ")
    ]
    assert len(recipients) == len(set(recipients)) == Digest.objects.filter(day=day).count()


def test_with_the_broker_down_work_still_saves_and_the_next_sweep_sends(workers, live_seed):

    from measures.models import Countermeasure
    from reminders.models import Digest
    from reminders.sweep import reminders_sweep

    _plan_pg06(live_seed)
    use_broker("redis://127.0.0.1:1/0")  # nothing listens there
    # A person's work goes on: recording progress is a web request that needs no broker.
    from django.test import Client

    client = Client()
    client.force_login(live_seed["pg-promoter"])
    measure = Countermeasure.objects.get(code="PG-06")
    response = client.post(
        f"/measures/{measure.pk}/status/",
        {"status-status": "in_progress", "status-effective_on": "2023年7月"},
    )
    assert response.status_code == 302
    assert measure.events.filter(status="in_progress").exists()
    day = dt.date(2023, 9, 1)
    report = reminders_sweep(day=day, send="queue")
    assert report.digests
    assert set(Digest.objects.filter(day=day).values_list("state", flat=True)) == {"pending"}
    # The broker is back; the next sweep (ten minutes on) queues what is still pending.
    use_broker(BROKER)
    workers.start()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=11)):
        again = reminders_sweep(day=day, send="queue")
    assert sorted(again.requeued) == sorted(d.pk for d in report.digests)
    wait_for(lambda: _all_sent(day), workers)
    assert len(workers.mails()) == len(report.digests)


def test_a_report_renders_in_a_worker(worker, live_seed, settings, tmp_path):
    from governance.models import Committee
    from reports.models import Report
    from reports.services import report_request

    report = report_request(
        committee=Committee.objects.get(code="joint-review"),
        as_of=dt.date(2023, 5, 12),
        actor=live_seed["pg-second-line"],
    )
    wait_for(
        lambda: Report.objects.get(pk=report.pk).state in ("done", "failed"), worker, seconds=120
    )
    report.refresh_from_db()
    assert report.state == "done", report.error
    assert len(report.sha256) == 64 and report.pages >= 4


def test_a_report_whose_message_was_lost_is_rendered_after_the_sweep(workers, live_seed):
    from governance.models import Committee
    from reports.models import Report
    from reports.render import reports_requeue
    from reports.services import report_request

    use_broker("redis://127.0.0.1:1/0")  # the broker is down when the report is asked for
    report = report_request(
        committee=Committee.objects.get(code="neutrality"),
        as_of=dt.date(2023, 5, 12),
        actor=live_seed["pg-second-line"],
    )
    assert Report.objects.get(pk=report.pk).state == "queued"
    use_broker(BROKER)
    workers.start()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=11)):
        assert reports_requeue()["requeued"] == 1
    wait_for(lambda: Report.objects.get(pk=report.pk).state in ("done", "failed"), workers, 120)
    report.refresh_from_db()
    assert report.state == "done", report.error
    assert report.attempts == 1


def test_the_states_written_past_the_services_are_stored_by_a_worker(worker, live_seed):
    """An import that bypasses the services leaves a measure's stored state stale; beat's
    task, run by a worker, stores it again."""
    from measures.models import Countermeasure, StoredState
    from measures.stored_states import stale_measure_ids
    from measures.tasks import store_stale
    from tests.conftest import month
    from tests.timelines import insert_past_the_services

    measure = Countermeasure.objects.get(title__startswith="社長から経営層")
    insert_past_the_services(measure, "implemented", month(2023, 3))
    assert stale_measure_ids() == [measure.pk]
    store_stale.delay()
    wait_for(lambda: stale_measure_ids() == [], worker)
    assert "measures.store_stale_states" in worker.log
    assert StoredState.objects.get(measure=measure).phrase == "2023年2月、3月、4月実施"


def test_a_connection_lost_during_smtp_does_not_send_a_digest_twice(
    live_seed, mailoutbox, monkeypatch
):
    """Issue 21, finding 7, with PostgreSQL ending the worker's connection while the SMTP
    exchange runs: the "sent" mark reconnects and is kept, so the next sweep, past the
    sending timeout, sends nothing again."""
    import psycopg
    import pytest
    from django.core.mail.backends.locmem import EmailBackend
    from django.db import connection

    from reminders.delivery import digest_send
    from reminders.models import Digest
    from reminders.sweep import reminders_sweep

    if connection.vendor != "postgresql":
        pytest.skip("ends a PostgreSQL backend")
    _plan_pg06(live_seed)
    day = dt.date(2023, 9, 1)
    digest = reminders_sweep(day=day, send="no").digests[0]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    params = connection.settings_dict
    send = EmailBackend.send_messages

    def send_while_the_database_drops(self, messages):
        with psycopg.connect(
            host=params["HOST"], port=params["PORT"] or 5432, user=params["USER"],
            dbname=params["NAME"], autocommit=True,
        ) as admin:  # fmt: skip
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        return send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send_while_the_database_drops)
    assert digest_send(digest_id=digest.pk) == "sent"
    digest.refresh_from_db()
    assert digest.state == "sent"
    assert len(mailoutbox) == 1
    assert mailoutbox[0].extra_headers["Message-ID"].startswith(f"<digest-{digest.pk}-")
    monkeypatch.setattr(EmailBackend, "send_messages", send)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16)):
        again = reminders_sweep(day=day, send="now")
    assert digest.pk not in again.requeued
    assert [m.to for m in mailoutbox].count(mailoutbox[0].to) == 1
    assert Digest.objects.get(pk=digest.pk).state == "sent"


def test_a_report_whose_database_connection_drops_is_rendered_by_the_next_attempt(
    live_seed, monkeypatch, settings, tmp_path
):
    """Issue 21, finding 9: PostgreSQL ends the connection mid-render; the report goes back
    to the queue within its attempt budget instead of failing for good."""
    import psycopg
    import pytest
    from django.db import connection

    from governance.models import Committee
    from reports import render
    from reports.services import report_request

    if connection.vendor != "postgresql":
        pytest.skip("ends a PostgreSQL backend")
    settings.MEDIA_ROOT = tmp_path
    queued = []
    monkeypatch.setattr(render, "try_enqueue", lambda task, pk: queued.append(pk) or True)
    report = report_request(
        committee=Committee.objects.get(code="joint-review"),
        as_of=dt.date(2023, 5, 12),
        actor=live_seed["pg-second-line"],
    )
    params = connection.settings_dict
    real_pdf = render.pdf_from_context
    calls = []

    def pdf_while_the_database_drops(context):
        calls.append(1)
        if len(calls) == 1:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pid = cursor.fetchone()[0]
            with psycopg.connect(
                host=params["HOST"], port=params["PORT"] or 5432, user=params["USER"],
                dbname=params["NAME"], autocommit=True,
            ) as admin:  # fmt: skip
                admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        return real_pdf(context)

    monkeypatch.setattr(render, "pdf_from_context", pdf_while_the_database_drops)
    queued.clear()  # the request's own message
    assert render.report_render(report_id=report.pk) == "queued"
    assert queued == [report.pk]  # queued again at once
    assert render.report_render(report_id=report.pk) == "done"
    report.refresh_from_db()
    assert (report.state, report.attempts) == ("done", 2)


def test_sign_in_holds_with_the_mail_server_refusing_or_hanging(workers, live_seed, settings):
    """Issue 21, finding 6, as a drill: a worker with a real SMTP backend pointed at a port
    that refuses, then at one that accepts and never answers. Signing in from a second
    address (which alerts the second line by mail) answers at once, and so does the next
    sign-in from the usual address; the worker retries the mail."""
    import socket

    from django.test import Client

    from governance.models import AuditEvent
    from tests.live.conftest import PASSWORD

    hanging = socket.socket()
    hanging.bind(("127.0.0.1", 0))
    hanging.listen(5)  # accepts, never speaks
    refused = socket.socket()
    refused.bind(("127.0.0.1", 0))
    refused_port = refused.getsockname()[1]
    refused.close()  # nothing listens there now
    try:
        for port in (refused_port, hanging.getsockname()[1]):
            workers.start(
                f"smtp{port}",
                DJANGO_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                DJANGO_EMAIL_HOST="127.0.0.1",
                DJANGO_EMAIL_PORT=str(port),
                DJANGO_EMAIL_TIMEOUT="5",
            )
        timings = []
        for address in ("10.0.0.1", "10.0.0.2", "10.0.0.1"):
            client = Client(REMOTE_ADDR=address)
            started = time.monotonic()
            response = client.post(
                "/accounts/login/", {"username": "pg-promoter", "password": PASSWORD}
            )
            timings.append(time.monotonic() - started)
            assert response.status_code == 302, response.content[:500]
        assert max(timings) < 3, timings
        assert AuditEvent.objects.filter(action=AuditEvent.Action.CONCURRENT_LOGIN).exists()
        wait_for(lambda: "governance.send_alert_mail" in workers.log, workers)
        wait_for(lambda: "Retry in" in workers.log, workers, seconds=90)
    finally:
        hanging.close()


def test_a_digest_left_sending_by_a_killed_worker_goes_out_once(workers, live_seed):
    """Issue 21, finding 8, as a drill: a worker is killed while its SMTP server hangs, the
    digest stays "sending"; past the sending timeout the 10-minute task queues it again and
    another worker sends it, once."""
    import socket

    from reminders.models import Digest
    from reminders.sweep import digests_requeue, reminders_sweep

    hanging = socket.socket()
    hanging.bind(("127.0.0.1", 0))
    hanging.listen(5)
    try:
        workers.start(
            "stuck",
            DJANGO_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            DJANGO_EMAIL_HOST="127.0.0.1",
            DJANGO_EMAIL_PORT=str(hanging.getsockname()[1]),
            DJANGO_EMAIL_TIMEOUT="300",
        )
        _plan_pg06(live_seed)
        today = timezone.localdate()
        report = reminders_sweep(day=today, send="queue")
        assert report.digests
        wait_for(lambda: Digest.objects.filter(day=today, state="sending").exists(), workers)
        workers.kill(0)
    finally:
        hanging.close()
    stuck = Digest.objects.get(day=today, state="sending")
    # Fifteen minutes later (the sending timeout), as the database sees it.
    Digest.objects.filter(pk=stuck.pk).update(claimed_at=timezone.now() - dt.timedelta(minutes=16))
    workers.start("rescuer")
    assert stuck.pk in digests_requeue(today=today)
    wait_for(lambda: Digest.objects.get(pk=stuck.pk).state == "sent", workers)
    mails = workers.mails()
    assert sum(f"To: {stuck.user.email}" in m for m in mails) == 1
    assert Digest.objects.get(pk=stuck.pk).attempts == 2


def test_the_second_and_third_lines_reminders_go_once_through_racing_workers(workers, live_seed):
    """A monitoring run due and an audit finding's response due on the same day, two
    sweeps racing on two workers: each person gets one mail naming their item; a third
    sweep sends nothing more."""
    from incidents.models import AffectedSystem
    from internalaudit import services as ia
    from monitoring import services as mon
    from reminders.models import Digest
    from reminders.tasks import sweep

    pg = OrgUnit.objects.get(code="pg").organization
    mon.monitoring_activity_create(
        organization=pg,
        code="MON-W",
        title="託送業務システムのアクセスログ点検",
        subject="access_logs",
        systems=AffectedSystem.objects.filter(organization=pg, code="takuso"),
        unit=OrgUnit.objects.get(code="pg-quality-reform"),
        frequency="monthly",
        starts=PrecisionDate.month(2023, 4),
        actor=None,
    )
    mon_run_april = {"period_start": dt.date(2023, 4, 1), "performed_on": dt.date(2023, 5, 2)}
    mon.monitoring_run_record(
        activity=pg.monitoring_activities.get(code="MON-W"),
        scope="4月分",
        result="no_exception",
        actor=live_seed["pg-second-line"],
        **mon_run_april,
    )
    ia.finding_record(
        engagement=ia.engagement_create(
            organization=pg, code="IA-W", title="システム監査", actor=None
        ),
        title="異動者のアカウントが残存",
        rating="improvement",
        criteria="異動時に見直すこと",
        condition="3名が有効",
        recommendation="手順を定めること",
        addressed_to=OrgUnit.objects.get(code="pg-head-office-units"),
        reported_on=dt.date(2023, 4, 20),
        response_due=dt.date(2023, 5, 31),
        actor=None,
    )
    workers.start("w1")
    workers.start("w2")
    day = dt.date(2023, 5, 25)
    sweep.delay(day.isoformat())
    sweep.delay(day.isoformat())
    wait_for(lambda: _all_sent(day) and "succeeded" in workers.log, workers)
    time.sleep(3)  # let any second send happen, if it were going to
    mails = workers.mails()
    to = [line for mail in mails for line in mail.splitlines() if line.startswith("To: ")]
    assert len(to) == len(set(to)) == Digest.objects.filter(day=day).count()
    second = next(m for m in mails if "To: pg-second-line@example.invalid" in m)
    promoter = next(m for m in mails if "To: pg-promoter@example.invalid" in m)
    assert "MON-W" in second and "F-1" in promoter
    sweep.delay(day.isoformat())
    time.sleep(3)
    assert len(workers.mails()) == len(mails)
