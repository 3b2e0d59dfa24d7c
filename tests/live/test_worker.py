"""Celery tasks through a real worker process and the real Redis on 127.0.0.1:6379."""

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from config.celery import app
from governance import services as gov
from governance.models import OrgUnit
from governance.tasks import sync_access

ROOT = Path(__file__).resolve().parents[2]
BROKER = os.environ.get("THREELINES_TEST_BROKER_URL", "redis://127.0.0.1:6379/15")


def use_broker(url: str) -> None:
    """Point this process's Celery app at ``url``, dropping pooled connections to the old."""
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


def _database_url() -> str:
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    return (
        f"postgres://{user}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
    )


class Workers:
    """Celery worker processes on the real Redis, writing mail to files the test reads."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.mail_dir = tmp_path / "mail"
        self.processes: list[tuple[subprocess.Popen, Path, object]] = []

    def start(self, name: str = "w1") -> None:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.test_settings",
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": BROKER,
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "DJANGO_EMAIL_FILE_PATH": str(self.mail_dir),
            "DJANGO_MEDIA_ROOT": str(self.tmp_path / "media"),
        }
        log = self.tmp_path / f"{name}.log"
        output = log.open("w")
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"{name}@%h",
        ]
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and app
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
        self.processes.append((process, log, output))
        deadline = time.monotonic() + 60
        while "ready." not in log.read_text():
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)

    @property
    def log(self) -> str:
        return "\n".join(log.read_text() for _, log, _ in self.processes)

    def mails(self) -> list[str]:
        if not self.mail_dir.exists():
            return []
        return [p.read_text() for p in sorted(self.mail_dir.iterdir())]

    def stop(self) -> None:
        for process, _, output in self.processes:
            process.terminate()
            process.wait(timeout=20)
            output.close()


@pytest.fixture
def workers(transactional_db, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("a worker process needs a shared database: run with DATABASE_URL=postgres://…")
    redis.Redis.from_url(BROKER).flushdb()
    previous = app.conf.broker_url
    use_broker(BROKER)
    pool = Workers(tmp_path)
    try:
        yield pool
    finally:
        use_broker(previous)
        pool.stop()


@pytest.fixture
def worker(workers):
    workers.start()
    return workers


def _wait_for(condition, workers, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, workers.log[-4000:]
        time.sleep(0.2)


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
    _wait_for(lambda: not user.groups.exists(), worker)
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
    from measures.reminders.models import Digest

    digests = Digest.objects.filter(day=day)
    return digests.exists() and not digests.exclude(state="sent").exists()


def test_the_reminder_sweep_runs_through_the_broker(worker, live_seed):
    from measures.reminders.models import Digest
    from measures.reminders.tasks import sweep

    _plan_pg06(live_seed)
    day = dt.date(2023, 9, 1)
    sweep.delay(day.isoformat())
    _wait_for(lambda: _all_sent(day), worker)
    digests = Digest.objects.filter(day=day)
    mails = worker.mails()
    assert len(mails) == digests.count() == 1  # the only person with something due
    promoter_mail = next(m for m in mails if "To: pg-promoter@example.invalid" in m)
    assert "PG-06" in promoter_mail


def test_two_sweeps_racing_send_one_mail_per_person(workers, live_seed):
    from measures.reminders.models import Digest
    from measures.reminders.tasks import sweep

    _plan_pg06(live_seed)
    workers.start("w1")
    workers.start("w2")
    day = dt.date(2023, 9, 1)
    sweep.delay(day.isoformat())
    sweep.delay(day.isoformat())
    _wait_for(lambda: _all_sent(day) and "succeeded" in workers.log, workers)
    time.sleep(3)  # let any second send happen, if it were going to
    recipients = [
        line for mail in workers.mails() for line in mail.splitlines() if line.startswith("To: ")
    ]
    assert len(recipients) == len(set(recipients)) == Digest.objects.filter(day=day).count()


def test_with_the_broker_down_work_still_saves_and_the_next_sweep_sends(workers, live_seed):
    import time_machine

    from measures.models import Countermeasure
    from measures.reminders.models import Digest
    from measures.reminders.services import reminders_sweep

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
    _wait_for(lambda: _all_sent(day), workers)
    assert len(workers.mails()) == len(report.digests)


def test_a_report_renders_in_a_worker(worker, live_seed, settings, tmp_path):
    from governance.models import Committee
    from measures.reports.models import Report
    from measures.reports.services import report_request

    report = report_request(
        committee=Committee.objects.get(code="joint-review"),
        as_of=dt.date(2023, 5, 12),
        actor=live_seed["pg-second-line"],
    )
    _wait_for(
        lambda: Report.objects.get(pk=report.pk).state in ("done", "failed"), worker, seconds=120
    )
    report.refresh_from_db()
    assert report.state == "done", report.error
    assert len(report.sha256) == 64 and report.pages >= 4
