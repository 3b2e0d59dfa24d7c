"""Celery discovers tasks here (``app.autodiscover_tasks``)."""

from measures.reminders.tasks import send_digest, sweep
from measures.reports.tasks import render_report, requeue

__all__ = ["render_report", "requeue", "send_digest", "sweep"]
