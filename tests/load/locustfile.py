"""The load test's users (locust): several roles signing in and reading pages, as people do.

Run by ``python manage.py loadtest``, which prepares the accounts and starts gunicorn; each
virtual user takes an account of its own from THREELINES_LOADTEST_ACCOUNTS (a JSON file).
Only 127.0.0.1 is ever addressed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import random
import re
import struct
import time
from itertools import count

from locust import HttpUser, between, task

ACCOUNTS = json.loads(open(os.environ["THREELINES_LOADTEST_ACCOUNTS"]).read())  # noqa: SIM115
_next = {role: count() for role in ACCOUNTS}
MEASURE_LINK = re.compile(r'href="/measures/(\d+)/"')


def totp(secret_hex: str, at: float | None = None) -> str:
    """RFC 6238, 30-second steps, 6 digits (django-otp's defaults)."""
    step = int((at or time.time()) // 30)
    digest = hmac.new(bytes.fromhex(secret_hex), struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


def _csrf(response) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)
    return match.group(1) if match else ""


class Person(HttpUser):
    abstract = True
    role = ""
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        account = ACCOUNTS[self.role][next(_next[self.role]) % len(ACCOUNTS[self.role])]
        page = self.client.get("/accounts/login/", name="sign in (form)")
        with self.client.post(
            "/accounts/login/",
            {
                "username": account["username"],
                "password": account["password"],
                "csrfmiddlewaretoken": _csrf(page),
            },
            name="sign in",
            catch_response=True,
        ) as response:
            if response.url.endswith("/accounts/login/"):
                response.failure("sign-in refused")
        if "/accounts/two-factor/" in response.url:
            with self.client.post(
                "/accounts/two-factor/",
                {"token": totp(account["totp"]), "csrfmiddlewaretoken": _csrf(response)},
                name="sign in (one-time code)",
                catch_response=True,
            ) as second:
                if "/accounts/two-factor/" in second.url:
                    second.failure("one-time code refused")
        self.measures: list[str] = []

    def get(self, url: str, name: str):
        """A page; landing on the sign-in page instead counts as a failure."""
        with self.client.get(url, name=name, catch_response=True) as response:
            if "/accounts/login/" in response.url:
                response.failure("signed out")
            return response

    def _list(self, query: str = "", name: str = "list") -> None:
        response = self.get(f"/measures/{query}", name=name)
        found = MEASURE_LINK.findall(response.text)
        if found:
            self.measures = found

    def _detail(self) -> None:
        if not self.measures:
            self._list()
        if self.measures:
            self.get(f"/measures/{random.choice(self.measures)}/", name="detail")  # noqa: S311


class Promoter(Person):
    """A 推進者: their own measures, mostly."""

    role = "promoter"
    weight = 6

    @task(3)
    def dashboard(self) -> None:
        self.get("/", name="dashboard")

    @task(3)
    def measures(self) -> None:
        self._list()

    @task(4)
    def detail(self) -> None:
        self._detail()

    @task(1)
    def notifications(self) -> None:
        self.get("/notifications/", name="notifications")


class SecondLine(Person):
    """The second line: the whole company, filtered and compared with the past."""

    role = "second_line"
    weight = 2

    @task(2)
    def dashboard(self) -> None:
        self.get("/", name="dashboard")

    @task(3)
    def filtered(self) -> None:
        self._list("?nature=continuous&sort=due", name="list, filtered")

    @task(1)
    def as_of(self) -> None:
        self._list("?as_of=2025-03-31", name="list as of a date")

    @task(3)
    def detail(self) -> None:
        self._detail()

    @task(1)
    def responsibility(self) -> None:
        self.get("/responsibility/", name="responsibility")

    @task(1)
    def root_causes(self) -> None:
        self.get("/root-causes/", name="root causes")


class Auditor(Person):
    """Internal audit: the audit log and the measures."""

    role = "internal_auditor"
    weight = 1

    @task(2)
    def audit(self) -> None:
        self.get("/audit/", name="audit log")

    @task(2)
    def measures(self) -> None:
        self._list()

    @task(1)
    def detail(self) -> None:
        self._detail()
