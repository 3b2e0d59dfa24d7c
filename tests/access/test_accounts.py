"""Sign-in: lockout, the second factor, concurrent use, signing out everywhere."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

import governance.tasks  # noqa: F401 - registers the tasks
from config.celery import app as celery_app
from core import queueing
from governance import accounts
from governance.models import AuditEvent, UserSession

PASSWORD = "a-long-test-password"


def _sign_in(client: Client, username: str, password: str = PASSWORD, ip="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_sign_in_is_audited(people):
    client = Client()
    assert _sign_in(client, "pg_promoter").status_code == 302
    event = AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN).latest("at")
    assert event.actor == people["pg_promoter"]
    assert event.ip == "10.0.0.1"


def test_five_failures_lock_the_account(people):
    client = Client()
    for _ in range(4):
        assert _sign_in(client, "pg_promoter", "wrong-password").status_code == 200
    fifth = _sign_in(client, "pg_promoter", "wrong-password")
    assert fifth.status_code == 429
    assert "ロックしました" in fifth.content.decode()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED).count() == 5
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOCKED_OUT).exists()
    assert _sign_in(client, "pg_promoter").status_code == 429  # even the right password
    # From another address too: the account is locked, not only the address.
    assert _sign_in(Client(), "pg_promoter", ip="10.9.9.9").status_code == 429


def test_a_success_of_another_account_does_not_reset_the_guesses(people):
    """An attacker with one working account interleaves its sign-in with guesses at
    another's password from the same address: the guesses still add up to a lockout."""
    attacker = Client()
    for _ in range(4):
        assert _sign_in(attacker, "pg_chief", "wrong-password").status_code == 200
    assert _sign_in(attacker, "pg_promoter").status_code == 302  # the attacker's own
    attacker.logout()
    assert _sign_in(attacker, "pg_chief", "wrong-password").status_code == 429
    # The victim's right password from that address is refused; so is the attacker's own
    # account there, and its success elsewhere unlocks nobody.
    assert _sign_in(Client(), "pg_chief").status_code == 429
    assert _sign_in(Client(), "pg_promoter").status_code == 429
    assert _sign_in(Client(), "pg_promoter", ip="10.7.7.7").status_code == 302
    assert _sign_in(Client(), "pg_chief", ip="10.8.8.8").status_code == 429


def test_a_success_clears_the_accounts_own_failures_from_its_address(people):
    """A person who mistyped three times and then signed in starts again from none."""
    client = Client()
    for _ in range(3):
        assert _sign_in(client, "pg_promoter", "wrong-password").status_code == 200
    assert _sign_in(client, "pg_promoter").status_code == 302
    client.logout()
    for _ in range(4):
        assert _sign_in(client, "pg_promoter", "wrong-password").status_code == 200
    assert _sign_in(client, "pg_promoter", "wrong-password").status_code == 429


def test_second_line_must_set_up_and_use_a_second_factor(people):
    client = Client()
    response = _sign_in(client, "pg_second")
    assert response.status_code == 302
    page = client.get(reverse("account"))
    assert page.status_code == 302
    assert page.url.startswith(reverse("otp-setup"))
    setup = client.get(reverse("otp-setup"))
    assert setup.status_code == 200
    device = TOTPDevice.objects.get(user=people["pg_second"], confirmed=False)
    wrong = client.post(reverse("otp-setup"), {"token": "000000"})
    assert wrong.status_code == 200
    assert "コードが正しくありません" in wrong.content.decode()
    # After a wrong code the device makes the person wait a moment (throttling).
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=5)):
        code = f"{totp(device.bin_key):06d}"
        assert client.post(reverse("otp-setup"), {"token": code}).status_code == 302
    assert client.get(reverse("account")).status_code == 200
    # The next sign-in asks for the code.
    other = Client()
    _sign_in(other, "pg_second", ip="10.0.0.2")
    assert other.get(reverse("account")).url.startswith(reverse("otp-verify"))


def test_the_second_factor_gives_the_session_a_new_key(people):
    """A session key learned before the code was entered (the password step) is worth
    nothing after it; the tracked session follows the new key."""
    device = TOTPDevice.objects.create(user=people["pg_second"], name="phone", confirmed=True)
    client = Client()
    _sign_in(client, "pg_second")
    before = client.session.session_key
    response = client.post(reverse("otp-verify"), {"token": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 302
    after = client.session.session_key
    assert after != before
    assert client.get(reverse("account")).status_code == 200
    assert UserSession.objects.filter(session_key=after, ended_at__isnull=True).exists()
    assert not UserSession.objects.filter(session_key=before).exists()
    stolen = Client()
    stolen.cookies["sessionid"] = before
    assert stolen.get(reverse("account")).status_code == 302  # to sign-in


def test_first_line_needs_no_second_factor(people):
    client = Client()
    _sign_in(client, "pg_promoter")
    assert client.get(reverse("account")).status_code == 200


def _two_addresses(people, django_capture_on_commit_callbacks):
    """pg_promoter signs in from 10.0.0.1, then from 192.0.2.50 while the first session is
    in use; the second sign-in's response."""
    people["pg_second"].email = "quality-reform@example.invalid"
    people["pg_second"].save()
    first, second = Client(), Client()
    _sign_in(first, "pg_promoter", ip="10.0.0.1")
    first.get(reverse("account"), REMOTE_ADDR="10.0.0.1")
    with django_capture_on_commit_callbacks(execute=True):
        return _sign_in(second, "pg_promoter", ip="192.0.2.50")


def test_one_account_from_two_addresses_tells_the_second_line(
    people, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr(accounts, "try_enqueue", lambda task, *args: queued.append((task, args)))
    assert _two_addresses(people, django_capture_on_commit_callbacks).status_code == 302
    event = AuditEvent.objects.get(action=AuditEvent.Action.CONCURRENT_LOGIN)
    assert event.details["other_addresses"] == ["10.0.0.1"]
    assert event.organization.code == "chubu-pg"
    # The mail is queued for a worker, not sent by the request.
    assert mail.outbox == []
    [(task, args)] = queued
    assert task == "governance.send_alert_mail" and task in celery_app.tasks
    celery_app.tasks[task].apply(args=args).get()  # what the worker does
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["quality-reform@example.invalid"]
    assert "pg_promoter" in mail.outbox[0].subject
    assert "192.0.2.50" in mail.outbox[0].body


def test_sign_in_does_not_depend_on_the_mail_server_or_the_broker(
    people, django_capture_on_commit_callbacks, monkeypatch, settings
):
    """With the mail server refusing and the broker down, the second sign-in still signs
    in and the concurrent use is audited; the next sign-in works too."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1

    def broker_down(*args):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(queueing, "enqueue", broker_down)
    assert _two_addresses(people, django_capture_on_commit_callbacks).status_code == 302
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CONCURRENT_LOGIN).exists()
    assert _sign_in(Client(), "pg_promoter", ip="10.0.0.1").status_code == 302


def test_the_alert_mail_is_retried_when_the_mail_server_refuses(settings):
    """The task raises the SMTP error for Celery to retry it (with backoff)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    task = celery_app.tasks["governance.send_alert_mail"]
    assert OSError in task.autoretry_for
    with pytest.raises(OSError):
        task.run("subject", "body", ["quality-reform@example.invalid"])


def test_same_address_twice_is_not_an_alert(people):
    _sign_in(Client(), "pg_promoter", ip="10.0.0.1")
    _sign_in(Client(), "pg_promoter", ip="10.0.0.1")
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.CONCURRENT_LOGIN).exists()


def test_sign_out_everywhere_ends_the_other_sessions(people):
    laptop, phone = Client(), Client()
    _sign_in(laptop, "pg_promoter", ip="10.0.0.1")
    _sign_in(phone, "pg_promoter", ip="10.0.0.1")
    assert phone.get(reverse("account")).status_code == 200
    assert laptop.post(reverse("logout-everywhere")).status_code == 302
    assert phone.get(reverse("account")).status_code == 302
    assert laptop.get(reverse("account")).status_code == 302
    assert not UserSession.objects.filter(user=people["pg_promoter"], ended_at=None).exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGOUT_EVERYWHERE).exists()


def test_weak_passwords_are_refused(db):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ("password", "12345678901234", "short"):
        try:
            validate_password(weak)
        except ValidationError:
            continue
        raise AssertionError(f"{weak!r} was accepted")
