"""Celery discovers tasks here (``app.autodiscover_tasks``)."""

from celery import shared_task

from measures.reminders.tasks import send_digest, sweep
from measures.reports.tasks import render_report, requeue
from measures.stored_states import store_stale_states

__all__ = ["render_report", "requeue", "send_digest", "store_stale", "sweep"]


@shared_task(name="measures.store_stale_states")
def store_stale() -> int:
    """Store the states the services did not (bulk loads, a new phrase code): beat runs it
    every 10 minutes (migration 0018); the number stored."""
    return store_stale_states()
