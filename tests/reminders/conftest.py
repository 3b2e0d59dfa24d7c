import datetime as dt
import smtplib

import pytest
from django.core.mail.backends.locmem import EmailBackend

from governance import services as gov
from governance.models import OrgUnit
from measures import services as ms
from measures.models import Countermeasure
from tests.conftest import month


@pytest.fixture
def plan(people):
    """PG-06 owned by the head-office offices, due 2023年9月; a 遵守責任者 above them."""
    admin = people["superuser"]
    ms.countermeasure_update(
        measure=Countermeasure.objects.get(code="PG-06"),
        due=month(2023, 9),
        actor=admin,
        reason="期限の設定",
    )
    manager = people["pg_chief"].__class__.objects.create_user(
        "pg_manager", "pg_manager@example.invalid", "a-long-test-password"
    )
    gov.role_assign(
        user=manager,
        role="manager",
        org_unit=OrgUnit.objects.get(code="pg-head-office"),
        valid_from=dt.date(2023, 4, 1),
        actor=admin,
    )
    people["pg_manager"] = manager
    return people


class FlakyBackend(EmailBackend):
    """Fails with a transient SMTP error on the first send, then works (locmem)."""

    calls = 0

    def send_messages(self, messages):
        type(self).calls += 1
        if type(self).calls == 1:
            raise smtplib.SMTPServerDisconnected("connection lost")
        return super().send_messages(messages)


class RefusingBackend(EmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({"x@example.invalid": (550, b"no such user")})
