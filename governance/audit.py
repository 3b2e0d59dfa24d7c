"""Recording the audit log: one function, called by services, views and auth signals."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.spreadsheets import csv_writer
from governance.models import AuditEvent, Organization, RoleAssignment


def client_address(request: HttpRequest | None) -> str | None:
    """The address the request came from (REMOTE_ADDR; a TLS proxy must set it right)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    action: str,
    request: HttpRequest | None = None,
    actor=None,
    obj: models.Model | None = None,
    organization_id: int | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    details: dict | None = None,
) -> AuditEvent:
    """Append one event: who (``actor`` or the request's user), what, when, from where."""
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:300]
        if organization_id is None:
            organization_id = _organization_of(obj)
    if organization_id is None and actor is not None and actor.pk:
        # Under the person's own company, so that its second line and auditors see it (a
        # failed second factor, an export of several companies' records).
        organization_id = home_organization_id(actor)
    return AuditEvent.objects.create(
        action=action,
        actor=actor if actor is not None and actor.pk else None,
        actor_name=actor.get_username() if actor is not None else "",
        organization_id=organization_id,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        ip=client_address(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request else "")[:300],
        details=details or {},
    )


def home_organization_id(user) -> int | None:
    """The organization a person's own events are logged under: that of their first role
    held today (by code), or none."""
    if user is None:
        return None
    return (
        Organization.objects.filter(
            units__role_assignments__in=RoleAssignment.objects.active_on(
                timezone.localdate()
            ).filter(user=user)
        )
        .order_by("code")
        .values_list("pk", flat=True)
        .first()
    )


def _organization_of(obj: models.Model) -> int | None:
    for path in ("organization_id", "measure.organization_id", "committee.organization_id"):
        value = obj
        for part in path.split("."):
            value = getattr(value, part, None)
            if value is None:
                break
        if value is not None:
            return value
    if obj._meta.label == "governance.Organization":
        return obj.pk
    return None


CSV_HEADER = [
    _("when"),
    _("action"),
    _("who"),
    _("organization"),
    _("record type"),
    _("record id"),
    _("record"),
    _("address"),
    _("browser"),
    _("details"),
]


def audit_write_csv(events: Iterable[AuditEvent], stream) -> None:
    """Write events as CSV (UTF-8 with BOM so that spreadsheet programs read Japanese)."""
    stream.write("\ufeff")
    writer = csv_writer(stream)
    writer.writerow([str(label) for label in CSV_HEADER])
    for event in events:
        writer.writerow(
            [
                event.at.isoformat(),
                event.get_action_display(),
                event.actor_name,
                str(event.organization) if event.organization_id else "",
                event.object_type,
                event.object_id,
                event.object_repr,
                event.ip or "",
                event.user_agent,
                str(event.details) if event.details else "",
            ]
        )


def denied_over_threshold(*, day, organizations=None) -> list[dict]:
    """The accounts whose refused reads and writes on ``day`` reached
    ``THREELINES_DENIED_ALERT_THRESHOLD``: {actor_id, actor_name, organization_id, n}, most
    first; within ``organizations`` (a queryset) when given."""
    events = AuditEvent.objects.filter(
        action=AuditEvent.Action.DENIED, at__date=day, actor__isnull=False
    )
    if organizations is not None:
        events = events.filter(organization__in=organizations)
    return list(
        events.values("actor_id", "actor_name", "organization_id")
        .annotate(n=models.Count("id"))
        .filter(n__gte=settings.THREELINES_DENIED_ALERT_THRESHOLD)
        .order_by("-n", "actor_name")
    )


def audit_change(obj: models.Model, *, actor, reason: str, action: str | None = None) -> None:
    """A write by a person, with its reason, in the audit log (``action``: changed unless
    said). A load or a task (``actor`` None) leaves its trace in the history only."""
    if actor is not None:
        audit_record(
            action=action or AuditEvent.Action.CHANGED,
            actor=actor,
            obj=obj,
            details={"reason": reason[:500]},
        )
