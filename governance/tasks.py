"""Periodic work of the governance app. Each task has a management-command twin that runs
the same service synchronously (here: ``manage.py sync_access``)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

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
