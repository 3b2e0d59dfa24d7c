"""Load test: gunicorn with production settings on this PostgreSQL database, driven by locust
(tests/load/locustfile.py) for a bounded time against 127.0.0.1 only.

Prepares sign-in accounts among the generated people (``generate_scale_data``; generated
first when absent), collects the static files, starts gunicorn, runs locust headless,
prints throughput, p50/p95/p99 and errors per page, and puts the accounts back (unusable
passwords, no TOTP device) whatever happens. Exits with an error when a request failed.
"""

from __future__ import annotations

import csv
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import (
    UNUSABLE_PASSWORD_PREFIX,
    PBKDF2PasswordHasher,
    make_password,
)
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from governance.models import Organization, Role, RoleAssignment, UserSession
from perf.scale import PREFIX, PRESETS, Generator

ROLES = {
    "promoter": Role.PROMOTER,
    "second_line": Role.SECOND_LINE,
    "internal_auditor": Role.INTERNAL_AUDITOR,
}
LOCUSTFILE = Path(settings.BASE_DIR) / "tests" / "load" / "locustfile.py"


class Command(BaseCommand):
    help = "Run gunicorn (production settings) and a bounded locust load against 127.0.0.1."

    def add_arguments(self, parser):
        parser.add_argument("--preset", choices=sorted(PRESETS), default="medium")
        parser.add_argument("--users", type=int, default=20, help="concurrent virtual users")
        parser.add_argument("--duration", type=int, default=60, help="seconds of load")
        parser.add_argument("--workers", type=int, default=4, help="gunicorn processes")
        parser.add_argument("--port", type=int, default=8765)

    def handle(self, *args, preset, users, duration, workers, port, **options):
        if connection.vendor != "postgresql":
            raise CommandError("the load test runs on PostgreSQL (DATABASE_URL=postgres://…)")
        if not Organization.objects.filter(code__startswith=PREFIX).exists():
            self.stdout.write(f"no scale data: generating preset {preset}")
            Generator(PRESETS[preset], seed=1, log=self.stdout.write).run()
        workdir = Path(settings.VAR_DIR) / "loadtest"
        workdir.mkdir(parents=True, exist_ok=True)
        accounts_file = workdir / "accounts.json"
        accounts_file.unlink(missing_ok=True)
        # A stop by signal (a CI timeout) still restores the accounts and stops gunicorn.
        previous = signal.signal(signal.SIGTERM, _exit_on_signal)
        people: list = []
        try:
            with transaction.atomic():
                people = self._accounts(users, accounts_file)
            self._run(workdir, accounts_file, users, duration, workers, port)
        finally:
            self._restore(people)
            accounts_file.unlink(missing_ok=True)
            signal.signal(signal.SIGTERM, previous)

    # -- accounts -------------------------------------------------------------------------
    def _accounts(self, users: int, target: Path) -> list:
        """One account per virtual user and role (locust gives each its own), with a fresh
        password and, for the second line, a TOTP device whose key the locustfile knows."""
        org = Organization.objects.filter(code__startswith=PREFIX).order_by("code").first()
        # Generated people only, who cannot sign in and have no device: nothing of a real
        # account is touched, and putting them back is giving them nothing again.
        active = (
            RoleAssignment.objects.active_on(timezone.localdate())
            .filter(
                org_unit__organization=org,
                user__username__startswith=PREFIX,
                user__password__startswith=UNUSABLE_PASSWORD_PREFIX,
            )
            .exclude(user__totpdevice__isnull=False)
        )
        chosen: dict[str, list[dict]] = {}
        people = []
        for name, role in ROLES.items():
            accounts = []
            for assignment in active.filter(role=role).select_related("user")[:users]:
                user = assignment.user
                password = secrets.token_urlsafe(16)
                # Hashed for the server's settings (PBKDF2), whatever this process uses.
                user.password = PBKDF2PasswordHasher().encode(password, secrets.token_hex(12))
                user.save(update_fields=["password"])
                entry = {"username": user.get_username(), "password": password}
                if role == Role.SECOND_LINE:
                    key = secrets.token_hex(20)
                    TOTPDevice.objects.create(user=user, name="loadtest", key=key, confirmed=True)
                    entry["totp"] = key
                accounts.append(entry)
                people.append(user)
            if not accounts:
                raise CommandError(f"no {role} in {org.code}")
            chosen[name] = accounts
        # Readable by this user only from the first byte (it holds passwords and keys).
        handle = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        with os.fdopen(handle, "w") as stream:
            stream.write(json.dumps(chosen))
        return people

    def _restore(self, people: list) -> None:
        """Unusable passwords, no device, and the run's sessions ended."""
        unusable = make_password(None)
        get_user_model().objects.filter(pk__in=[p.pk for p in people]).update(password=unusable)
        TOTPDevice.objects.filter(user__in=people, name="loadtest").delete()
        UserSession.objects.filter(user__in=people, ended_at__isnull=True).update(
            ended_at=timezone.now()
        )

    # -- the run ----------------------------------------------------------------------------
    def _env(self, workdir: Path, port: int, workers: int) -> dict:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": _database_url(),
            # Plain HTTP on the loopback: no TLS here, so no redirect and no secure-only
            # cookies; everything else is production.
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_SECURE_COOKIES": "false",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_STATIC_ROOT": str(workdir / "static"),
            "THREELINES_BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": str(workers),
            "THREELINES_LOG_FORMAT": "json",
            "DJANGO_LOG_LEVEL": "WARNING",
        }

    def _run(self, workdir, accounts_file, users, duration, workers, port) -> None:
        env = self._env(workdir, port, workers)
        bin_dir = Path(sys.executable).parent
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=settings.BASE_DIR,
            env=env,
            check=True,
        )
        log = (workdir / "gunicorn.log").open("w")
        server = subprocess.Popen(  # noqa: S603
            [str(bin_dir / "gunicorn"), "-c", "config/gunicorn.py", "config.wsgi"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        locust_log = (workdir / "locust.log").open("w")
        try:
            self._wait_healthy(base, server, workdir)
            prefix = workdir / "run"
            started = time.monotonic()
            subprocess.run(  # noqa: S603
                [
                    str(bin_dir / "locust"),
                    "-f",
                    str(LOCUSTFILE),
                    "--headless",
                    "--users",
                    str(users),
                    "--spawn-rate",
                    str(max(1, users // 5)),
                    "--run-time",
                    f"{duration}s",
                    "--host",
                    base,
                    "--csv",
                    str(prefix),
                    "--only-summary",
                    "--stop-timeout",
                    "5",
                    "--loglevel",
                    "WARNING",
                ],
                env={**os.environ, "THREELINES_LOADTEST_ACCOUNTS": str(accounts_file)},
                check=False,
                timeout=duration + 120,
                stdout=locust_log,
                stderr=subprocess.STDOUT,
            )
            elapsed = time.monotonic() - started
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
            log.close()
            locust_log.close()
        self._report(prefix, users, duration, workers, elapsed)

    def _wait_healthy(self, base: str, server, workdir: Path) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise CommandError((workdir / "gunicorn.log").read_text()[-3000:])
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        raise CommandError("gunicorn did not become healthy within 60 s")

    def _report(self, prefix: Path, users, duration, workers, elapsed) -> None:
        stats = Path(f"{prefix}_stats.csv")
        if not stats.exists():
            raise CommandError("locust wrote no statistics")
        with stats.open() as handle:
            rows = list(csv.DictReader(handle))
        self.stdout.write(
            f"gunicorn {workers} workers, {users} virtual users, {duration} s "
            f"({elapsed:.0f} s with ramp-up and stop)"
        )
        self.stdout.write(
            f"{'page':<28} {'requests':>8} {'errors':>6} {'req/s':>7} "
            f"{'p50':>7} {'p95':>7} {'p99':>7}"
        )
        failures = 0
        for row in rows:
            name = row["Name"] if row["Type"] else "all"
            failures += int(row["Failure Count"]) if row["Name"] == "Aggregated" else 0
            self.stdout.write(
                f"{name:<28} {int(row['Request Count']):>8} {int(row['Failure Count']):>6} "
                f"{float(row['Requests/s']):>7.1f} {row['50%']:>5}ms {row['95%']:>5}ms "
                f"{row['99%']:>5}ms"
            )
        if failures:
            raise CommandError(f"{failures} requests failed (see {prefix}_failures.csv)")


def _exit_on_signal(signum, frame):
    raise SystemExit(128 + signum)


def _database_url() -> str:
    """This process's database for gunicorn: the configured URL as it is (password and
    options included), or, under the test runner, the test database it switched to."""
    configured = os.environ.get("DATABASE_URL", "")
    name = connection.settings_dict["NAME"]
    if configured and configured.rsplit("/", 1)[-1].split("?")[0] == name:
        return configured
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{db.get('USER') or 'postgres'}{password}@{db.get('HOST') or '127.0.0.1'}:"
        f"{db.get('PORT') or 5432}/{name}"
    )
