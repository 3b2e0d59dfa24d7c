"""Writes on incidents, their metrics and root causes (keyword-only, atomic, history-tracked)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from core.dates import PrecisionDate
from core.errors import refusal
from core.history import save_tracked
from governance import permissions
from governance.models import Organization
from incidents.models import AffectedSystem, Incident, IncidentMetric, RootCause


@transaction.atomic
def affected_system_create(
    *,
    organization: Organization,
    code: str,
    name: str,
    operator: str = "",
    description: str = "",
    actor,
    reason: str,
) -> AffectedSystem:
    if AffectedSystem.objects.filter(organization=organization, code=code).exists():
        raise refusal("code", _("This code is already used."), code="code_taken")
    system = AffectedSystem(
        organization=organization,
        code=code,
        name=name,
        operator=operator,
        description=description,
    )
    save_tracked(system, actor=actor, reason=reason)
    permissions.access_sync_objects(AffectedSystem, [system.pk], actor=actor)
    return system


@transaction.atomic
def incident_create(
    *,
    organization: Organization,
    number: int,
    title: str,
    summary: str,
    organizations_involved: list[Organization],
    systems: list[AffectedSystem] = (),
    notes: str = "",
    actor,
    reason: str,
) -> Incident:
    """Record an incident owned by ``organization``; it always involves its owner."""
    if any(s.organization_id != organization.pk for s in systems):
        raise refusal("systems", _("A system belongs to another organization."), code="other_org")
    incident = Incident(
        organization=organization, number=number, title=title, summary=summary, notes=notes
    )
    save_tracked(incident, actor=actor, reason=reason)
    incident.organizations_involved.set({organization, *organizations_involved})
    incident.systems.set(systems)
    permissions.access_sync_objects(Incident, [incident.pk], actor=actor)
    return incident


@transaction.atomic
def incident_metric_add(
    *,
    incident: Incident,
    position: int,
    label: str,
    count: int,
    period_start: PrecisionDate,
    period_end: PrecisionDate,
    note: str = "",
    unit: str = "件",
    actor,
    reason: str,
) -> IncidentMetric:
    """Add a count over a period to an incident (counts only, never the records)."""
    metric = IncidentMetric(
        incident=incident, position=position, label=label, count=count, note=note, unit=unit
    )
    metric.period_start = period_start
    metric.period_end = period_end
    save_tracked(metric, actor=actor, reason=reason)
    return metric


def _check_involved(organization: Organization, incidents) -> None:
    for incident in incidents:
        involved = {o.pk for o in incident.organizations_involved.all()}
        if organization.pk not in involved:
            raise refusal(
                "incidents",
                _("Incident %(label)s does not involve this organization.")
                % {"label": incident.label},
                code="not_involved",
            )


@transaction.atomic
def root_cause_create(
    *,
    organization: Organization,
    number: int,
    title: str,
    explanation: str = "",
    short_title: str = "",
    incidents: list[Incident] = (),
    actor,
    reason: str,
) -> RootCause:
    """Record a root cause (真因) of ``organization`` for incidents that involve it."""
    _check_involved(organization, incidents)
    if RootCause.objects.filter(organization=organization, number=number).exists():
        raise refusal("number", _("This number is already used."), code="number_taken")
    root_cause = RootCause(
        organization=organization,
        number=number,
        title=title,
        short_title=short_title,
        explanation=explanation,
    )
    save_tracked(root_cause, actor=actor, reason=reason)
    root_cause.incidents.set(incidents)
    permissions.access_sync_objects(RootCause, [root_cause.pk], actor=actor)
    return root_cause


@transaction.atomic
def root_cause_update(
    *,
    root_cause: RootCause,
    title: str,
    short_title: str = "",
    explanation: str = "",
    incidents: list[Incident] | None = None,
    actor,
    reason: str,
) -> RootCause:
    """Reword a root cause (its number stays: measures and reports cite it)."""
    if not reason.strip():
        raise refusal("reason", _("Say why the root cause changes."), code="reason_required")
    root_cause = RootCause.objects.select_for_update().get(pk=root_cause.pk)
    if incidents is not None:
        _check_involved(root_cause.organization, incidents)
    root_cause.title, root_cause.short_title = title, short_title
    root_cause.explanation = explanation
    save_tracked(root_cause, actor=actor, reason=reason)
    if incidents is not None:
        root_cause.incidents.set(incidents)
    return root_cause


def next_root_cause_number(organization: Organization) -> int:
    last = (
        RootCause.objects.filter(organization=organization)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return (last or 0) + 1


def next_incident_number(organization: Organization) -> int:
    last = (
        Incident.objects.filter(organization=organization)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return (last or 0) + 1


@transaction.atomic
def incident_update(
    *,
    incident: Incident,
    title: str,
    summary: str,
    notes: str,
    organizations_involved: list[Organization],
    systems: list[AffectedSystem],
    actor,
    reason: str,
) -> Incident:
    """Correct what an incident says; its owner stays involved."""
    if not reason.strip():
        raise refusal("reason", _("Say why the record changes."), code="reason_required")
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if any(s.organization_id != incident.organization_id for s in systems):
        raise refusal("systems", _("A system belongs to another organization."), code="other_org")
    incident.title, incident.summary, incident.notes = title, summary, notes
    save_tracked(incident, actor=actor, reason=reason)
    incident.organizations_involved.set({incident.organization, *organizations_involved})
    incident.systems.set(systems)
    permissions.access_sync_objects(Incident, [incident.pk], actor=actor)
    return incident


@transaction.atomic
def affected_system_update(
    *, system: AffectedSystem, name: str, operator: str, description: str, actor, reason: str
) -> AffectedSystem:
    if not reason.strip():
        raise refusal("reason", _("Say why the record changes."), code="reason_required")
    system = AffectedSystem.objects.select_for_update().get(pk=system.pk)
    system.name, system.operator, system.description = name, operator, description
    save_tracked(system, actor=actor, reason=reason)
    return system
