"""Celery tasks of the reports (they take ids; the services do the work)."""

from celery import shared_task

from reports.render import RENDER_TASK, report_render, reports_requeue


@shared_task(name=RENDER_TASK)
def render_report(report_id: int) -> str:
    return report_render(report_id=report_id)


@shared_task(name="reports.requeue")
def requeue() -> dict[str, int]:
    return reports_requeue()
