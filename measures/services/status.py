"""A measure's status over time: recording progress (the transition table of
``measures.statuses``), verifying effectiveness and reopening (second-line acts). Events
are append-only and dated in valid time; each write stores the measure's state."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import PrecisionDate
from core.errors import refusal
from core.history import save_tracked
from governance.models import Deputyship, Role, RoleAssignment
from measures.models import (
    Countermeasure,
    Nature,
    StatusEvent,
)
from measures.statuses import (
    CHANGE_CONTROLLED,
    DONE_OR_RUNNING,
    RECORDABLE_AFTER,
    REOPENABLE,
    VERIFIABLE,
    Status,
)
from measures.stored_states import store_states


def _latest_event(measure: Countermeasure) -> StatusEvent | None:
    return measure.events.order_by("-effective_on_date", "-recorded_at", "-id").first()


def _proposes_only(actor, measure: Countermeasure) -> bool:
    """The first line: it may propose changes to the measure's plan, not make them."""
    return (
        actor is not None
        and actor.has_perm("measures.request_change", measure)
        and not actor.has_perm("measures.plan_countermeasure", measure)
    )


def current_status(measure: Countermeasure) -> str:
    """The status of the measure's latest event (planned before any)."""
    latest = _latest_event(measure)
    return latest.status if latest else Status.PLANNED


def lock_measure(measure: Countermeasure) -> Countermeasure:
    """Serialise writers of one measure's timeline; an archived measure takes no writes."""
    locked = Countermeasure.objects.select_for_update().get(pk=measure.pk)
    refuse_archived(locked)
    return locked


def refuse_archived(measure: Countermeasure) -> None:
    if measure.archived_at is not None:
        raise ValidationError(
            _("This measure was taken out of the plan (archived); it takes no more changes."),
            code="archived",
        )


def _check_date(
    *, measure: Countermeasure, effective_on: PrecisionDate, today: dt.date | None
) -> StatusEvent | None:
    latest = _latest_event(measure)
    check_event_date(
        effective_on=effective_on,
        latest_status=latest.status if latest else None,
        latest_on=latest.effective_on if latest else None,
        today=today or timezone.localdate(),
    )
    return latest


def check_event_date(
    *,
    effective_on: PrecisionDate,
    latest_status: str | None,
    latest_on: PrecisionDate | None,
    today: dt.date,
) -> None:
    """An event is not dated in the future nor before the measure's latest one."""
    if effective_on.start > today:
        raise refusal(
            "effective_on",
            _("%(date)s is in the future; record what has happened.") % {"date": effective_on.ja()},
            code="future",
        )
    if latest_on is not None and effective_on.start < latest_on.start:
        raise refusal(
            "effective_on",
            _("%(date)s is before the latest recorded event (%(status)s, %(latest)s).")
            % {
                "date": effective_on.ja(),
                "status": Status(latest_status).label,
                "latest": latest_on.ja(),
            },
            code="before_previous",
        )


def check_progress(
    *,
    nature: str,
    current: str,
    status: str,
    planned_for: PrecisionDate | None,
    occurrence_count: int | None,
) -> None:
    """The status model's rules for recording progress (``RECORDABLE_AFTER``), on plain
    values: what ``countermeasure_record_status`` checks, and an import of a plan's
    history checks for each of its events before writing them together."""
    allowed = RECORDABLE_AFTER[current]
    if nature == Nature.ONE_OFF and current in DONE_OR_RUNNING:
        allowed = set()
    if status == Status.IMPLEMENTED and current in DONE_OR_RUNNING and nature != Nature.RECURRING:
        allowed = allowed - {Status.IMPLEMENTED}
    if status not in allowed:
        raise refusal(
            "status",
            _("A measure that is %(current)s cannot become %(new)s.")
            % {
                "current": Status(current).label,
                "new": Status(status).label,
            },
            code="invalid_transition",
        )
    if status == Status.IN_OPERATION and nature == Nature.ONE_OFF:
        raise refusal(
            "status",
            _("A one-off measure is implemented once; it is not kept in operation."),
            code="one_off_in_operation",
        )
    if status == Status.PLANNED and planned_for is None:
        raise refusal(
            "planned_for",
            _("Give the date the measure is now planned for."),
            code="planned_for_required",
        )
    if occurrence_count is not None and nature != Nature.RECURRING:
        raise refusal(
            "occurrence_count",
            _("Only a recurring measure counts occurrences."),
            code="occurrences_not_recurring",
        )


def check_verdict(*, current: str, criteria: str, note: str) -> None:
    """An effectiveness verdict: on an implemented or running measure with criteria, with
    the written basis (who gives it is checked apart)."""
    if current not in VERIFIABLE:
        raise ValidationError(
            _("Only an implemented or running measure can be verified; this one is %(current)s.")
            % {"current": Status(current).label},
            code="not_implemented",
        )
    if not criteria.strip():
        raise ValidationError(
            _(
                "The measure has no effectiveness criteria; set them on the measure before "
                "verifying it."
            ),
            code="criteria_required",
        )
    if not note.strip():
        raise refusal(
            "note", _("Say what was checked to verify effectiveness."), code="note_required"
        )


def check_reopening(*, current: str, note: str) -> None:
    if current not in REOPENABLE:
        raise ValidationError(
            _("A measure that is %(current)s cannot be reopened.")
            % {"current": Status(current).label},
            code="not_reopenable",
        )
    if not note.strip():
        raise refusal("note", _("Say why the measure is reopened."), code="note_required")


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
    loading: str = "",
) -> StatusEvent:
    """Record that ``measure`` reached ``status`` on ``effective_on`` (valid time).

    Refuses: a transition the status model does not allow (see ``RECORDABLE_AFTER``), an
    event dated before the latest one or in the future, a status on a measure whose status
    comes from its sub-items, a re-plan without a new date, verification or reopening
    (``countermeasure_verify_effectiveness`` / ``countermeasure_reopen`` do those), and a
    re-plan, hold or cancellation by the first line: it proposes those
    (``change_request_submit``) and the second line decides. ``actor=None`` is a load of a
    plan's history (the seed). ``loading`` (the history reason, 「取込: file」) is a plan's
    past loaded from a file by ``actor``: the status model's rules apply, who may record
    what does not (the load itself is audited).
    """
    measure = lock_measure(measure)
    if status in (Status.VERIFIED, Status.NOT_EFFECTIVE, Status.REOPENED):
        raise refusal(
            "status",
            _("Effectiveness verification and reopening are second-line acts."),
            code="second_line_act",
        )
    if status in CHANGE_CONTROLLED and not loading and _proposes_only(actor, measure):
        raise refusal(
            "status",
            _(
                "A re-plan, hold or cancellation takes effect when the second line approves "
                "it: propose it as a change request, with the reason."
            ),
            code="change_controlled",
        )
    if measure.sub_items.filter(archived_at__isnull=True).exists():
        raise ValidationError(
            _("The status of this measure comes from its sub-items; record it on a sub-item."),
            code="has_sub_items",
        )
    latest = _check_date(measure=measure, effective_on=effective_on, today=today)
    check_progress(
        nature=measure.nature,
        current=latest.status if latest else Status.PLANNED,
        status=status,
        planned_for=planned_for,
        occurrence_count=occurrence_count,
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
        reason=loading or _("Status recorded: %(status)s") % {"status": Status(status).label},
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
    loading: str = "",
) -> StatusEvent:
    """Record the second line's verdict on whether an implemented measure works.

    Only an implemented or running measure with effectiveness criteria can be verified; the
    verdict needs a note that says what was checked (its written basis), and a verifier
    other than the person who recorded the implementation and other than the owner unit's
    people (segregation of duties); ``loading`` as for ``countermeasure_record_status``
    (a verdict of the past, loaded from a file: who gave it is not checked here).
    """
    measure = lock_measure(measure)
    latest = _check_date(measure=measure, effective_on=effective_on, today=today)
    check_verdict(
        current=latest.status if latest else Status.PLANNED,
        criteria=measure.effectiveness_criteria,
        note=note,
    )
    if actor is not None and not loading:
        _check_line(measure, actor=actor, today=today or timezone.localdate())
        _check_verifier(measure, actor=actor, today=today or timezone.localdate())
    status = Status.VERIFIED if effective else Status.NOT_EFFECTIVE
    event = StatusEvent(measure=measure, status=status, note=note, recorded_by=actor)
    event.effective_on = effective_on
    return _save_event(
        event,
        actor=actor,
        reason=loading
        or _("Effectiveness verified: %(status)s") % {"status": Status(status).label},
    )


def _check_line(measure: Countermeasure, *, actor, today: dt.date) -> None:
    """A measure marked ``third_line_verifies`` is verified by an internal auditor of its
    company; the others by the second line, not by internal audit."""
    roles = set(
        RoleAssignment.objects.active_on(today)
        .filter(user=actor, org_unit__organization_id=measure.organization_id)
        .values_list("role", flat=True)
    )
    if measure.third_line_verifies and Role.INTERNAL_AUDITOR not in roles:
        raise ValidationError(
            _("Internal audit (the third line) gives the verdict on this measure."),
            code="third_line_required",
        )
    if (
        not measure.third_line_verifies
        and Role.INTERNAL_AUDITOR in roles
        and Role.SECOND_LINE not in roles
    ):
        raise ValidationError(
            _("The second line verifies this measure; internal audit reviews, not verifies."),
            code="second_line_verifies",
        )


def _check_verifier(measure: Countermeasure, *, actor, today: dt.date) -> None:
    """The verifier did not record the implementation and does not work in the owner unit."""
    implemented = (
        measure.events.filter(status__in=VERIFIABLE)
        .order_by("-effective_on_date", "-recorded_at", "-id")
        .values_list("recorded_by_id", flat=True)
        .first()
    )
    if implemented == actor.pk:
        raise ValidationError(
            _(
                "You recorded the implementation of this measure; someone else must verify "
                "its effectiveness."
            ),
            code="self_verification",
        )
    if measure.owner_unit_id and (
        RoleAssignment.objects.active_on(today)
        .filter(user=actor, org_unit_id=measure.owner_unit_id)
        .exists()
        or Deputyship.objects.active_on(today)
        .filter(deputy=actor, assignment__org_unit_id=measure.owner_unit_id)
        .exists()
    ):
        raise ValidationError(
            _(
                "You hold a role in the unit that owns this measure (or stand in for one); "
                "someone outside it must verify its effectiveness."
            ),
            code="owner_verification",
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
    loading: str = "",
) -> StatusEvent:
    """Reopen a measure the second line found wanting (or one that was put aside)."""
    measure = lock_measure(measure)
    latest = _check_date(measure=measure, effective_on=effective_on, today=today)
    check_reopening(current=latest.status if latest else Status.PLANNED, note=note)
    event = StatusEvent(measure=measure, status=Status.REOPENED, note=note, recorded_by=actor)
    event.effective_on = effective_on
    event.planned_for = planned_for
    return _save_event(event, actor=actor, reason=loading or _("Measure reopened"))
