"""Which models are guarded and how (``Guarded``: the roles' grants over a subtree or a whole
organization, committee rosters)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.db.models import (
    BigIntegerField,
    Case,
    Exists,
    F,
    OuterRef,
    QuerySet,
    Value,
    When,
)

from governance.models import (
    Committee,
    Role,
)

SUBTREE = "subtree"


ORGANIZATION = "organization"


FIRST_LINE_ROLES = (Role.CHIEF_OFFICER, Role.EXECUTIVE, Role.MANAGER, Role.PROMOTER)


@dataclass(frozen=True)
class Guarded:
    """How a model's objects are granted. ``grants``: role → (scope, codenames)."""

    model: type[models.Model]
    grants: dict[str, tuple[str, tuple[str, ...]]]
    organization_field: str = "organization_id"
    owner_unit_field: str | None = None  # e.g. "owner_unit"; None: owned by the organization
    # The committee an object belongs to (e.g. "id" for a committee, "committee_id" for its
    # reports): that committee's members get ``committee_codenames`` on it.
    committee_field: str | None = None
    committee_codenames: tuple[str, ...] = ()
    # When set, annotates ``grant_organization_id`` on a queryset of the model: the
    # organization whose roles get ``grants`` on each object, or NULL for none (members and
    # shares only). A committee that oversees several companies is read by its roster only,
    # since its pages and reports hold every one of those companies' records.
    grant_scope: Callable[[QuerySet], QuerySet] | None = None

    @property
    def view_codename(self) -> str:
        return f"view_{self.model._meta.model_name}"


_REGISTRY: dict[type[models.Model], Guarded] = {}


def register(spec: Guarded) -> None:
    _REGISTRY[spec.model] = spec


def guarded_models() -> list[Guarded]:
    return list(_REGISTRY.values())


def spec_for(model: type[models.Model]) -> Guarded:
    return _REGISTRY[model]


def organization_wide(*codenames: str) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Every role of the organization gets ``codenames`` on all its objects."""
    return dict.fromkeys(Role.values, (ORGANIZATION, codenames))


def single_organization_committee(prefix: str = "") -> Case:
    """For ``grant_scope``: the committee's own organization when it oversees that
    organization only, else NULL. ``prefix`` reaches the committee (``"committee__"``)."""
    other_companies = Committee.scope.through.objects.filter(
        committee_id=OuterRef(f"{prefix}id")
    ).exclude(organization_id=OuterRef(f"{prefix}organization_id"))
    return Case(
        When(~Exists(other_companies), then=F(f"{prefix}organization_id")),
        default=Value(None),
        output_field=BigIntegerField(),
    )
