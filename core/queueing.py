"""Queue a Celery task by its name. Services queue follow-up work through this, so they need
not import the tasks module that imports them (tasks take ids and call the services)."""

from __future__ import annotations

from celery import current_app


def enqueue(task: str, *args) -> None:
    """Send ``task`` with ``args`` to the broker; raises what the broker raises."""
    current_app.send_task(task, args=args)
