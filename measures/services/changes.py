"""Change control: the first line proposes a re-plan, a hold or a cancellation with its
reason; it takes effect only when the second line approves it (someone other than the
requester), or is refused with a reason. Every step is history-tracked and audited."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import PrecisionDate
from core.errors import refusal
from core.history import save_tracked
from governance.audit import audit_record
from governance.models import AuditEvent
from measures.models import ChangeRequest, Countermeasure
from measures.services.plan import countermeasure_update
from measures.services.status import (
    countermeasure_record_status,
    current_status,
    lock_measure,
)
from measures.statuses import RECORDABLE_AFTER, Status

# What each kind of change records when approved, and from which statuses it can.
_RESULT = {
    ChangeRequest.Kind.HOLD: Status.ON_HOLD,
    ChangeRequest.Kind.CANCEL: Status.CANCELLED,
}
# A re-plan moves the due date; the timeline also shows it (a new "planned" with its date)
# while the measure has not started.
_NOT_STARTED = frozenset({Status.PLANNED, Status.REOPENED, Status.ON_HOLD})


def _check_possible(measure: Countermeasure, kind: str, new_due: PrecisionDate | None) -> None:
    if measure.sub_items.filter(archived_at__isnull=True).exists():
        raise ValidationError(
            _(
                "The status of this measure comes from its sub-items; propose the change on a "
                "sub-item."
            ),
            code="has_sub_items",
        )
    current = current_status(measure)
    if kind == ChangeRequest.Kind.REPLAN:
        if new_due is None:
            raise refusal("new_due", _("Give the new due date."), code="new_due_required")
        if current in (Status.CANCELLED, Status.NOT_EFFECTIVE) or (
            current in (Status.IMPLEMENTED, Status.IN_OPERATION, Status.VERIFIED)
        ):
            raise refusal(
                "kind",
                _("A measure that is %(current)s has nothing left to re-plan.")
                % {"current": Status(current).label},
                code="invalid_transition",
            )
        if measure.planned_start and new_due.end < measure.planned_start.start:
            raise refusal(
                "new_due",
                _("The measure is due before it is planned to start."),
                code="due_before_start",
            )
        return
    if _RESULT[kind] not in RECORDABLE_AFTER[current]:
        raise refusal(
            "kind",
            _("A measure that is %(current)s cannot become %(new)s.")
            % {"current": Status(current).label, "new": Status(_RESULT[kind]).label},
            code="invalid_transition",
        )


@transaction.atomic
def change_request_submit(
    *,
    measure: Countermeasure,
    kind: str,
    reason: str,
    actor,
    new_due: PrecisionDate | None = None,
) -> ChangeRequest:
    """Propose a change to ``measure``; one proposal at a time per measure."""
    measure = lock_measure(measure)
    if not reason.strip():
        raise refusal("reason", _("Say why the measure should change."), code="reason_required")
    if kind != ChangeRequest.Kind.REPLAN:
        new_due = None
    _check_possible(measure, kind, new_due)
    if measure.change_requests.filter(state=ChangeRequest.State.PENDING).exists():
        raise ValidationError(
            _("A change to this measure is already awaiting the second line's decision."),
            code="already_pending",
        )
    request = ChangeRequest(measure=measure, kind=kind, reason=reason, requested_by=actor)
    request.new_due = new_due
    save_tracked(request, actor=actor, reason=_("Change requested"))
    audit_record(
        action=AuditEvent.Action.CHANGE_REQUESTED,
        actor=actor,
        obj=measure,
        details={"change_request": request.pk, "kind": kind},
    )
    return request


@transaction.atomic
def change_request_decide(
    *,
    change: ChangeRequest,
    approve: bool,
    note: str,
    actor,
    today: dt.date | None = None,
) -> ChangeRequest:
    """Approve (the change takes effect today) or refuse (with a reason) a pending request.
    The requester cannot decide their own request."""
    today = today or timezone.localdate()
    change = ChangeRequest.objects.select_for_update().get(pk=change.pk)
    if change.state != ChangeRequest.State.PENDING:
        raise ValidationError(
            _("This change request was already %(state)s.") % {"state": change.get_state_display()},
            code="already_decided",
        )
    if change.requested_by_id == getattr(actor, "pk", None):
        raise ValidationError(
            _("You made this change request; someone else must decide on it."),
            code="own_request",
        )
    if not approve and not note.strip():
        raise refusal("note", _("Say why the change is refused."), code="note_required")
    measure = change.measure
    label = _("Change request #%(n)d") % {"n": change.pk}
    if approve:
        _check_possible(lock_measure(measure), change.kind, change.new_due)
        why = f"{label}: {change.reason}" + (f"（{note}）" if note.strip() else "")
        if change.kind == ChangeRequest.Kind.REPLAN:
            started = current_status(measure) not in _NOT_STARTED
            countermeasure_update(measure=measure, actor=actor, reason=why, due=change.new_due)
            if not started:
                change.event = countermeasure_record_status(
                    measure=measure,
                    status=Status.PLANNED,
                    effective_on=PrecisionDate(today),
                    planned_for=change.new_due,
                    note=why,
                    actor=actor,
                    today=today,
                )
        else:
            change.event = countermeasure_record_status(
                measure=measure,
                status=_RESULT[change.kind],
                effective_on=PrecisionDate(today),
                note=why,
                actor=actor,
                today=today,
            )
    change.state = ChangeRequest.State.APPROVED if approve else ChangeRequest.State.REFUSED
    change.decided_by = actor
    change.decided_at = timezone.now()
    change.decision_note = note
    save_tracked(change, actor=actor, reason=change.get_state_display())
    audit_record(
        action=AuditEvent.Action.CHANGE_DECIDED,
        actor=actor,
        obj=measure,
        details={"change_request": change.pk, "kind": change.kind, "state": change.state},
    )
    return change


@transaction.atomic
def change_request_withdraw(*, change: ChangeRequest, actor) -> ChangeRequest:
    """The requester takes back a request still awaiting decision."""
    change = ChangeRequest.objects.select_for_update().get(pk=change.pk)
    if change.state != ChangeRequest.State.PENDING:
        raise ValidationError(
            _("This change request was already %(state)s.") % {"state": change.get_state_display()},
            code="already_decided",
        )
    if change.requested_by_id != actor.pk:
        raise ValidationError(
            _("Only the person who made the request can withdraw it."), code="not_requester"
        )
    change.state = ChangeRequest.State.WITHDRAWN
    change.decided_at = timezone.now()
    save_tracked(change, actor=actor, reason=change.get_state_display())
    return change
