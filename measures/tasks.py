"""Celery tasks of the measures (discovered by ``app.autodiscover_tasks``)."""

from celery import shared_task

from measures.stored_states import store_stale_states


@shared_task(name="measures.store_stale_states")
def store_stale() -> int:
    """Store the states the services did not (bulk loads, a new phrase code): beat runs it
    every 10 minutes; the number stored."""
    return store_stale_states()
