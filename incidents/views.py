"""JSON endpoints on incidents and root causes (counts only, never customer data)."""

from django.http import JsonResponse
from django.views.decorators.http import require_GET

from governance.decorators import object_view
from governance.models import AuditEvent
from incidents.models import Incident, RootCause


@require_GET
@object_view(model=Incident, audit=AuditEvent.Action.VIEWED)
def incident_detail(request, incident):
    return JsonResponse(
        {
            "id": incident.pk,
            "label": incident.label,
            "title": incident.title,
            "summary": incident.summary,
            "organization": incident.organization.code,
            "metrics": [
                {
                    "label": m.label,
                    "count": m.count,
                    "unit": m.unit,
                    "period": m.period_ja,
                    "note": m.note,
                }
                for m in incident.metrics.filter(archived_at__isnull=True)
            ],
        }
    )


@require_GET
@object_view(model=RootCause, audit=AuditEvent.Action.VIEWED)
def root_cause_detail(request, root_cause):
    return JsonResponse(
        {
            "id": root_cause.pk,
            "label": root_cause.label,
            "title": root_cause.title,
            "explanation": root_cause.explanation,
            "organization": root_cause.organization.code,
        }
    )
