"""Internal audit's panel on the dashboard (drawn by measures, which may not import it)."""

from __future__ import annotations

from django import template

from governance.models import Organization
from internalaudit import selectors

register = template.Library()


@register.inclusion_tag("internalaudit/_dashboard.html")
def audit_picture(user, day) -> dict:
    """Findings open on ``day`` by rating and age, and agreed actions past their date, for
    the companies whose audit plan the person reads."""
    org_ids = set(selectors.engagements_for(user).values_list("organization_id", flat=True))
    if not org_ids:
        return {"pictures": []}
    orgs = list(Organization.objects.filter(pk__in=org_ids).order_by("code"))
    return {
        "pictures": selectors.audit_picture(orgs, day=day, with_measures=False),
        "bands": selectors.AGE_BANDS,
    }
