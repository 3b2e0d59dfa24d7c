"""Writing the plan: perspectives, countermeasures and sub-items, their links to
recommendations and required items, archiving. Every write is validated, history-tracked
and re-derives access."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import PrecisionDate
from core.errors import refusal
from core.history import save_tracked
from governance import permissions
from governance.models import Organization, OrgUnit, Recommendation, RequiredItem
from incidents.models import Incident, RootCause
from measures.models import (
    Countermeasure,
    Nature,
    Perspective,
    RecommendationReflection,
    RequiredItemCoverage,
)
from measures.services.status import lock_measure
from measures.stored_states import store_states

_UPDATABLE = {
    "title",
    "detail",
    "perspective",
    "owner_unit",
    "owner_label",
    "nature",
    "recurrence_months",
    "verb",
    "planned_start",
    "due",
    "effectiveness_criteria",
    "effectiveness_check_due",
    "position",
}


@transaction.atomic
def perspective_create(
    *, organization: Organization, code: str, name: str, position: int, actor, reason: str
) -> Perspective:
    perspective = Perspective(organization=organization, code=code, name=name, position=position)
    save_tracked(perspective, actor=actor, reason=reason)
    return perspective


@transaction.atomic
def countermeasure_create(
    *,
    organization: Organization,
    code: str,
    title: str,
    nature: str,
    position: int,
    verb: str = "implement",
    parent: Countermeasure | None = None,
    detail: str = "",
    perspective: Perspective | None = None,
    root_causes: Iterable[RootCause] = (),
    incidents: Iterable[Incident] = (),
    owner_unit: OrgUnit | None = None,
    owner_label: str = "",
    recurrence_months: int | None = None,
    planned_start: PrecisionDate | None = None,
    due: PrecisionDate | None = None,
    effectiveness_criteria: str = "",
    effectiveness_check_due: dt.date | None = None,
    planned_on: dt.date | None = None,
    actor,
    reason: str = "",
) -> Countermeasure:
    """Create a measure of ``organization``; a sub-item goes under a top-level ``parent``.
    ``planned_on`` (default today) is when it entered the plan.

    Every linked row (parent, perspective, owner unit, root causes) must belong to the same
    organization; incidents must involve it.
    """
    measure = Countermeasure(
        organization=organization,
        code=code,
        title=title,
        nature=nature,
        position=position,
        verb=verb,
        parent=parent,
        detail=detail,
        perspective=perspective,
        owner_unit=owner_unit,
        owner_label=owner_label,
        recurrence_months=recurrence_months,
        effectiveness_criteria=effectiveness_criteria,
        effectiveness_check_due=effectiveness_check_due,
        planned_on=planned_on or timezone.localdate(),
    )
    measure.planned_start = planned_start
    measure.due = due
    root_causes, incidents = list(root_causes), list(incidents)
    _check_measure(measure, root_causes=root_causes, incidents=incidents)
    save_tracked(measure, actor=actor, reason=reason or _("Countermeasure created"))
    measure.root_causes.set(root_causes)
    measure.incidents.set(incidents)
    permissions.access_sync_objects(Countermeasure, [measure.pk], actor=actor)
    return measure


@transaction.atomic
def countermeasure_update(
    *,
    measure: Countermeasure,
    actor,
    reason: str,
    root_causes: Iterable[RootCause] | None = None,
    incidents: Iterable[Incident] | None = None,
    **fields,
) -> Countermeasure:
    """Change what a measure is. Status changes go through the status services instead."""
    unknown = set(fields) - _UPDATABLE
    if unknown:
        raise TypeError(f"countermeasure_update cannot change {sorted(unknown)}")
    if not reason:
        raise ValidationError(_("Say why the measure changes."), code="reason_required")
    measure = lock_measure(measure)
    changed = {name for name, value in fields.items() if getattr(measure, name) != value}
    if changed & {"nature", "verb"} and measure.events.exists():
        raise ValidationError(
            _(
                "The nature and verb shape the status wording of past reports; they cannot "
                "change once progress has been recorded."
            ),
            code="history_bound",
        )
    for name, value in fields.items():
        setattr(measure, name, value)
    root_causes = list(root_causes) if root_causes is not None else None
    incidents = list(incidents) if incidents is not None else None
    _check_measure(measure, root_causes=root_causes or [], incidents=incidents or [])
    save_tracked(measure, actor=actor, reason=reason)
    store_states([measure.pk])  # the wording reads some of these fields
    if root_causes is not None:
        measure.root_causes.set(root_causes)
    if incidents is not None:
        measure.incidents.set(incidents)
    if "owner_unit" in fields:
        permissions.access_sync_objects(Countermeasure, [measure.pk], actor=actor)
    return measure


def _check_measure(
    measure: Countermeasure, *, root_causes: list[RootCause], incidents: list[Incident]
) -> None:
    errors: dict[str, list[ValidationError]] = {}
    org_id = measure.organization_id

    def add(field: str, message: str, code: str = "other_organization") -> None:
        errors.setdefault(field, []).append(ValidationError(message, code=code))

    if measure.parent is not None:
        if measure.pk is None and measure.parent.events.exists():
            add(
                "parent",
                _("The parent measure already has a status of its own."),
                "parent_has_status",
            )
        if measure.parent.organization_id != org_id:
            add("parent", _("The parent measure belongs to another organization."))
        if measure.parent.parent_id is not None:
            add("parent", _("A sub-item cannot have sub-items of its own."), "nested_sub_item")
    if measure.perspective is not None and measure.perspective.organization_id != org_id:
        add("perspective", _("The perspective belongs to another organization."))
    if measure.owner_unit is not None and measure.owner_unit.organization_id != org_id:
        add("owner_unit", _("The owner unit belongs to another organization."))
    if any(rc.organization_id != org_id for rc in root_causes):
        add("root_causes", _("A root cause belongs to another organization."))
    for incident in incidents:
        involved = {o.pk for o in incident.organizations_involved.all()}
        if incident.organization_id != org_id and org_id not in involved:
            add(
                "incidents",
                _("Incident %(label)s does not involve this organization.")
                % {"label": incident.label},
            )
    if measure.nature != Nature.RECURRING and measure.recurrence_months is not None:
        add(
            "recurrence_months",
            _("Only a recurring measure has an interval."),
            "interval_not_recurring",
        )
    if measure.planned_start and measure.due and measure.due.end < measure.planned_start.start:
        add("due_on", _("The measure is due before it is planned to start."), "due_before_start")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def countermeasure_archive(*, measure: Countermeasure, actor, reason: str) -> Countermeasure:
    """Take a measure entered by mistake out of the plan; it stays in the history."""
    measure = Countermeasure.objects.select_for_update().get(pk=measure.pk)
    if measure.archived_at is None:
        measure.archived_at = timezone.now()
        save_tracked(measure, actor=actor, reason=reason, validate=False)
    return measure


@transaction.atomic
def recommendation_link_measure(
    *, recommendation: Recommendation, measure: Countermeasure, how_reflected: str, actor
) -> RecommendationReflection:
    """Trace a committee's recommendation to a measure that reflects it."""
    scope = set(recommendation.committee.scope.values_list("pk", flat=True))
    if measure.organization_id not in scope:
        raise ValidationError(
            _("The measure's organization is outside the committee's scope."),
            code="out_of_scope",
        )
    if not how_reflected.strip():
        raise refusal(
            "how_reflected", _("Say how the recommendation is reflected."), code="how_required"
        )
    link = RecommendationReflection(
        recommendation=recommendation,
        measure=measure,
        how_reflected=how_reflected,
        linked_by=actor,
    )
    save_tracked(link, actor=actor, reason=_("Recommendation linked to measure"))
    return link


@transaction.atomic
def required_item_link_measure(
    *, required_item: RequiredItem, measure: Countermeasure, note: str, actor
) -> RequiredItemCoverage:
    """Trace an item a regulator requires to a measure of the addressed organization."""
    if measure.organization_id != required_item.action.organization_id:
        raise ValidationError(
            _("The measure belongs to another organization than the regulatory action's."),
            code="other_organization",
        )
    link = RequiredItemCoverage(required_item=required_item, measure=measure, note=note)
    save_tracked(link, actor=actor, reason=_("Required item linked to measure"))
    return link
