"""Celery worker processes on the real Redis for the live tests (fixtures ``workers`` and
``worker``, used through tests/live/conftest.py)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.db import connection

from config.celery import app

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

    def start(self, name: str = "w1", **environment: str) -> None:
        """Start a worker; ``environment`` overrides its settings (e.g. a real SMTP
        backend pointed at a server that is down)."""
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.test_settings",
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": BROKER,
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "DJANGO_EMAIL_FILE_PATH": str(self.mail_dir),
            "DJANGO_MEDIA_ROOT": str(self.tmp_path / "media"),
            **environment,
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

    def kill(self, index: int = 0) -> None:
        """SIGKILL one worker, as a crash or an out-of-memory kill would: no clean-up."""
        process, _, _ = self.processes[index]
        process.kill()
        process.wait(timeout=20)

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


def wait_for(condition, workers, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, workers.log[-4000:]
        time.sleep(0.2)
