"""Sending one digest: claimed by a conditional UPDATE so two workers cannot both send it,
retried on transient SMTP errors, given up after the last retry."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import time

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import InterfaceError, OperationalError, connection
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from governance.audit import audit_record
from governance.models import (
    AuditEvent,
)
from reminders.models import Digest, reason_text

logger = logging.getLogger(__name__)

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
    _mark_sent(digest_id, claimed_at=now)
    return Digest.State.SENT


# After the SMTP server accepted a digest, its "sent" mark must not be lost: the database
# connection may have dropped while it idled through the SMTP exchange, and a digest left
# "sending" would be sent again after SENDING_TIMEOUT.
MARK_ATTEMPTS = 5


def _mark_sent(digest_id: int, *, claimed_at) -> None:
    for attempt in range(1, MARK_ATTEMPTS + 1):
        try:
            Digest.objects.filter(pk=digest_id, claimed_at=claimed_at).update(
                state=Digest.State.SENT, sent_at=timezone.now(), last_error=""
            )
            return
        except (OperationalError, InterfaceError) as exc:
            logger.warning("digest %s sent; marking it failed (%s), reconnecting", digest_id, exc)
            connection.close()  # the next query opens a new connection
            if attempt == MARK_ATTEMPTS:
                logger.critical(
                    "digest %s was accepted by SMTP but could not be marked sent: it will be "
                    "sent again after %s (Message-ID lets mail servers drop the copy)",
                    digest_id,
                    SENDING_TIMEOUT,
                )
                raise
            time.sleep(0.2 * 2**attempt)


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
    # One Message-ID per digest, the same on every attempt: a copy sent again after a lost
    # "sent" mark is the same message to the mail servers that drop duplicates.
    domain = settings.THREELINES_BASE_URL.split("//")[-1].split("/")[0].split(":")[0]
    message = EmailMultiAlternatives(
        subject,
        text,
        None,
        [digest.user.email],
        headers={"Message-ID": f"<digest-{digest.pk}-{digest.day.isoformat()}@{domain}>"},
    )
    message.attach_alternative(html, "text/html")
    return message
