"""Roles to object permissions: the information firewall.

Each (org unit, role) has an access group (a django-guardian group). Its object permissions
are derived from ownership: first-line roles get the objects owned by their unit's subtree,
the second line and internal auditors get all of their organization's, and a record shared
with another organization is visible to that organization's groups. Who is in which group
is derived from the role assignments valid on the day. Nothing here is edited by hand:
services call the sync functions when assignments, ownership or sharing change, and the
daily sync (and the first request of each day) applies start and end dates.

Apps register the models they guard with ``register``; governance does not import them."""

from governance.permissions.reads import (
    codenames_held,
    get_for_user_or_404,
    granted_pks,
    held_on_row,
    perm_name,
    perms_on,
    seen_through_share_only,
    user_organizations,
    user_requires_second_factor,
    visible_to,
)
from governance.permissions.registry import (
    FIRST_LINE_ROLES,
    ORGANIZATION,
    SUBTREE,
    Guarded,
    guarded_models,
    organization_wide,
    register,
    single_organization_committee,
    spec_for,
)
from governance.permissions.sync import (
    access_group_for_committee,
    access_group_for_role,
    access_groups_for_roles,
    access_sync_all_objects,
    access_sync_all_users,
    access_sync_committee,
    access_sync_objects,
    access_sync_organization,
    access_sync_user,
    access_sync_users,
)

__all__ = [
    "FIRST_LINE_ROLES",
    "ORGANIZATION",
    "SUBTREE",
    "Guarded",
    "access_group_for_committee",
    "access_group_for_role",
    "access_groups_for_roles",
    "access_sync_all_objects",
    "access_sync_all_users",
    "access_sync_committee",
    "access_sync_objects",
    "access_sync_organization",
    "access_sync_user",
    "access_sync_users",
    "codenames_held",
    "get_for_user_or_404",
    "granted_pks",
    "guarded_models",
    "held_on_row",
    "organization_wide",
    "perm_name",
    "perms_on",
    "register",
    "seen_through_share_only",
    "single_organization_committee",
    "spec_for",
    "user_organizations",
    "user_requires_second_factor",
    "visible_to",
]
