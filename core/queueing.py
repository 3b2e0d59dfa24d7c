"""Queue a Celery task by its name. Services queue follow-up work through this, so they need
not import the tasks module that imports them (tasks take ids and call the services)."""

from __future__ import annotations

import logging

from celery import current_app

logger = logging.getLogger(__name__)


def enqueue(task: str, *args) -> None:
    """Send ``task`` with ``args`` to the broker; raises what the broker raises."""
    current_app.send_task(task, args=args)


def try_enqueue(task: str, *args) -> bool:
    """``enqueue``, for work that a sweep or a retry takes up again: a broker that is down
    (kombu raises many kinds) is logged, never raised into the request or sweep that
    queued it. Whether it was queued."""
    try:
        enqueue(task, *args)
    except Exception:
        logger.exception("could not queue %s%r", task, args[:1])
        return False
    return True
