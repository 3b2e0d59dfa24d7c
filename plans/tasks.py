"""Celery tasks of the plans app (they take ids; the services do the work)."""

from celery import shared_task

from plans.imports import RUN_TASK, import_run


@shared_task(name=RUN_TASK)
def run_import(run_id: int) -> str:
    return import_run(run_id=run_id)
