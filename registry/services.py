"""Writes of the information-separation registry. The second line writes it; a system's
managing unit proposes changes, which someone of the second line approves or refuses.
Each write is atomic, validated with a coded refusal, kept in the history, audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import refusal, refuse_other_organization
from core.history import save_tracked
from governance import permissions
from governance.audit import audit_change
from governance.models import Organization
from incidents.models import AffectedSystem
from measures.models import Countermeasure
from monitoring.models import MonitoringActivity
from registry.models import (
    InformationItem,
    Judgement,
    Proposal,
    Reach,
    Reachability,
    SystemRegistration,
)

REGISTRATION_FIELDS = (
    "manager_unit",
    "manager",
    "established_by",
    "tables_made",
    "tables_used",
    "review_months",
    "last_reviewed_on",
    "note",
)
ITEM_FIELDS = ("name", "description", "judgement", "basis", "decided_on")
REACH_FIELDS = (
    "screens",
    "reached_by",
    "roles",
    "reach",
    "closing_measure",
    "decided_on",
    "review_due",
    "note",
)


def _check_registration(registration: SystemRegistration) -> None:
    org = registration.organization_id
    refuse_other_organization(
        org, "system", [registration.system], _("It belongs to another organization.")
    )
    refuse_other_organization(
        org, "manager_unit", [registration.manager_unit], _("It belongs to another organization.")
    )
    refuse_other_organization(
        org,
        "established_by",
        [registration.established_by],
        _("It belongs to another organization."),
    )
    made, used = registration.tables_made, registration.tables_used
    if made and used and used.end < made.start:
        raise refusal(
            "tables_used", _("The tables are used before they were made."), code="used_before_made"
        )


@transaction.atomic
def registration_create(
    *, organization: Organization, system: AffectedSystem, actor, reason: str = "", **fields
) -> SystemRegistration:
    """Put ``system`` in the registry of ``organization`` (once)."""
    unknown = set(fields) - set(REGISTRATION_FIELDS)
    if unknown:
        raise TypeError(f"not a registration field: {sorted(unknown)}")
    if SystemRegistration.objects.filter(system=system).exists():
        raise refusal("system", _("The system is already in the registry."), code="registered")
    registration = SystemRegistration(organization=organization, system=system)
    for name, value in fields.items():
        setattr(registration, name, value)
    _check_registration(registration)
    reason = reason or _("System put in the registry")
    save_tracked(registration, actor=actor, reason=reason)
    permissions.access_sync_objects(SystemRegistration, [registration.pk], actor=actor)
    audit_change(registration, actor=actor, reason=reason)
    return registration


@transaction.atomic
def registration_update(
    *, registration: SystemRegistration, actor, reason: str, **fields
) -> SystemRegistration:
    unknown = set(fields) - set(REGISTRATION_FIELDS)
    if unknown:
        raise TypeError(f"not a registration field: {sorted(unknown)}")
    if not reason.strip():
        raise refusal("reason", _("Say why the registry changes."), code="reason_required")
    registration = SystemRegistration.objects.select_for_update().get(pk=registration.pk)
    moved = "manager_unit" in fields and fields["manager_unit"] != registration.manager_unit
    for name, value in fields.items():
        setattr(registration, name, value)
    _check_registration(registration)
    if registration.last_reviewed_on and registration.last_reviewed_on > timezone.localdate():
        raise refusal("last_reviewed_on", _("The review date is ahead."), code="future")
    save_tracked(registration, actor=actor, reason=reason)
    if moved:
        permissions.access_sync_objects(SystemRegistration, [registration.pk], actor=actor)
    audit_change(registration, actor=actor, reason=reason)
    return registration


def _check_item(item: InformationItem) -> None:
    if item.judgement != Judgement.UNDECIDED and not item.basis.strip():
        raise refusal("basis", _("Say on what basis it is judged."), code="basis_required")
    if item.decided_on and item.decided_on > timezone.localdate():
        raise refusal("decided_on", _("The decision date is ahead."), code="future")


@transaction.atomic
def item_create(
    *,
    registration: SystemRegistration,
    code: str,
    name: str,
    measures: Iterable[Countermeasure] = (),
    monitoring: Iterable[MonitoringActivity] = (),
    actor,
    **fields,
) -> InformationItem:
    """An item of information ``registration``'s system holds, with its judgement."""
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise TypeError(f"not an item field: {sorted(unknown)}")
    if InformationItem.objects.filter(registration=registration, code=code).exists():
        raise refusal("code", _("This code is already used."), code="code_taken")
    item = InformationItem(
        organization_id=registration.organization_id,
        registration=registration,
        code=code,
        name=name,
        **fields,
    )
    if item.judgement != Judgement.UNDECIDED and item.decided_by_id is None:
        item.decided_by = actor
    _check_item(item)
    measures, monitoring = list(measures), list(monitoring)
    refuse_other_organization(
        item.organization_id, "measures", measures, _("It belongs to another organization.")
    )
    refuse_other_organization(
        item.organization_id, "monitoring", monitoring, _("It belongs to another organization.")
    )
    save_tracked(item, actor=actor, reason=_("Information item recorded"))
    item.measures.set(measures)
    item.monitoring.set(monitoring)
    audit_change(item, actor=actor, reason=name)
    return item


@transaction.atomic
def item_update(
    *,
    item: InformationItem,
    actor,
    reason: str,
    measures: Iterable[Countermeasure] | None = None,
    monitoring: Iterable[MonitoringActivity] | None = None,
    **fields,
) -> InformationItem:
    """Change an item; a new judgement is the deciding person's (``actor``)."""
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise TypeError(f"not an item field: {sorted(unknown)}")
    if not reason.strip():
        raise refusal("reason", _("Say why the registry changes."), code="reason_required")
    item = InformationItem.objects.select_for_update().get(pk=item.pk)
    judged = "judgement" in fields and fields["judgement"] != item.judgement
    for name, value in fields.items():
        setattr(item, name, value)
    if judged:
        item.decided_by = actor
        item.decided_on = fields.get("decided_on") or timezone.localdate()
    _check_item(item)
    measures = list(item.measures.all()) if measures is None else list(measures)
    monitoring = list(item.monitoring.all()) if monitoring is None else list(monitoring)
    refuse_other_organization(
        item.organization_id, "measures", measures, _("It belongs to another organization.")
    )
    refuse_other_organization(
        item.organization_id, "monitoring", monitoring, _("It belongs to another organization.")
    )
    save_tracked(item, actor=actor, reason=reason)
    item.measures.set(measures)
    item.monitoring.set(monitoring)
    audit_change(item, actor=actor, reason=reason)
    return item


def _check_reach(reach: Reachability) -> None:
    refuse_other_organization(
        reach.organization_id,
        "closing_measure",
        [reach.closing_measure],
        _("It belongs to another organization."),
    )
    if reach.reach == Reach.CLOSED and reach.closing_measure is None:
        raise refusal(
            "closing_measure",
            _("Name the measure that closed it."),
            code="closing_measure_required",
        )
    if reach.decided_on and reach.decided_on > timezone.localdate():
        raise refusal("decided_on", _("The decision date is ahead."), code="future")


@transaction.atomic
def reachability_create(*, item: InformationItem, actor, **fields) -> Reachability:
    """A row of the 整理表 for ``item``."""
    unknown = set(fields) - set(REACH_FIELDS)
    if unknown:
        raise TypeError(f"not a reachability field: {sorted(unknown)}")
    reach = Reachability(organization_id=item.organization_id, item=item, **fields)
    _check_reach(reach)
    save_tracked(reach, actor=actor, reason=_("Reachability recorded"))
    audit_change(reach, actor=actor, reason=reach.screens)
    return reach


@transaction.atomic
def reachability_update(
    *, reachability: Reachability, actor, reason: str, **fields
) -> Reachability:
    unknown = set(fields) - set(REACH_FIELDS)
    if unknown:
        raise TypeError(f"not a reachability field: {sorted(unknown)}")
    if not reason.strip():
        raise refusal("reason", _("Say why the registry changes."), code="reason_required")
    reach = Reachability.objects.select_for_update().get(pk=reachability.pk)
    for name, value in fields.items():
        setattr(reach, name, value)
    _check_reach(reach)
    save_tracked(reach, actor=actor, reason=reason)
    audit_change(reach, actor=actor, reason=reason)
    return reach


@transaction.atomic
def proposal_submit(
    *,
    item: InformationItem,
    reason: str,
    judgement: str = "",
    reachability: Reachability | None = None,
    reach: str = "",
    actor,
) -> Proposal:
    """The managing unit proposes a new judgement of ``item`` or a new decision on one of
    its reaches; the second line decides."""
    if bool(judgement) == bool(reach):
        raise refusal(None, _("Propose a judgement or a decision on a reach."), code="one_change")
    if reach and (reachability is None or reachability.item_id != item.pk):
        raise refusal("reachability", _("Choose a reach of this item."), code="reach_required")
    if not reason.strip():
        raise refusal("reason", _("Say why."), code="reason_required")
    if Proposal.objects.filter(item=item, state=Proposal.State.PENDING).exists():
        raise refusal(
            None, _("A proposal on this item is awaiting a decision."), code="pending_exists"
        )
    proposal = Proposal(
        organization_id=item.organization_id,
        item=item,
        reachability=reachability if reach else None,
        judgement=judgement,
        reach=reach,
        reason=reason,
        requested_by=actor,
    )
    save_tracked(proposal, actor=actor, reason=reason)
    audit_change(item, actor=actor, reason=reason)
    return proposal


@transaction.atomic
def proposal_decide(*, proposal: Proposal, approve: bool, note: str, actor) -> Proposal:
    """The second line approves (the change is made, in its name) or refuses a proposal;
    not the person who proposed it."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.state != Proposal.State.PENDING:
        raise refusal(None, _("The proposal is already decided."), code="decided")
    if proposal.requested_by_id == actor.pk:
        raise refusal(None, _("Someone else decides on your proposal."), code="same_person")
    if not approve and not note.strip():
        raise refusal("note", _("Say why it is refused."), code="note_required")
    reason = _("Approved proposal: %(reason)s") % {"reason": proposal.reason}
    if approve and proposal.judgement:
        item_update(
            item=proposal.item,
            judgement=proposal.judgement,
            basis=note or proposal.reason,
            actor=actor,
            reason=reason,
        )
    elif approve:
        reachability_update(
            reachability=proposal.reachability, reach=proposal.reach, actor=actor, reason=reason
        )
    proposal.state = Proposal.State.APPROVED if approve else Proposal.State.REFUSED
    proposal.decided_by, proposal.decided_at = actor, timezone.now()
    proposal.decision_note = note
    save_tracked(proposal, actor=actor, reason=note or reason)
    audit_change(proposal.item, actor=actor, reason=note or reason)
    return proposal


def review_is_due(registration: SystemRegistration, day: dt.date) -> bool:
    due = registration.review_due
    return due is not None and due <= day
