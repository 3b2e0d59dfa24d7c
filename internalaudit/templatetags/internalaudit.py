"""Internal audit's panels on pages drawn by the apps below (the dashboard, the root causes),
which may not import it."""

from __future__ import annotations

from django import template

from governance.models import Organization
from internalaudit import selectors
from internalaudit.models import Finding, FindingState
from monitoring import selectors as monitoring
from monitoring.models import ExceptionState, MonitoringException

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


@register.inclusion_tag("internalaudit/_root_causes.html")
def lines_on_root_causes(user, organization, causes) -> dict:
    """The second and third lines on a company's root causes: the monitoring exceptions
    answered by a measure of each root cause, and the audit findings that bear on it — those
    the person may open (two queries whatever the data)."""
    exceptions = MonitoringException.measures.through.objects.filter(
        monitoringexception__in=monitoring.exceptions_for(user),
        monitoringexception__organization=organization,
        countermeasure__root_causes__isnull=False,
    ).values_list(
        "countermeasure__root_causes",
        "monitoringexception_id",
        "monitoringexception__number",
        "monitoringexception__title",
        "monitoringexception__state",
    )
    findings = Finding.root_causes.through.objects.filter(
        finding__in=selectors.findings_for(user), finding__organization=organization
    ).values_list(
        "rootcause_id", "finding_id", "finding__number", "finding__title", "finding__state"
    )
    by_cause: dict[int, dict[str, dict]] = {}
    for cause_id, pk, number, title, state in exceptions:
        row = by_cause.setdefault(cause_id, {"exceptions": {}, "findings": {}})
        row["exceptions"][pk] = (f"E-{number}", title, ExceptionState(state).label)
    for cause_id, pk, number, title, state in findings:
        row = by_cause.setdefault(cause_id, {"exceptions": {}, "findings": {}})
        row["findings"][pk] = (f"F-{number}", title, FindingState(state).label)
    rows = [
        (cause, sorted(by_cause[cause.pk]["exceptions"].items()),
         sorted(by_cause[cause.pk]["findings"].items()))
        for cause in causes
        if cause.pk in by_cause
    ]  # fmt: skip
    return {"rows": rows}
