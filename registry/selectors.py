"""Reads of the registry that depend on who asks."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet

from governance.models import Organization
from governance.permissions import visible_to
from registry.models import Judgement, Reach, Reachability, SystemRegistration


def registrations_for(user) -> QuerySet[SystemRegistration]:
    return visible_to(
        user,
        SystemRegistration.objects.filter(archived_at__isnull=True),
        "view_systemregistration",
    )


def registration_rows(registrations: QuerySet[SystemRegistration]) -> QuerySet:
    """Each registration with its counts of items, non-public items and open exposures."""
    return (
        registrations.select_related("organization", "system", "manager_unit", "manager")
        .annotate(
            n_items=Count("items", filter=Q(items__archived_at__isnull=True), distinct=True),
            n_non_public=Count(
                "items",
                filter=Q(items__archived_at__isnull=True, items__judgement=Judgement.NON_PUBLIC),
                distinct=True,
            ),
        )
        .order_by("organization__code", "system__code")
    )


def exposures_for(registrations) -> QuerySet[Reachability]:
    """The non-public items still reachable by another company's users (the 整理表 rows
    marked to be closed), with the measure that is to close each."""
    return (
        Reachability.objects.filter(
            item__registration__in=registrations,
            archived_at__isnull=True,
            item__archived_at__isnull=True,
            reach=Reach.EXPOSED,
            item__judgement=Judgement.NON_PUBLIC,
        )
        .exclude(reached_by_id=F("organization_id"))
        .select_related(
            "item__registration__system", "reached_by", "closing_measure", "organization"
        )
        .order_by("item__registration__organization__code", "item__registration__system__code",
                  "item__code", "pk")
    )  # fmt: skip


@dataclass(frozen=True)
class RegistryPicture:
    organization: Organization
    registrations: list[SystemRegistration]
    exposures: list[Reachability]
    reviews_due: list[SystemRegistration]


def registry_picture(organizations: list[Organization], *, day) -> list[RegistryPicture]:
    """Each company's registered systems, the non-public information other companies can
    still reach (as recorded now: the registry has no valid-time history of its own), and
    the systems whose review is due by ``day``."""
    found = []
    for org in organizations:
        registrations = list(
            SystemRegistration.objects.filter(organization=org, archived_at__isnull=True)
            .select_related("system", "manager_unit", "established_by")
            .order_by("system__code")
        )
        if not registrations:
            continue
        found.append(
            RegistryPicture(
                organization=org,
                registrations=registrations,
                exposures=list(exposures_for([r.pk for r in registrations])),
                reviews_due=[r for r in registrations if r.review_due and r.review_due <= day],
            )
        )
    return found
