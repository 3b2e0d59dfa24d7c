"""Browser tests: Debian's chromium driven by Playwright against a live server.

They run in a pytest session of their own (``make test`` runs it after the rest): the live
server needs committed data, so each test loads the seed into a database that is emptied
afterwards.
"""

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from governance import services as gov
from governance.models import OrgUnit
from plans.loading import SEED, load_plan
from tests.live.workers import worker, workers  # noqa: F401 - fixtures for every live test

# Playwright's sync API keeps an event loop in this thread; Django's ORM calls from the test
# body are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("THREELINES_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PASSWORD = "a-long-browser-test-password"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """No session-wide seed here: each browser test loads its own (see ``live_seed``)."""


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium as root")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


APPEND_ONLY = ("governance_auditevent", "measures_statusevent", "monitoring_monitoringrun")


def _append_only_triggers(*, install: bool) -> None:
    """SQLite empties tables with DELETE between live-server tests, which the append-only
    triggers refuse; lift them for the flush only (PostgreSQL truncates, unaffected)."""
    from django.db import connection

    from core.db import AppendOnly

    if connection.vendor != "sqlite":
        return
    with connection.schema_editor() as editor:
        for table in APPEND_ONLY:
            operation = AppendOnly(table=table)
            operation.database_backwards("governance", editor, None, None)
            if install:
                operation.database_forwards("governance", editor, None, None)


@pytest.fixture
def live_seed(transactional_db):
    _append_only_triggers(install=True)
    yield _load()
    _append_only_triggers(install=False)


def _load():
    load_plan(SEED)
    admin = get_user_model().objects.create_superuser("root", "root@example.invalid", PASSWORD)
    people = {}
    for username, unit, role in (
        ("pg-promoter", "pg-head-office-units", "promoter"),
        ("pg-second-line", "pg-quality-reform", "second_line"),
    ):
        user = get_user_model().objects.create_user(
            username, f"{username}@example.invalid", PASSWORD
        )
        gov.role_assign(
            user=user,
            role=role,
            org_unit=OrgUnit.objects.get(code=unit),
            valid_from=dt.date(2023, 4, 1),
            actor=admin,
        )
        people[username] = user
    return people


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="ja-JP", accept_downloads=True, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="サインイン").click()
