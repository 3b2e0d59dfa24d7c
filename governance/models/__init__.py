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
    Deputyship,
    Line,
    Organization,
    OrgUnit,
    Role,
    RoleAssignment,
    ValidityQuerySet,
)
from governance.models.people import User

__all__ = [
    "ROLE_LINES",
    "AccessGroup",
    "AuditEvent",
    "Committee",
    "CommitteeMembership",
    "Deputyship",
    "Line",
    "Meeting",
    "OrgUnit",
    "Organization",
    "Recommendation",
    "RecordShare",
    "RegulatoryAction",
    "RequiredItem",
    "Role",
    "RoleAssignment",
    "User",
    "UserSession",
    "ValidityQuerySet",
]
