"""Writes on organizations, the hierarchy, committees and regulatory actions.

Every function is keyword-only, atomic, validates before writing and records who did it
and why in the history.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.errors import refusal
from core.history import save_tracked
from governance import permissions
from governance.audit import audit_record
from governance.models import (
    AuditEvent,
    Committee,
    CommitteeMembership,
    Deputyship,
    Meeting,
    Organization,
    OrgUnit,
    Recommendation,
    RecordShare,
    RegulatoryAction,
    RequiredItem,
    RoleAssignment,
)
from governance.models.organization import TERM_DEFAULTS

User = AbstractBaseUser


@transaction.atomic
def organization_create(
    *,
    code: str,
    name: str,
    kind: str,
    short_name: str = "",
    other_kinds: list[str] = (),
    actor: User | None,
    reason: str,
) -> Organization:
    """A company of the group: its main kind and any others it also is."""
    org = Organization(
        code=code, name=name, kind=kind, short_name=short_name, other_kinds=list(other_kinds)
    )
    save_tracked(org, actor=actor, reason=reason)
    permissions.access_sync_objects(Organization, [org.pk], actor=actor)
    return org


@transaction.atomic
def org_unit_create(
    *,
    organization: Organization,
    code: str,
    name: str,
    unit_type: str,
    line: str,
    parent: OrgUnit | None = None,
    actor: User | None,
    reason: str,
) -> OrgUnit:
    """Create a unit under ``parent`` (same organization) and give it its tree path."""
    unit = OrgUnit(
        organization=organization,
        parent=parent,
        code=code,
        name=name,
        unit_type=unit_type,
        line=line,
        path="/",
    )
    save_tracked(unit, actor=actor, reason=reason)
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    save_tracked(unit, actor=actor, reason=reason, validate=False, update_fields=["path"])
    return unit


class UnitsRefused(Exception):
    """``problems``: (index in the list, field, message); nothing was written."""

    def __init__(self, problems: list[tuple[int, str, str]]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@transaction.atomic
def org_units_load(*, units: list[OrgUnit], actor: User | None, reason: str) -> None:
    """Many new units at once (an import's 部署 sheet), parents before their children (a
    parent may be another unit of the list): each checked as ``org_unit_create`` checks it,
    then written level by level with its tree path."""
    problems: list[tuple[int, str, str]] = []
    orgs = {u.organization_id for u in units}
    taken = set(
        OrgUnit.objects.filter(organization_id__in=orgs).values_list("organization_id", "code")
    )
    for index, unit in enumerate(units):
        try:
            unit.full_clean(
                exclude=["organization", "parent", "path"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as exc:
            problems += [(index, f, m) for f, ms in exc.message_dict.items() for m in ms]
        key = (unit.organization_id, unit.code)
        if key in taken:
            problems.append(
                (
                    index,
                    "code",
                    _("Code %(code)s is already used in this organization.") % {"code": unit.code},
                )
            )
        taken.add(key)
        if unit.parent is not None and unit.parent.organization_id != unit.organization_id:
            problems.append(
                (index, "parent", _("The parent unit belongs to another organization."))
            )
    if problems:
        raise UnitsRefused(problems)
    new = {id(u) for u in units}
    level: dict[int, int] = {}
    for unit in units:  # parents come first
        parent = unit.parent
        level[id(unit)] = level[id(parent)] + 1 if parent is not None and id(parent) in new else 0
    for depth in sorted(set(level.values())):
        batch = [u for u in units if level[id(u)] == depth]
        for unit in batch:
            unit.path = "/"
            if unit.parent is not None:
                unit.parent_id = unit.parent.pk
        bulk_create_with_history(
            batch, OrgUnit, batch_size=2000, default_user=actor, default_change_reason=reason
        )
        for unit in batch:
            unit.path = f"{unit.parent.path if unit.parent else '/'}{unit.pk}/"
        bulk_update_with_history(
            batch,
            OrgUnit,
            ["path"],
            batch_size=2000,
            default_user=actor,
            default_change_reason=reason,
        )


@transaction.atomic
def role_assign(
    *,
    user,
    role: str,
    org_unit: OrgUnit,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    note: str = "",
    actor: User | None,
    reason: str = "",
) -> RoleAssignment:
    """Give ``user`` the role in ``org_unit`` for the period (``valid_to`` inclusive).

    Refuses a period that ends before it starts, a role that does not belong in the unit's
    line, and a second overlapping assignment of the same person to the same role and unit.
    """
    _lock_person(user)
    assignment = RoleAssignment(
        user=user,
        role=role,
        org_unit=org_unit,
        valid_from=valid_from,
        valid_to=valid_to,
        note=note,
    )
    role_assignment_check_overlap(assignment)
    save_tracked(assignment, actor=actor, reason=reason or _("Role assigned"))
    _after_role_change(assignment, action=AuditEvent.Action.ROLE_ASSIGNED, actor=actor)
    return assignment


class AssignmentsRefused(Exception):
    """``problems``: (index in the list, field, message); nothing was written."""

    def __init__(self, problems: list[tuple[int, str, str]]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@transaction.atomic
def role_assignments_load(
    *, assignments: list[RoleAssignment], actor: User | None, reason: str, today: dt.date
) -> None:
    """Many new assignments at once (an import's 役割 sheet), each checked as
    ``role_assign`` checks it (the unit's line, the period, no overlap with the person's
    other assignments of the role and unit, in the database or in the list); written
    together, each logged, the access groups made once and each person's groups synced
    once."""
    problems: list[tuple[int, str, str]] = []
    users = {a.user_id for a in assignments}
    held: dict[tuple, list[RoleAssignment]] = {}
    for other in RoleAssignment.objects.filter(user_id__in=users, archived_at__isnull=True):
        held.setdefault((other.user_id, other.role, other.org_unit_id), []).append(other)
    for index, assignment in enumerate(assignments):
        try:
            assignment.full_clean(
                exclude=["user", "org_unit"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as exc:
            problems += [(index, f, m) for f, ms in exc.message_dict.items() for m in ms]
            continue
        key = (assignment.user_id, assignment.role, assignment.org_unit_id)
        clash = next((o for o in held.get(key, []) if _overlap(o, assignment)), None)
        if clash is not None:
            problems.append(
                (
                    index,
                    "valid_from",
                    _("This person already holds this role in this unit from %(start)s.")
                    % {"start": clash.valid_from},
                )
            )
            continue
        held.setdefault(key, []).append(assignment)
    if problems:
        raise AssignmentsRefused(problems)
    bulk_create_with_history(
        assignments,
        RoleAssignment,
        batch_size=2000,
        default_user=actor,
        default_change_reason=reason,
    )
    for assignment in assignments:
        _audit_assignment(assignment, action=AuditEvent.Action.ROLE_ASSIGNED, actor=actor)
    permissions.access_groups_for_roles((a.org_unit, a.role) for a in assignments)
    permissions.access_sync_users(
        {a.user_id: a.user for a in assignments}.values(), today=today, actor=actor
    )


def _overlap(a: RoleAssignment, b: RoleAssignment) -> bool:
    return (a.valid_to is None or a.valid_to >= b.valid_from) and (
        b.valid_to is None or b.valid_to >= a.valid_from
    )


@transaction.atomic
def role_update(
    *,
    assignment: RoleAssignment,
    valid_from: dt.date,
    valid_to: dt.date | None,
    note: str | None = None,
    actor: User | None,
    reason: str = "",
) -> RoleAssignment:
    """Change the period of an assignment (people transfer; dates get corrected)."""
    _lock_person(assignment.user)
    assignment = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
    assignment.valid_from = valid_from
    assignment.valid_to = valid_to
    if note is not None:
        assignment.note = note
    role_assignment_check_overlap(assignment)
    save_tracked(assignment, actor=actor, reason=reason or _("Role period changed"))
    _after_role_change(assignment, action=AuditEvent.Action.ROLE_CHANGED, actor=actor)
    return assignment


@transaction.atomic
def role_end(
    *, assignment: RoleAssignment, last_day: dt.date, actor: User | None, reason: str = ""
) -> RoleAssignment:
    """End an assignment after ``last_day``; access and reminders stop the day after."""
    assignment = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.valid_to is not None and assignment.valid_to < last_day:
        raise ValidationError(
            _("This assignment already ended on %(day)s.") % {"day": assignment.valid_to},
            code="already_ended",
        )
    if last_day < assignment.valid_from:
        raise ValidationError(_("The end date precedes the start date."), code="end_before_start")
    assignment.valid_to = last_day
    save_tracked(assignment, actor=actor, reason=reason or _("Role ended"))
    _after_role_change(assignment, action=AuditEvent.Action.ROLE_ENDED, actor=actor)
    return assignment


def _audit_assignment(assignment: RoleAssignment, *, action: str, actor) -> None:
    audit_record(
        action=action,
        actor=actor,
        obj=assignment,
        organization_id=assignment.org_unit.organization_id,
        details={
            "user": assignment.user.get_username(),
            "role": assignment.role,
            "unit": assignment.org_unit.code,
            "valid_from": assignment.valid_from.isoformat(),
            "valid_to": assignment.valid_to.isoformat() if assignment.valid_to else None,
        },
    )


def _after_role_change(assignment: RoleAssignment, *, action: str, actor) -> None:
    """Log the change and bring the person's access groups in line with today's roles.

    Later start and end dates take effect through the daily access sync."""
    _audit_assignment(assignment, action=action, actor=actor)
    permissions.access_group_for_role(org_unit=assignment.org_unit, role=assignment.role)
    today = timezone.localdate()
    permissions.access_sync_user(assignment.user, today=today, actor=actor)
    for deputyship in assignment.deputyships.select_related("deputy"):
        permissions.access_sync_user(deputyship.deputy, today=today, actor=actor)


def _lock_person(user) -> None:
    """Serialise changes to one person's roles, so that the overlap check holds."""
    type(user).objects.select_for_update().filter(pk=user.pk).first()


def role_assignment_check_overlap(assignment: RoleAssignment) -> None:
    """Refuse a second assignment of one person to one role and unit over the same days."""
    others = RoleAssignment.objects.filter(
        user=assignment.user,
        role=assignment.role,
        org_unit=assignment.org_unit,
        archived_at__isnull=True,
    ).exclude(pk=assignment.pk)
    if assignment.valid_to is not None:
        others = others.filter(valid_from__lte=assignment.valid_to)
    others = [o for o in others if o.valid_to is None or o.valid_to >= assignment.valid_from]
    if others:
        raise ValidationError(
            _("This person already holds this role in this unit from %(start)s.")
            % {"start": others[0].valid_from},
            code="overlap",
        )


@transaction.atomic
def committee_create(
    *,
    organization: Organization,
    code: str,
    name: str,
    kind: str,
    scope: list[Organization],
    purpose: str = "",
    established_on: dt.date | None = None,
    actor: User | None,
    reason: str,
) -> Committee:
    if not scope:
        raise ValidationError(
            _("A committee oversees at least one organization."), code="empty_scope"
        )
    committee = Committee(
        organization=organization,
        code=code,
        name=name,
        kind=kind,
        purpose=purpose,
        established_on=established_on,
    )
    save_tracked(committee, actor=actor, reason=reason)
    committee.scope.set(scope)
    permissions.access_sync_committee(committee, actor=actor)
    return committee


@transaction.atomic
def committee_update(
    *, committee: Committee, scope: list[Organization], actor, reason: str, **fields
) -> Committee:
    """Change what a committee is and which organizations it oversees (its access follows)."""
    _require_reason(reason)
    if not scope:
        raise ValidationError(
            _("A committee oversees at least one organization."), code="empty_scope"
        )
    unknown = set(fields) - {"name", "kind", "purpose", "established_on"}
    if unknown:
        raise TypeError(f"committee_update cannot change {sorted(unknown)}")
    committee = Committee.objects.select_for_update().get(pk=committee.pk)
    _changed(committee, actor=actor, reason=reason, **fields)
    committee.scope.set(scope)
    permissions.access_sync_committee(committee, actor=actor)
    return committee


@transaction.atomic
def committee_member_add(
    *,
    committee: Committee,
    display_name: str,
    valid_from: dt.date,
    user=None,
    affiliation: str = "",
    position: str = CommitteeMembership.Position.MEMBER,
    is_external: bool = False,
    valid_to: dt.date | None = None,
    actor: User | None,
    reason: str = "",
) -> CommitteeMembership:
    membership = CommitteeMembership(
        committee=committee,
        user=user,
        display_name=display_name,
        affiliation=affiliation,
        position=position,
        is_external=is_external,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    save_tracked(membership, actor=actor, reason=reason or _("Committee member added"))
    if user is not None:
        permissions.access_sync_user(user, today=timezone.localdate(), actor=actor)
    return membership


@transaction.atomic
def meeting_record(
    *,
    committee: Committee,
    number: int,
    held_on: dt.date | None,
    title: str = "",
    summary: str = "",
    actor: User | None,
    reason: str = "",
) -> Meeting:
    meeting = Meeting(
        committee=committee, number=number, held_on=held_on, title=title, summary=summary
    )
    save_tracked(meeting, actor=actor, reason=reason or _("Meeting recorded"))
    return meeting


@transaction.atomic
def recommendation_record(
    *,
    committee: Committee,
    number: int,
    text: str,
    received_on: dt.date,
    meeting: Meeting | None = None,
    actor: User | None,
    reason: str = "",
) -> Recommendation:
    """Record a recommendation (提言) of ``committee``, optionally made at ``meeting``."""
    if meeting is not None and meeting.committee_id != committee.pk:
        raise ValidationError(
            _("The meeting belongs to another committee."), code="meeting_mismatch"
        )
    if meeting is not None and meeting.held_on and received_on < meeting.held_on:
        raise ValidationError(
            _("The recommendation is dated before the meeting that made it."),
            code="before_meeting",
        )
    recommendation = Recommendation(
        committee=committee,
        meeting=meeting,
        number=number,
        text=text,
        received_on=received_on,
        recorded_by=actor,
    )
    save_tracked(recommendation, actor=actor, reason=reason or _("Recommendation recorded"))
    return recommendation


@transaction.atomic
def regulatory_action_record(
    *,
    organization: Organization,
    authority: str,
    action_type: str,
    reference: str,
    title: str,
    issued_on: dt.date,
    response_due: dt.date | None = None,
    legal_basis: str = "",
    summary: str = "",
    required_items: list[str] = (),
    actor: User | None,
    reason: str = "",
) -> RegulatoryAction:
    """Record a regulator's action with the items it requires, numbered from 1."""
    action = RegulatoryAction(
        organization=organization,
        authority=authority,
        action_type=action_type,
        reference=reference,
        title=title,
        issued_on=issued_on,
        response_due=response_due,
        legal_basis=legal_basis,
        summary=summary,
    )
    save_tracked(action, actor=actor, reason=reason or _("Regulatory action recorded"))
    for number, text in enumerate(required_items, start=1):
        save_tracked(
            RequiredItem(action=action, number=number, text=text),
            actor=actor,
            reason=reason or _("Regulatory action recorded"),
        )
    permissions.access_sync_objects(RegulatoryAction, [action.pk], actor=actor)
    return action


@transaction.atomic
def record_share(*, obj, shared_with: Organization, reason: str, actor) -> RecordShare:
    """Share one record with another organization; its roles may then view it. Logged."""
    owner_id = obj.organization_id
    if shared_with.pk == owner_id:
        raise ValidationError(
            _("A record is already visible within its own organization."), code="own_org"
        )
    if not reason.strip():
        raise refusal("reason", _("Say why the record is shared."), code="reason")
    content_type = ContentType.objects.get_for_model(obj)
    if RecordShare.objects.filter(
        content_type=content_type,
        object_id=obj.pk,
        shared_with=shared_with,
        revoked_at__isnull=True,
    ).exists():
        raise ValidationError(
            _("The record is already shared with %(org)s.") % {"org": shared_with},
            code="already_shared",
        )
    share = RecordShare(
        content_type=content_type,
        object_id=obj.pk,
        owner_id=owner_id,
        shared_with=shared_with,
        reason=reason,
        shared_by=actor,
    )
    save_tracked(share, actor=actor, reason=reason)
    permissions.access_sync_objects(type(obj), [obj.pk], actor=actor)
    audit_record(
        action=AuditEvent.Action.SHARED,
        actor=actor,
        obj=obj,
        details={"shared_with": shared_with.code, "reason": reason},
    )
    return share


@transaction.atomic
def record_unshare(*, share: RecordShare, actor, reason: str = "") -> RecordShare:
    """Stop sharing; the receiving organization loses sight of the record at once."""
    share = RecordShare.objects.select_for_update().get(pk=share.pk)
    if share.revoked_at is not None:
        return share
    share.revoked_at = timezone.now()
    share.revoked_by = actor
    save_tracked(share, actor=actor, reason=reason or _("Sharing revoked"), validate=False)
    obj = share.content_type.get_object_for_this_type(pk=share.object_id)
    permissions.access_sync_objects(type(obj), [obj.pk], actor=actor)
    audit_record(
        action=AuditEvent.Action.UNSHARED,
        actor=actor,
        obj=obj,
        details={"shared_with": share.shared_with.code},
    )
    return share


# -- committee proceedings and regulatory actions, as the second line keeps them -------------
def committee_may_record(user, committee: Committee, *, today: dt.date | None = None) -> bool:
    """The committee's proceedings (meetings, recommendations) are written by whoever holds
    ``record_proceedings`` on it (its company's second line) and by its secretariat."""
    if user.has_perm("governance.record_proceedings", committee):
        return True
    return (
        CommitteeMembership.objects.active_on(today or timezone.localdate())
        .filter(committee=committee, user=user, position=CommitteeMembership.Position.SECRETARIAT)
        .exists()
    )


def _next_number(queryset) -> int:
    last = queryset.order_by("-number").values_list("number", flat=True).first()
    return (last or 0) + 1


def next_meeting_number(committee: Committee) -> int:
    return _next_number(Meeting.objects.filter(committee=committee))


def next_recommendation_number(committee: Committee) -> int:
    return _next_number(Recommendation.objects.filter(committee=committee))


def _require_reason(reason: str) -> None:
    if not reason.strip():
        raise refusal("reason", _("Say why the record changes."), code="reason_required")


def _changed(obj, *, actor, reason: str, **fields) -> None:
    for name, value in fields.items():
        setattr(obj, name, value)
    save_tracked(obj, actor=actor, reason=reason)
    audit_record(
        action=AuditEvent.Action.CHANGED, actor=actor, obj=obj, details={"reason": reason[:500]}
    )


@transaction.atomic
def organization_terms_update(
    *, organization: Organization, terms: dict[str, str], actor, reason: str
) -> Organization:
    """Set the organization's own words (``TERMS``: role titles, committee kinds, the
    report's title and mark, the name of its groups of measures); an empty one reads the
    default again."""
    unknown = set(terms) - set(TERM_DEFAULTS)
    if unknown:
        raise ValidationError(
            _("Unknown terms: %(keys)s") % {"keys": ", ".join(sorted(unknown))}, code="unknown"
        )
    kept = {key: value.strip() for key, value in terms.items() if value and value.strip()}
    too_long = [key for key, value in kept.items() if len(value) > 100]
    if too_long:
        raise ValidationError(
            {key: _("At most 100 characters.") for key in too_long}, code="too_long"
        )
    return record_change(organization, actor=actor, reason=reason, terms=kept)


@transaction.atomic
def record_change(obj, *, actor, reason: str, **fields):
    """Change plain fields of a reference record (an organization, a unit's name or line, a
    committee, a roster entry) with a reason; history and audit name who and why. A unit's
    place in its tree is not a plain field (its path follows it) and is refused."""
    _require_reason(reason)
    if isinstance(obj, OrgUnit) and "parent" in fields:
        raise TypeError("a unit's parent is not changed by record_change")
    obj = type(obj).objects.select_for_update().get(pk=obj.pk)
    _changed(obj, actor=actor, reason=reason, **fields)
    return obj


@transaction.atomic
def meeting_update(
    *, meeting: Meeting, held_on, title: str, summary: str, actor, reason: str
) -> Meeting:
    _require_reason(reason)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _changed(meeting, actor=actor, reason=reason, held_on=held_on, title=title, summary=summary)
    return meeting


@transaction.atomic
def recommendation_update(
    *, recommendation: Recommendation, text: str, received_on, meeting, actor, reason: str
) -> Recommendation:
    _require_reason(reason)
    if meeting is not None and meeting.committee_id != recommendation.committee_id:
        raise refusal("meeting", _("The meeting belongs to another committee."), code="mismatch")
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    _changed(
        recommendation,
        actor=actor,
        reason=reason,
        text=text,
        received_on=received_on,
        meeting=meeting,
    )
    return recommendation


@transaction.atomic
def regulatory_action_update(*, action: RegulatoryAction, actor, reason: str, **fields):
    """Correct what a regulatory action says (its addressee stays)."""
    _require_reason(reason)
    allowed = {
        "authority",
        "action_type",
        "reference",
        "title",
        "legal_basis",
        "summary",
        "issued_on",
        "response_due",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"regulatory_action_update cannot change {sorted(unknown)}")
    action = RegulatoryAction.objects.select_for_update().get(pk=action.pk)
    _changed(action, actor=actor, reason=reason, **fields)
    return action


@transaction.atomic
def required_item_record(
    *, action: RegulatoryAction, number: int, text: str, actor, reason: str = ""
) -> RequiredItem:
    """An item the action requires, under the number the regulator's document gives it."""
    item = RequiredItem(action=action, number=number, text=text)
    save_tracked(item, actor=actor, reason=reason or _("Required item added"))
    audit_record(action=AuditEvent.Action.CHANGED, actor=actor, obj=action)
    return item


@transaction.atomic
def required_item_add(*, action: RegulatoryAction, text: str, actor, reason: str = ""):
    """One more item the action requires, numbered after the last."""
    item = RequiredItem(
        action=action,
        number=_next_number(RequiredItem.objects.filter(action=action)),
        text=text,
    )
    save_tracked(item, actor=actor, reason=reason or _("Required item added"))
    audit_record(action=AuditEvent.Action.CHANGED, actor=actor, obj=action)
    return item


# -- deputies (代行) ------------------------------------------------------------------------
@transaction.atomic
def deputy_appoint(
    *,
    assignment: RoleAssignment,
    deputy,
    valid_from: dt.date,
    valid_to: dt.date,
    reason: str,
    actor,
) -> Deputyship:
    """Name ``deputy`` to stand in for ``assignment``'s holder from ``valid_from`` to
    ``valid_to`` (inclusive). Only the holder (or an administrator) names a deputy; the
    deputy gets the role's rights for those days, while the role is held."""
    if actor is not None and actor.pk != assignment.user_id and not actor.is_superuser:
        raise ValidationError(
            _("Only the holder of the role names a deputy for it."), code="not_holder"
        )
    if deputy.pk == assignment.user_id:
        raise refusal("deputy", _("You cannot be your own deputy."), code="self")
    if not deputy.is_active:
        raise refusal("deputy", _("This account is not active."), code="inactive")
    if not reason.strip():
        raise refusal("reason", _("Say why a deputy is needed."), code="reason_required")
    if valid_from < assignment.valid_from or (
        assignment.valid_to is not None and valid_to > assignment.valid_to
    ):
        raise refusal(
            "valid_to",
            _("A deputyship lies within the period the role is held."),
            code="outside_role",
        )
    deputyship = Deputyship(
        assignment=assignment,
        deputy=deputy,
        valid_from=valid_from,
        valid_to=valid_to,
        reason=reason,
        appointed_by=actor,
    )
    save_tracked(deputyship, actor=actor, reason=reason)
    audit_record(
        action=AuditEvent.Action.DEPUTY_APPOINTED,
        actor=actor,
        organization_id=assignment.org_unit.organization_id,
        object_type="governance.Deputyship",
        object_id=str(deputyship.pk),
        object_repr=str(deputyship)[:300],
        details={
            "deputy": deputy.get_username(),
            "for": assignment.user.get_username(),
            "role": assignment.role,
            "unit": assignment.org_unit.code,
            "valid_from": valid_from.isoformat(),
            "valid_to": valid_to.isoformat(),
        },
    )
    permissions.access_group_for_role(org_unit=assignment.org_unit, role=assignment.role)
    permissions.access_sync_user(deputy, today=timezone.localdate(), actor=actor)
    return deputyship


@transaction.atomic
def deputy_end(*, deputyship: Deputyship, actor, today: dt.date | None = None) -> Deputyship:
    """End a deputyship now (yesterday is its last day; one not yet begun is withdrawn)."""
    today = today or timezone.localdate()
    deputyship = Deputyship.objects.select_for_update().get(pk=deputyship.pk)
    if deputyship.valid_from >= today:
        deputyship.archived_at = timezone.now()
    elif deputyship.valid_to >= today:
        deputyship.valid_to = today - dt.timedelta(days=1)
    save_tracked(deputyship, actor=actor, reason=_("Deputyship ended"), validate=False)
    audit_record(
        action=AuditEvent.Action.DEPUTY_ENDED,
        actor=actor,
        organization_id=deputyship.assignment.org_unit.organization_id,
        object_type="governance.Deputyship",
        object_id=str(deputyship.pk),
        object_repr=str(deputyship)[:300],
    )
    permissions.access_sync_user(deputyship.deputy, today=today, actor=actor)
    return deputyship
