"""Sending one digest: claimed by a conditional UPDATE so two workers cannot both send it,
retried on transient SMTP errors, given up after the last retry."""

from __future__ import annotations

import datetime as dt
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from governance.audit import audit_record
from governance.models import (
    AuditEvent,
)
from reminders.models import Digest, reason_text

# A digest "sending" for longer than this was abandoned by a dead worker.
SENDING_TIMEOUT = dt.timedelta(minutes=15)


SEND_TASK = "reminders.send_digest"


# -- sending -------------------------------------------------------------------------------------
class TransientMailError(Exception):
    """Worth retrying later (connection lost, 4xx)."""


TRANSIENT = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    ConnectionError,
    TimeoutError,
)


def _is_transient(exc: Exception) -> bool:
    if isinstance(exc, TRANSIENT):
        return True
    code = getattr(exc, "smtp_code", None)
    return isinstance(code, int) and 400 <= code < 500


def digest_send(*, digest_id: int) -> str:
    """Send one digest. Returns its state. Raises TransientMailError when a retry may help
    (the digest is pending again); a permanent failure is recorded and logged for the
    second line."""
    now = timezone.now()
    claimable = Q(state=Digest.State.PENDING) | Q(
        # A worker that died while sending left it "sending"; after a while it is fair game.
        state=Digest.State.SENDING,
        claimed_at__lt=now - SENDING_TIMEOUT,
    )
    claimed = Digest.objects.filter(claimable, pk=digest_id).update(
        state=Digest.State.SENDING, attempts=F("attempts") + 1, claimed_at=now
    )
    if claimed != 1:
        return "skipped"
    digest = Digest.objects.select_related("user").get(pk=digest_id)
    user = digest.user
    if not user.email or not user.is_active:
        Digest.objects.filter(pk=digest_id, claimed_at=now).update(
            state=Digest.State.SENT, sent_at=timezone.now(), last_error="no address; in-app only"
        )
        return Digest.State.SENT
    message = _message(digest)
    try:
        message.send(fail_silently=False)
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if _is_transient(exc):
            Digest.objects.filter(pk=digest_id, claimed_at=now).update(
                state=Digest.State.PENDING, last_error=error
            )
            raise TransientMailError(error) from exc
        Digest.objects.filter(pk=digest_id, claimed_at=now).update(
            state=Digest.State.FAILED, last_error=error
        )
        audit_record(
            action=AuditEvent.Action.CHANGED,
            actor=None,
            object_type="reminders.Digest",
            object_id=str(digest_id),
            object_repr=f"digest to {user.get_username()} failed",
            details={"error": error, "day": digest.day.isoformat()},
        )
        return Digest.State.FAILED
    Digest.objects.filter(pk=digest_id, claimed_at=now).update(
        state=Digest.State.SENT, sent_at=timezone.now(), last_error=""
    )
    return Digest.State.SENT


def digest_give_up(*, digest_id: int, error: str) -> None:
    """Retries are exhausted: record the digest as failed for the second line to see."""
    updated = Digest.objects.filter(pk=digest_id, state=Digest.State.PENDING).update(
        state=Digest.State.FAILED, last_error=f"gave up after retries: {error}"[:2000]
    )
    if updated:
        audit_record(
            action=AuditEvent.Action.CHANGED,
            actor=None,
            object_type="reminders.Digest",
            object_id=str(digest_id),
            object_repr="digest not delivered after retries",
            details={"error": error[:500]},
        )


def _message(digest: Digest) -> EmailMultiAlternatives:
    with translation.override(digest.language or settings.LANGUAGE_CODE):
        items = [{**i, "reason": reason_text(i["kind"], i["n"], i["level"])} for i in digest.items]
        context = {
            "user": digest.user,
            "day": digest.day,
            "items": items,
            "base_url": settings.THREELINES_BASE_URL,
        }
        subject = _("[Threelines] %(n)d reminders for %(day)s") % {
            "n": len(items),
            "day": digest.day.isoformat(),
        }
        text = render_to_string("reminders/digest.txt", context)
        html = render_to_string("reminders/digest.html", context)
    message = EmailMultiAlternatives(subject, text, None, [digest.user.email])
    message.attach_alternative(html, "text/html")
    return message
