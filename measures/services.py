"""Writes on countermeasures: create, update, record progress, verify, reopen, link, attach.

Every function is keyword-only, atomic, refuses what would break the plan's invariants with a
``ValidationError`` in the user's language (nothing is written then), and records who did it
and why in the history.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import PrecisionDate
from core.history import save_tracked
from governance import permissions
from governance.models import Organization, OrgUnit, Recommendation, RequiredItem
from incidents.models import Incident, RootCause
from measures.models import (
    Comment,
    Countermeasure,
    Evidence,
    Nature,
    Perspective,
    RecommendationReflection,
    RequiredItemCoverage,
    StatusEvent,
)
from measures.statuses import DONE_OR_RUNNING, RECORDABLE_AFTER, REOPENABLE, VERIFIABLE, Status
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
    measure = _lock(measure)
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
    errors: dict[str, list[str]] = {}
    org_id = measure.organization_id

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if measure.parent is not None:
        if measure.pk is None and measure.parent.events.exists():
            add("parent", _("The parent measure already has a status of its own."))
        if measure.parent.organization_id != org_id:
            add("parent", _("The parent measure belongs to another organization."))
        if measure.parent.parent_id is not None:
            add("parent", _("A sub-item cannot have sub-items of its own."))
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
        add("recurrence_months", _("Only a recurring measure has an interval."))
    if measure.planned_start and measure.due and measure.due.end < measure.planned_start.start:
        add("due_on", _("The measure is due before it is planned to start."))
    if errors:
        raise ValidationError(errors)


def _latest_event(measure: Countermeasure) -> StatusEvent | None:
    return measure.events.order_by("-effective_on_date", "-recorded_at", "-id").first()


def _lock(measure: Countermeasure) -> Countermeasure:
    """Serialise writers of one measure's timeline; an archived measure takes no writes."""
    locked = Countermeasure.objects.select_for_update().get(pk=measure.pk)
    _refuse_archived(locked)
    return locked


def _refuse_archived(measure: Countermeasure) -> None:
    if measure.archived_at is not None:
        raise ValidationError(
            _("This measure was taken out of the plan (archived); it takes no more changes."),
            code="archived",
        )


def _check_date(
    *, measure: Countermeasure, effective_on: PrecisionDate, today: dt.date | None
) -> StatusEvent | None:
    today = today or timezone.localdate()
    if effective_on.start > today:
        raise ValidationError(
            {
                "effective_on": _("%(date)s is in the future; record what has happened.")
                % {"date": effective_on.ja()}
            },
            code="future",
        )
    latest = _latest_event(measure)
    if latest is not None and effective_on.start < latest.effective_on.start:
        raise ValidationError(
            {
                "effective_on": _(
                    "%(date)s is before the latest recorded event (%(status)s, %(latest)s)."
                )
                % {
                    "date": effective_on.ja(),
                    "status": latest.get_status_display(),
                    "latest": latest.effective_on.ja(),
                }
            },
            code="before_previous",
        )
    return latest


def _save_event(event: StatusEvent, *, actor, reason: str) -> StatusEvent:
    save_tracked(event, actor=actor, reason=reason)
    store_states([event.measure_id])  # in this transaction: the state with this event
    return event


@transaction.atomic
def countermeasure_record_status(
    *,
    measure: Countermeasure,
    status: str,
    effective_on: PrecisionDate,
    actor,
    note: str = "",
    occurrence_count: int | None = None,
    planned_for: PrecisionDate | None = None,
    phrase_override: str = "",
    today: dt.date | None = None,
) -> StatusEvent:
    """Record that ``measure`` reached ``status`` on ``effective_on`` (valid time).

    Refuses: a transition the status model does not allow (see ``RECORDABLE_AFTER``), an
    event dated before the latest one or in the future, a status on a measure whose status
    comes from its sub-items, a re-plan without a new date, and verification or reopening
    (``countermeasure_verify_effectiveness`` / ``countermeasure_reopen`` do those).
    """
    measure = _lock(measure)
    if status in (Status.VERIFIED, Status.NOT_EFFECTIVE, Status.REOPENED):
        raise ValidationError(
            {"status": _("Effectiveness verification and reopening are second-line acts.")},
            code="second_line_act",
        )
    if measure.sub_items.filter(archived_at__isnull=True).exists():
        raise ValidationError(
            _("The status of this measure comes from its sub-items; record it on a sub-item."),
            code="has_sub_items",
        )
    latest = _check_date(measure=measure, effective_on=effective_on, today=today)
    current = latest.status if latest else Status.PLANNED
    allowed = RECORDABLE_AFTER[current]
    if measure.nature == Nature.ONE_OFF and current in DONE_OR_RUNNING:
        allowed = set()
    if (
        status == Status.IMPLEMENTED
        and current in DONE_OR_RUNNING
        and measure.nature != Nature.RECURRING
    ):
        allowed = allowed - {Status.IMPLEMENTED}
    if status not in allowed:
        raise ValidationError(
            {
                "status": _("A measure that is %(current)s cannot become %(new)s.")
                % {
                    "current": Status(current).label,
                    "new": Status(status).label,
                }
            },
            code="invalid_transition",
        )
    if status == Status.IN_OPERATION and measure.nature == Nature.ONE_OFF:
        raise ValidationError(
            {"status": _("A one-off measure is implemented once; it is not kept in operation.")},
            code="one_off_in_operation",
        )
    if status == Status.PLANNED and planned_for is None:
        raise ValidationError(
            {"planned_for": _("Give the date the measure is now planned for.")},
            code="planned_for_required",
        )
    if occurrence_count is not None and measure.nature != Nature.RECURRING:
        raise ValidationError(
            {"occurrence_count": _("Only a recurring measure counts occurrences.")},
            code="occurrences_not_recurring",
        )
    event = StatusEvent(
        measure=measure,
        status=status,
        occurrence_count=occurrence_count,
        note=note,
        phrase_override=phrase_override,
        recorded_by=actor,
    )
    event.effective_on = effective_on
    event.planned_for = planned_for
    return _save_event(
        event,
        actor=actor,
        reason=_("Status recorded: %(status)s") % {"status": Status(status).label},
    )


@transaction.atomic
def countermeasure_verify_effectiveness(
    *,
    measure: Countermeasure,
    effective: bool,
    effective_on: PrecisionDate,
    note: str,
    actor,
    today: dt.date | None = None,
) -> StatusEvent:
    """Record the second line's verdict on whether an implemented measure works.

    Only an implemented or running measure can be verified; the verdict needs a note that
    says what was checked.
    """
    measure = _lock(measure)
    latest = _check_date(measure=measure, effective_on=effective_on, today=today)
    current = latest.status if latest else Status.PLANNED
    if current not in VERIFIABLE:
        raise ValidationError(
            _("Only an implemented or running measure can be verified; this one is %(current)s.")
            % {"current": Status(current).label},
            code="not_implemented",
        )
    if not note.strip():
        raise ValidationError(
            {"note": _("Say what was checked to verify effectiveness.")}, code="note_required"
        )
    status = Status.VERIFIED if effective else Status.NOT_EFFECTIVE
    event = StatusEvent(measure=measure, status=status, note=note, recorded_by=actor)
    event.effective_on = effective_on
    return _save_event(
        event,
        actor=actor,
        reason=_("Effectiveness verified: %(status)s") % {"status": Status(status).label},
    )


@transaction.atomic
def countermeasure_reopen(
    *,
    measure: Countermeasure,
    effective_on: PrecisionDate,
    note: str,
    actor,
    planned_for: PrecisionDate | None = None,
    today: dt.date | None = None,
) -> StatusEvent:
    """Reopen a measure the second line found wanting (or one that was put aside)."""
    measure = _lock(measure)
    latest = _check_date(measure=measure, effective_on=effective_on, today=today)
    current = latest.status if latest else Status.PLANNED
    if current not in REOPENABLE:
        raise ValidationError(
            _("A measure that is %(current)s cannot be reopened.")
            % {"current": Status(current).label},
            code="not_reopenable",
        )
    if not note.strip():
        raise ValidationError({"note": _("Say why the measure is reopened.")}, code="note_required")
    event = StatusEvent(measure=measure, status=Status.REOPENED, note=note, recorded_by=actor)
    event.effective_on = effective_on
    event.planned_for = planned_for
    return _save_event(event, actor=actor, reason=_("Measure reopened"))


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
        raise ValidationError(
            {"how_reflected": _("Say how the recommendation is reflected.")},
            code="how_required",
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


MAX_EVIDENCE_BYTES = 25 * 1024 * 1024


@transaction.atomic
def evidence_attach(
    *,
    measure: Countermeasure,
    uploaded: UploadedFile,
    title: str,
    actor,
    status_event: StatusEvent | None = None,
) -> Evidence:
    """Store a file as evidence for ``measure`` under its SHA-256."""
    _refuse_archived(measure)
    if uploaded.size > MAX_EVIDENCE_BYTES:
        raise ValidationError(
            {"file": _("The file is larger than %(mb)s MB.") % {"mb": MAX_EVIDENCE_BYTES >> 20}},
            code="too_large",
        )
    if status_event is not None and status_event.measure_id != measure.pk:
        raise ValidationError(
            _("The status event belongs to another measure."), code="event_mismatch"
        )
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    evidence = Evidence(
        measure=measure,
        status_event=status_event,
        title=title,
        original_name=uploaded.name or "",
        content_type=getattr(uploaded, "content_type", "") or "application/octet-stream",
        size=uploaded.size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    uploaded.seek(0)
    evidence.file.save(evidence.sha256, uploaded, save=False)
    save_tracked(evidence, actor=actor, reason=_("Evidence attached"))
    return evidence


@transaction.atomic
def comment_add(*, measure: Countermeasure, body: str, actor) -> Comment:
    """Add a comment to a measure (anyone who may see the measure)."""
    _refuse_archived(measure)
    if not body.strip():
        raise ValidationError({"body": _("Write the comment.")}, code="empty")
    comment = Comment(measure=measure, body=body.strip(), author=actor)
    save_tracked(comment, actor=actor, reason=_("Comment added"))
    return comment
