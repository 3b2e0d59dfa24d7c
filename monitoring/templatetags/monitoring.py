"""Monitoring panels on pages drawn by the apps below (a measure's page, the dashboard),
which may not import monitoring."""

from __future__ import annotations

from django import template
from django.utils import timezone

from monitoring import selectors

register = template.Library()


@register.inclusion_tag("monitoring/_measure_panel.html")
def measure_monitoring(measure, user, internal: bool = True) -> dict:
    """The monitoring that checks ``measure`` with its last run, and the exceptions it
    answers (linked where the person may open them); none of it for a company that sees
    the measure through a share only."""
    if not internal:
        return {"rows": [], "exceptions": [], "shown": False}
    rows = selectors.covering(measure, day=timezone.localdate())
    exceptions = list(selectors.answering(measure))
    opens = set(
        selectors.activities_for(user)
        .filter(pk__in=[r.activity.pk for r in rows])
        .values_list("pk", flat=True)
    )
    opens_exceptions = set(
        selectors.exceptions_for(user)
        .filter(pk__in=[e.pk for e in exceptions])
        .values_list("pk", flat=True)
    )
    return {
        "rows": [(row, row.activity.pk in opens) for row in rows],
        "exceptions": [(e, e.pk in opens_exceptions) for e in exceptions],
        "shown": True,
    }


@register.inclusion_tag("monitoring/_coverage.html")
def monitoring_coverage(user, day) -> dict:
    """The second line's picture, on ``day``, of the companies whose monitoring the person
    reads."""
    org_ids = sorted(set(selectors.activities_for(user).values_list("organization_id", flat=True)))
    if not org_ids:
        return {"coverage": None}
    return {"coverage": selectors.coverage(org_ids, day=day)}
