"""Governance: organizations, the responsibility hierarchy, committees, regulatory actions,
access groups and the audit log."""

from governance.models.access import AccessGroup, RecordShare, UserSession
from governance.models.audit import AuditEvent
from governance.models.committees import (
    Committee,
    CommitteeMembership,
    Meeting,
    Recommendation,
    RegulatoryAction,
    RequiredItem,
)
from governance.models.organization import (
    ROLE_LINES,
    Line,
    Organization,
    OrgUnit,
    Role,
    RoleAssignment,
    ValidityQuerySet,
)

__all__ = [
    "AccessGroup",
    "AuditEvent",
    "RecordShare",
    "UserSession",
    "ROLE_LINES",
    "Committee",
    "CommitteeMembership",
    "Line",
    "Meeting",
    "OrgUnit",
    "Organization",
    "Recommendation",
    "RegulatoryAction",
    "RequiredItem",
    "Role",
    "RoleAssignment",
    "ValidityQuerySet",
]
