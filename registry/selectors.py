"""Reads of the registry that depend on who asks."""

from __future__ import annotations

from django.db.models import Count, F, Q, QuerySet

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
