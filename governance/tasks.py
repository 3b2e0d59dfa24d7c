"""Background work of the governance app: the daily access sync (its management-command
twin: ``manage.py sync_access``) and the alert mails that requests queue."""

from __future__ import annotations

import datetime as dt
import smtplib

from celery import shared_task
from django.utils import timezone

from governance.accounts import MAIL_TASK, alert_mail_send
from governance.permissions import access_sync_all_objects, access_sync_all_users


@shared_task(name="governance.sync_access")
def sync_access(day: str | None = None) -> dict:
    """Apply role start and end dates to every account and re-derive every object
    permission (daily, after midnight): a safety net behind the services' own syncs."""
    date = dt.date.fromisoformat(day) if day else timezone.localdate()
    checked, joined, left = access_sync_all_users(today=date)
    changes = access_sync_all_objects()
    return {
        "day": date.isoformat(),
        "checked": checked,
        "joined": joined,
        "left": left,
        "permission_changes": changes,
    }


@shared_task(
    name=MAIL_TASK,
    autoretry_for=(smtplib.SMTPException, OSError),  # refused, timed out, a 4xx
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=8,
)
def send_alert_mail(subject: str, body: str, recipients: list[str]) -> None:
    """An alert to the second line, queued by the request that raised it."""
    alert_mail_send(subject=subject, body=body, recipients=recipients)
