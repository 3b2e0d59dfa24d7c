"""Celery discovers tasks here (``app.autodiscover_tasks``)."""

from measures.reminders.tasks import send_digest, sweep

__all__ = ["send_digest", "sweep"]
