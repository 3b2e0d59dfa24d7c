"""Celery task of the reports (takes an id; the service does the work)."""

from celery import shared_task

from measures.reports.services import report_render


@shared_task(name="measures.render_report")
def render_report(report_id: int) -> str:
    return report_render(report_id=report_id)
