"""The access groups (one per (org unit, role), one per committee), the object permissions
derived from ownership, organization and sharing, and the group memberships from the
assignments valid on the day; every grant and revocation audited."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import (
    Q,
    QuerySet,
)
from guardian.models import GroupObjectPermission

from core.db import copy_rows
from governance.audit import audit_record
from governance.models import (
    AccessGroup,
    AuditEvent,
    Committee,
    CommitteeMembership,
    Deputyship,
    Organization,
    OrgUnit,
    RecordShare,
    RoleAssignment,
)
from governance.permissions.registry import SUBTREE, Guarded, guarded_models, spec_for


# -- groups ---------------------------------------------------------------------------------
def access_group_for_role(*, org_unit: OrgUnit, role: str) -> AccessGroup:
    """The access group of (unit, role); created with its permissions on first use."""
    group = AccessGroup.objects.filter(org_unit=org_unit, role=role).first()
    if group is not None:
        return group
    with transaction.atomic():
        django_group = Group.objects.create(
            name=f"unit:{org_unit.organization.code}:{org_unit.code}:{role}"
        )
        group = AccessGroup.objects.create(group=django_group, org_unit=org_unit, role=role)
        access_sync_organization(org_unit.organization)
    return group


def access_groups_for_roles(pairs: Iterable[tuple[OrgUnit, str]]) -> None:
    """The access groups of many (unit, role) pairs (an import's roles): the missing ones
    made together, then each organization's permissions derived once (one at a time, each
    new group would re-derive its whole organization)."""
    pairs = {(unit.pk, role): unit for unit, role in pairs}
    existing = set(
        AccessGroup.objects.filter(org_unit_id__in={pk for pk, _role in pairs}).values_list(
            "org_unit_id", "role"
        )
    )
    missing = [(unit, role) for (pk, role), unit in pairs.items() if (pk, role) not in existing]
    if not missing:
        return
    with transaction.atomic():
        groups = Group.objects.bulk_create(
            [
                Group(name=f"unit:{unit.organization.code}:{unit.code}:{role}")
                for unit, role in missing
            ]
        )
        AccessGroup.objects.bulk_create(
            [
                AccessGroup(group=group, org_unit=unit, role=role)
                for group, (unit, role) in zip(groups, missing, strict=True)
            ]
        )
        for organization in {unit.organization for unit, _role in missing}:
            access_sync_organization(organization)


def access_group_for_committee(committee: Committee) -> AccessGroup:
    group = AccessGroup.objects.filter(committee=committee).first()
    if group is not None:
        return group
    with transaction.atomic():
        django_group = Group.objects.create(
            name=f"committee:{committee.organization.code}:{committee.code}"
        )
        group = AccessGroup.objects.create(group=django_group, committee=committee)
        access_sync_committee(committee)
    return group


def access_sync_committee(committee: Committee, *, actor=None) -> int:
    """Re-derive the permissions on a committee and on what belongs to it (its reports):
    after its roster gets an access group, or its scope changes."""
    changes = 0
    for spec in guarded_models():
        if spec.committee_field:
            pks = spec.model._base_manager.filter(
                **{spec.committee_field: committee.pk}
            ).values_list("pk", flat=True)
            changes += access_sync_objects(spec.model, list(pks), actor=actor)
    return changes


# -- object permissions -----------------------------------------------------------------------
def _permission_ids(spec: Guarded) -> dict[str, int]:
    ct = ContentType.objects.get_for_model(spec.model)
    return dict(Permission.objects.filter(content_type=ct).values_list("codename", "id"))


@dataclass(frozen=True)
class _Row:
    pk: int
    organization_id: int | None
    owner_path: str  # "" when owned by the organization as a whole
    committee_id: int | None


def _rows(spec: Guarded, queryset: QuerySet) -> list[_Row]:
    fields = ["pk", spec.organization_field]
    if spec.grant_scope is not None:
        queryset = spec.grant_scope(queryset)
        fields = ["pk", "grant_organization_id"]
    fields.append(f"{spec.owner_unit_field}__path" if spec.owner_unit_field else "pk")
    fields.append(spec.committee_field or "pk")
    return [
        _Row(
            pk=pk,
            organization_id=org,
            owner_path=(path or "") if spec.owner_unit_field else "",
            committee_id=committee if spec.committee_field else None,
        )
        for pk, org, path, committee in queryset.values_list(*fields)
    ]


def _desired(spec: Guarded, rows: list[_Row]) -> set[tuple[int, int, str]]:
    """(group id, permission id, object pk) that should exist for ``rows``."""
    perm_ids = _permission_ids(spec)
    org_ids = {row.organization_id for row in rows}
    groups_by_org: dict[int, list[tuple[int, str, str, bool]]] = defaultdict(list)
    for group_id, role, path, parent_id, org_id in AccessGroup.objects.filter(
        org_unit__organization_id__in=org_ids
    ).values_list(
        "group_id", "role", "org_unit__path", "org_unit__parent_id", "org_unit__organization_id"
    ):
        groups_by_org[org_id].append((group_id, role, path, parent_id is None))
    committee_groups: dict[int, int] = {}
    if spec.committee_field:
        committee_groups = dict(
            AccessGroup.objects.filter(
                committee_id__in={row.committee_id for row in rows}
            ).values_list("committee_id", "group_id")
        )
    ct = ContentType.objects.get_for_model(spec.model)
    shares: dict[int, set[int]] = defaultdict(set)
    for object_id, org_id in RecordShare.objects.filter(
        content_type=ct, object_id__in=[row.pk for row in rows], revoked_at__isnull=True
    ).values_list("object_id", "shared_with_id"):
        shares[object_id].add(org_id)
    shared_groups = _groups_of_orgs({org for orgs in shares.values() for org in orgs})

    desired: set[tuple[int, int, str]] = set()
    for row in rows:
        key = str(row.pk)
        for group_id, role, unit_path, is_root in groups_by_org[row.organization_id]:
            scope, codenames = spec.grants.get(role, (None, ()))
            if scope == SUBTREE:
                owned = row.owner_path.startswith(unit_path) if row.owner_path else is_root
                if not owned:
                    continue
            for codename in codenames:
                desired.add((group_id, perm_ids[codename], key))
        if row.committee_id in committee_groups:
            for codename in spec.committee_codenames:
                desired.add((committee_groups[row.committee_id], perm_ids[codename], key))
        for shared_org in shares[row.pk]:
            for group_id in shared_groups.get(shared_org, []):
                desired.add((group_id, perm_ids[spec.view_codename], key))
    return desired


def _groups_of_orgs(org_ids: set[int]) -> dict[int, list[int]]:
    result: dict[int, list[int]] = defaultdict(list)
    for group_id, org_id in AccessGroup.objects.filter(
        org_unit__organization_id__in=org_ids
    ).values_list("group_id", "org_unit__organization_id"):
        result[org_id].append(group_id)
    return result


# Objects whose permissions are worked out together: a group's plan brings 20,000 measures
# and 600,000 permission rows, which together held a third of the import's memory.
SYNC_CHUNK = 2000


@transaction.atomic
def access_sync_objects(model: type[models.Model], pks: Iterable[int], *, actor=None) -> int:
    """Make the derived group permissions on these objects what their ownership, their
    organization's groups and their shares say. Returns the number of changes."""
    spec = spec_for(model)
    pks = list(pks)
    if not pks:
        return 0
    ct = ContentType.objects.get_for_model(model)
    added: list[tuple[int, int, str]] = []  # a sample, for the audit entry
    n_added = n_removed = 0
    orgs: set[int | None] = set()
    for start in range(0, len(pks), SYNC_CHUNK):
        chunk = pks[start : start + SYNC_CHUNK]
        rows = _rows(spec, model._base_manager.filter(pk__in=chunk))
        orgs |= {row.organization_id for row in rows}
        desired = _desired(spec, rows)
        existing_rows = GroupObjectPermission.objects.filter(
            content_type=ct,
            object_pk__in=[str(pk) for pk in chunk],
            group__access__isnull=False,
        ).values_list("id", "group_id", "permission_id", "object_pk")
        existing = {(g, p, o): row_id for row_id, g, p, o in existing_rows}
        to_add = desired - existing.keys()
        to_remove = [existing[key] for key in existing.keys() - desired]
        # Streamed (COPY on PostgreSQL), not made into model instances first.
        copy_rows(
            GroupObjectPermission,
            ["group_id", "permission_id", "content_type_id", "object_pk"],
            ((g, p, ct.pk, o) for g, p, o in to_add),
        )
        GroupObjectPermission.objects.filter(id__in=to_remove).delete()
        n_added, n_removed = n_added + len(to_add), n_removed + len(to_remove)
        if len(added) < 50:
            added.extend(sorted(to_add)[:50])
    _audit_permission_changes(model, n_added, added, n_removed, orgs, actor=actor)
    return n_added + n_removed


def _audit_permission_changes(model, n_added, added, removed_count, orgs, *, actor) -> None:
    org_id = next(iter(orgs)) if len(orgs) == 1 else None
    label = model._meta.label
    if n_added:
        audit_record(
            action=AuditEvent.Action.PERMISSION_GRANTED,
            actor=actor,
            organization_id=org_id,
            object_type=label,
            details={"grants": n_added, "objects": sorted({o for _, _, o in added})[:50]},
        )
    if removed_count:
        audit_record(
            action=AuditEvent.Action.PERMISSION_REVOKED,
            actor=actor,
            organization_id=org_id,
            object_type=label,
            details={"revocations": removed_count},
        )


def access_sync_organization(organization: Organization, *, actor=None) -> int:
    """Re-derive the permissions on every guarded object of ``organization``."""
    changes = 0
    for spec in guarded_models():
        field = spec.organization_field.removesuffix("_id")
        lookup = "pk" if field == "id" else field
        pks = spec.model._base_manager.filter(**{lookup: organization.pk}).values_list(
            "pk", flat=True
        )
        changes += access_sync_objects(spec.model, list(pks), actor=actor)
    return changes


def access_sync_all_objects(*, actor=None) -> int:
    """Re-derive the permissions of every organization's records (the nightly safety net)."""
    return sum(access_sync_organization(org, actor=actor) for org in Organization.objects.all())


# -- membership -----------------------------------------------------------------------------
@transaction.atomic
def access_sync_user(user, *, today: dt.date, actor=None) -> tuple[int, int]:
    """Put ``user`` in exactly the access groups of the roles and committee memberships
    valid on ``today``; an ended assignment leaves no group behind. Returns (joined, left)."""
    wanted: set[int] = set()
    for assignment in (
        RoleAssignment.objects.active_on(today)
        .filter(user=user)
        .select_related("org_unit__organization")
    ):
        wanted.add(
            access_group_for_role(org_unit=assignment.org_unit, role=assignment.role).group_id
        )
    # 代行: the role's group while both the deputyship and the role are held.
    for deputyship in (
        Deputyship.objects.active_on(today)
        .filter(deputy=user, assignment__in=RoleAssignment.objects.active_on(today))
        .select_related("assignment__org_unit__organization")
    ):
        assignment = deputyship.assignment
        wanted.add(
            access_group_for_role(org_unit=assignment.org_unit, role=assignment.role).group_id
        )
    for membership in (
        CommitteeMembership.objects.active_on(today)
        .filter(user=user)
        .select_related("committee__organization")
    ):
        wanted.add(access_group_for_committee(membership.committee).group_id)
    current = set(user.groups.filter(access__isnull=False).values_list("id", flat=True))
    joined, left = wanted - current, current - wanted
    if joined:
        user.groups.add(*joined)
    if left:
        user.groups.remove(*left)
    for action, ids in (
        (AuditEvent.Action.GROUP_JOINED, joined),
        (AuditEvent.Action.GROUP_LEFT, left),
    ):
        for group in Group.objects.filter(id__in=ids).select_related(
            "access__org_unit", "access__committee"
        ):
            access = group.access
            org_id = (
                access.org_unit.organization_id
                if access.org_unit_id
                else access.committee.organization_id
            )
            audit_record(
                action=action,
                actor=actor,
                organization_id=org_id,
                object_type="auth.Group",
                object_id=str(group.pk),
                object_repr=group.name,
                details={"user": user.get_username(), "day": today.isoformat()},
            )
    if joined or left:
        # guardian and Django cache permissions on the user object.
        for attr in ("_perm_cache", "_group_perm_cache", "_guardian_perms_cache"):
            user.__dict__.pop(attr, None)
    return len(joined), len(left)


def access_sync_users(users: Iterable, *, today: dt.date, actor=None) -> tuple[int, int]:
    """``access_sync_user`` for many people at once (an import's roles): the same groups,
    joined and left, and the same audit rows, read and written in a few statements instead
    of a dozen per person. Returns (joined, left)."""
    users = {user.pk: user for user in users}
    wanted: dict[int, set[int]] = defaultdict(set)
    by_role = {
        (a.org_unit_id, a.role): a.group_id
        for a in AccessGroup.objects.filter(org_unit__isnull=False).only(
            "org_unit_id", "role", "group_id"
        )
    }

    def role_group(assignment) -> int:
        key = (assignment.org_unit_id, assignment.role)
        if key not in by_role:
            by_role[key] = access_group_for_role(
                org_unit=assignment.org_unit, role=assignment.role
            ).group_id
        return by_role[key]

    active = RoleAssignment.objects.active_on(today)
    for a in active.filter(user_id__in=users).select_related("org_unit__organization"):
        wanted[a.user_id].add(role_group(a))
    for d in (
        Deputyship.objects.active_on(today)
        .filter(deputy_id__in=users, assignment__in=active)
        .select_related("assignment__org_unit__organization")
    ):
        wanted[d.deputy_id].add(role_group(d.assignment))
    committees: dict[int, int] = {}
    for m in (
        CommitteeMembership.objects.active_on(today)
        .filter(user_id__in=users)
        .select_related("committee__organization")
    ):
        if m.committee_id not in committees:
            committees[m.committee_id] = access_group_for_committee(m.committee).group_id
        wanted[m.user_id].add(committees[m.committee_id])
    through = Group.user_set.through
    current: dict[int, set[int]] = defaultdict(set)
    for user_id, group_id in through.objects.filter(
        user_id__in=users, group__access__isnull=False
    ).values_list("user_id", "group_id"):
        current[user_id].add(group_id)
    joins = [(u, g) for u in users for g in wanted[u] - current[u]]
    leaves = [(u, g) for u in users for g in current[u] - wanted[u]]
    through.objects.bulk_create([through(user_id=u, group_id=g) for u, g in joins])
    for u, g in leaves:
        through.objects.filter(user_id=u, group_id=g).delete()
    groups = {
        g.pk: g
        for g in Group.objects.filter(pk__in={g for _u, g in joins + leaves}).select_related(
            "access__org_unit", "access__committee"
        )
    }
    rows = []
    for action, pairs in (
        (AuditEvent.Action.GROUP_JOINED, joins),
        (AuditEvent.Action.GROUP_LEFT, leaves),
    ):
        for u, g in pairs:
            group, access = groups[g], groups[g].access
            rows.append(
                AuditEvent(
                    action=action,
                    actor=actor if actor is not None and actor.pk else None,
                    actor_name=actor.get_username() if actor is not None else "",
                    organization_id=access.org_unit.organization_id
                    if access.org_unit_id
                    else access.committee.organization_id,
                    object_type="auth.Group",
                    object_id=str(group.pk),
                    object_repr=group.name,
                    details={"user": users[u].get_username(), "day": today.isoformat()},
                )
            )
    AuditEvent.objects.bulk_create(rows, batch_size=2000)
    for u in {u for u, _g in joins + leaves}:
        for attr in ("_perm_cache", "_group_perm_cache", "_guardian_perms_cache"):
            users[u].__dict__.pop(attr, None)
    return len(joins), len(leaves)


def access_sync_all_users(*, today: dt.date) -> tuple[int, int, int]:
    """The daily sync: (users checked, groups joined, groups left)."""
    from django.contrib.auth import get_user_model

    users = (
        get_user_model()
        .objects.filter(
            Q(role_assignments__isnull=False)
            | Q(deputyships__isnull=False)
            | Q(committee_memberships__isnull=False)
            | Q(groups__access__isnull=False)
        )
        .distinct()
    )
    checked = joined = left = 0
    for user in users.iterator():
        j, lft = access_sync_user(user, today=today)
        checked, joined, left = checked + 1, joined + j, left + lft
    return checked, joined, left
