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
from governance.audit import audit_change
from governance.models import AuditEvent, Organization, OrgUnit, Recommendation, RequiredItem
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
    "code",
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
    "third_line_verifies",
    "position",
}


@transaction.atomic
def perspective_create(
    *,
    organization: Organization,
    code: str,
    name: str,
    position: int | None = None,
    actor,
    reason: str,
) -> Perspective:
    """A heading of ``organization``'s plan; ``position`` defaults to after the last."""
    if Perspective.objects.filter(organization=organization, code=code).exists():
        raise refusal("code", _("This code is already used in the plan."), code="code_taken")
    if position is None:
        position = _next_position(Perspective.objects.filter(organization=organization))
    perspective = Perspective(organization=organization, code=code, name=name, position=position)
    save_tracked(perspective, actor=actor, reason=reason)
    audit_change(perspective, actor=actor, reason=reason, action=AuditEvent.Action.CHANGED)
    return perspective


@transaction.atomic
def perspective_update(
    *, perspective: Perspective, name: str, position: int, actor, reason: str
) -> Perspective:
    if not reason.strip():
        raise refusal("reason", _("Say why the plan changes."), code="reason_required")
    perspective = Perspective.objects.select_for_update().get(pk=perspective.pk)
    perspective.name, perspective.position = name, position
    save_tracked(perspective, actor=actor, reason=reason)
    audit_change(perspective, actor=actor, reason=reason, action=AuditEvent.Action.CHANGED)
    return perspective


def _next_position(queryset) -> int:
    last = queryset.order_by("-position").values_list("position", flat=True).first()
    return (last or 0) + 1


@transaction.atomic
def countermeasure_create(
    *,
    organization: Organization,
    code: str,
    title: str,
    nature: str,
    position: int | None = None,
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
    third_line_verifies: bool = False,
    planned_on: dt.date | None = None,
    actor,
    reason: str = "",
) -> Countermeasure:
    """Create a measure of ``organization``; a sub-item goes under a top-level ``parent``.
    ``planned_on`` (default today) is when it entered the plan; ``position`` defaults to
    after the last measure of its perspective (a sub-item: of its parent).

    Every linked row (parent, perspective, owner unit, root causes) must belong to the same
    organization; incidents must involve it.
    """
    if position is None:
        siblings = Countermeasure.objects.filter(organization=organization, parent=parent)
        if parent is None:
            siblings = siblings.filter(perspective=perspective)
        position = _next_position(siblings)
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
        third_line_verifies=third_line_verifies,
        planned_on=planned_on or timezone.localdate(),
    )
    measure.planned_start = planned_start
    measure.due = due
    root_causes, incidents = list(root_causes), list(incidents)
    _check_measure(measure, root_causes=root_causes, incidents=incidents)
    reason = reason or _("Countermeasure created")
    save_tracked(measure, actor=actor, reason=reason)
    measure.root_causes.set(root_causes)
    measure.incidents.set(incidents)
    permissions.access_sync_objects(Countermeasure, [measure.pk], actor=actor)
    audit_change(measure, actor=actor, reason=reason, action=AuditEvent.Action.CHANGED)
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
    if not reason.strip():
        raise refusal("reason", _("Say why the measure changes."), code="reason_required")
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
    audit_change(measure, actor=actor, reason=reason, action=AuditEvent.Action.CHANGED)
    return measure


def _check_measure(
    measure: Countermeasure, *, root_causes: list[RootCause], incidents: list[Incident]
) -> None:
    check_measure(
        measure,
        root_causes=root_causes,
        incidents=incidents,
        code_taken=Countermeasure.objects.filter(
            organization_id=measure.organization_id, code=measure.code
        )
        .exclude(pk=measure.pk)
        .exists(),
        parent_has_status=measure.pk is None
        and measure.parent is not None
        and measure.parent.events.exists(),
    )


def check_measure(
    measure: Countermeasure,
    *,
    root_causes: list[RootCause],
    incidents: list[Incident],
    code_taken: bool,
    parent_has_status: bool,
) -> None:
    """What makes a measure valid, on the values at hand (the two facts that need the
    database are given): an import checks thousands of measures this way and writes them
    together. Raises one ``ValidationError`` with every problem by field."""
    errors: dict[str, list[ValidationError]] = {}
    org_id = measure.organization_id

    def add(field: str, message: str, code: str = "other_organization") -> None:
        errors.setdefault(field, []).append(ValidationError(message, code=code))

    if code_taken:
        add(
            "code",
            _("Code %(code)s is already used in this organization's plan.")
            % {"code": measure.code},
            "code_taken",
        )

    if measure.parent is not None:
        if parent_has_status:
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
    """Take a measure (with its sub-items) out of the plan; it stays in the history and in
    the reports already made. Nothing is deleted."""
    if not reason.strip():
        raise refusal("reason", _("Say why the measure is withdrawn."), code="reason_required")
    measure = Countermeasure.objects.select_for_update().get(pk=measure.pk)
    if measure.archived_at is None:
        now = timezone.now()
        for each in [*measure.sub_items.filter(archived_at__isnull=True), measure]:
            each.archived_at = now
            save_tracked(each, actor=actor, reason=reason, validate=False)
            audit_change(each, actor=actor, reason=reason, action=AuditEvent.Action.ARCHIVED)
    return measure


@transaction.atomic
def countermeasure_move(*, measure: Countermeasure, up: bool, actor) -> Countermeasure:
    """Swap ``measure`` with its neighbour above (``up``) or below in its perspective (a
    sub-item: under its parent). At the end of the list nothing changes."""
    measure = lock_measure(measure)
    siblings = Countermeasure.objects.filter(
        organization_id=measure.organization_id,
        parent_id=measure.parent_id,
        archived_at__isnull=True,
    ).select_for_update()
    if measure.parent_id is None:
        siblings = siblings.filter(perspective_id=measure.perspective_id)
    ordered = list(siblings.order_by("position", "code"))
    index = next(i for i, m in enumerate(ordered) if m.pk == measure.pk)
    other_index = index - 1 if up else index + 1
    if not 0 <= other_index < len(ordered):
        return measure
    other = ordered[other_index]
    ordered[index], ordered[other_index] = other, measure
    reason = _("Order changed")
    for position, each in enumerate(ordered, start=1):
        if each.position != position:
            each.position = position
            save_tracked(each, actor=actor, reason=reason, validate=False)
    audit_change(measure, actor=actor, reason=reason, action=AuditEvent.Action.CHANGED)
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
    audit_change(
        measure,
        actor=actor,
        reason=_("Required item linked to measure"),
        action=AuditEvent.Action.CHANGED,
    )
    return link


@transaction.atomic
def countermeasure_set_required_items(
    *, measure: Countermeasure, items: Iterable[RequiredItem], actor, reason: str
) -> None:
    """Make ``items`` the regulator's required items ``measure`` covers: new links are
    made, links no longer wanted are archived (they stay in the history)."""
    wanted = {item.pk: item for item in items}
    current = {
        link.required_item_id: link
        for link in measure.required_item_coverage.filter(archived_at__isnull=True)
    }
    for pk, item in wanted.items():
        if pk not in current:
            required_item_link_measure(required_item=item, measure=measure, note="", actor=actor)
    now = timezone.now()
    for pk, link in current.items():
        if pk not in wanted:
            link.archived_at = now
            save_tracked(link, actor=actor, reason=reason, validate=False)
