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


def _database_url() -> str:
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    return (
        f"postgres://{user}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
    )


@pytest.fixture
def worker(transactional_db, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("a worker process needs a shared database: run with DATABASE_URL=postgres://…")
    redis.Redis.from_url(BROKER).flushdb()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": BROKER,
    }
    log = tmp_path / "worker.log"
    output = log.open("w")
    process = subprocess.Popen(
        [
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
        ],
        cwd=ROOT,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    previous = app.conf.broker_url
    app.conf.broker_url = BROKER
    try:
        deadline = time.monotonic() + 60
        while "ready." not in log.read_text():
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield log
    finally:
        app.conf.broker_url = previous
        process.terminate()
        process.wait(timeout=20)
        output.close()


def _wait_for(condition, log, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, log.read_text()[-3000:]
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
    assert "governance.sync_access" in worker.read_text()
    assert settings.CELERY_TASK_ACKS_LATE
