"""The four reads of a person's grants: ``visible_to`` (a queryset's rows, for lists),
``held_on_row`` (the same per row, for a page's sub-items), ``granted_pks`` (the keys, for a
membership test) and ``perms_on`` (every codename on one object)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import (
    BigIntegerField,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Cast
from django.http import Http404
from guardian.core import ObjectPermissionChecker
from guardian.models import GroupObjectPermission

from governance.models import (
    Deputyship,
    Organization,
    Role,
    RoleAssignment,
)


def user_organizations(user, *, today: dt.date) -> QuerySet[Organization]:
    """Organizations in which ``user`` holds a role today, or stands in for one."""
    held = RoleAssignment.objects.active_on(today)
    standing_in = Deputyship.objects.active_on(today).filter(deputy=user, assignment__in=held)
    return Organization.objects.filter(
        Q(units__role_assignments__in=held.filter(user=user))
        | Q(units__role_assignments__deputyships__in=standing_in)
    ).distinct()


def seen_through_share_only(user, obj: models.Model, *, today: dt.date) -> bool:
    """``user`` sees ``obj`` only because it was shared with their company: they hold no
    role (nor stand in for one) in its organization. A share carries the record and its
    status, not its internal discussion (comments, evidence, history, who did what)."""
    if user.is_superuser:
        return False
    held = RoleAssignment.objects.active_on(today).filter(
        org_unit__organization_id=obj.organization_id
    )
    if held.filter(user=user).exists():
        return False
    return not Deputyship.objects.active_on(today).filter(deputy=user, assignment__in=held).exists()


def user_requires_second_factor(user, *, today: dt.date) -> bool:
    """Administrators and second-line officers must use TOTP."""
    if user.is_superuser or user.is_staff:
        return True
    return RoleAssignment.objects.active_on(today).filter(user=user, role=Role.SECOND_LINE).exists()


# -- reads ----------------------------------------------------------------------------------
def perm_name(model: type[models.Model], perm: str) -> str:
    """ "view" → "measures.view_countermeasure"; a full codename is kept as is."""
    opts = model._meta
    if "." in perm:
        return perm
    if perm in ("view", "change", "add", "delete"):
        return f"{opts.app_label}.{perm}_{opts.model_name}"
    return f"{opts.app_label}.{perm}"


def visible_to(user, queryset: QuerySet, perm: str = "view") -> QuerySet:
    """The objects of ``queryset`` on which ``user`` holds ``perm`` through an access group.

    One query: a semi-join on guardian's group object permissions with the object key cast
    to the model's integer key (guardian's own get_objects_for_user compares text and was
    eight times slower on 1,000 measures). Superusers see everything."""
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(pk__in=_granted_keys(user, queryset.model, perm))


def held_on_row(user, model: type[models.Model], perm: str = "view") -> Q:
    """``visible_to`` as a filter checked row by row: ``user`` holds ``perm`` on the row,
    through an access group. Only for a queryset of ``model`` (the row's key is matched
    against grants on ``model``). Where ``visible_to`` reads all of the person's grants and
    matches the rows against them (right for thousands of rows), this looks each row up in
    the grants' index (group, permission, object key as text): for a few rows, such as the
    sub-items of one page of measures (for a second-line officer's 2,112 grants, reading a
    page of 50 measures with their sub-items took 14-17 ms instead of 21-26 ms)."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser:
        return Q(pk__isnull=False)  # every row, also when negated (~Q() would be every row)
    grants = _grants(user, model, perm).filter(object_pk=Cast(OuterRef("pk"), models.TextField()))
    return Q(Exists(grants))


def granted_pks(user, model: type[models.Model], perm: str) -> set | None:
    """The keys of the ``model`` objects on which ``user`` holds ``perm`` (the same grants
    as ``visible_to``), None for a superuser (every object). For a membership test on
    objects already read: it reads the grants alone, not the objects (a second-line
    officer's 2,112 measures: 5 ms to 2 ms)."""
    if not user.is_authenticated or not user.is_active:
        return set()
    if user.is_superuser:
        return None
    return set(_granted_keys(user, model, perm).values_list("object_key", flat=True))


def _granted_keys(user, model: type[models.Model], perm: str) -> QuerySet:
    """The object keys, as the model's integer key, of ``user``'s grants of ``perm``."""
    return (
        _grants(user, model, perm)
        .annotate(object_key=Cast("object_pk", BigIntegerField()))
        .values("object_key")
    )


def _grants(user, model: type[models.Model], perm: str) -> QuerySet:
    """``user``'s grants of ``perm`` on objects of ``model``, through its groups."""
    _app_label, codename = perm_name(model, perm).split(".")
    content_type = ContentType.objects.get_for_model(model)
    # The permission as a scalar subquery, not a join through auth_permission and
    # django_content_type: joined, PostgreSQL estimated one matching row and chose a nested
    # loop that took 12 s for 2,000 measures among 500,000 grants; this way, 13 ms.
    # Unordered: Permission's default order would join django_content_type to sort one row.
    permission = (
        Permission.objects.filter(content_type=content_type, codename=codename)
        .order_by()
        .values("id")[:1]
    )
    return GroupObjectPermission.objects.filter(
        content_type=content_type,
        permission_id=Subquery(permission),
        group__user=user,
    )


def codenames_held(user, model: type[models.Model]) -> frozenset[str]:
    """The codenames ``user`` holds on at least one ``model`` object, in one query (the
    header asks two questions of every page)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    content_type = ContentType.objects.get_for_model(model)
    return frozenset(
        GroupObjectPermission.objects.filter(content_type=content_type, group__user=user)
        .values_list("permission__codename", flat=True)
        .distinct()
    )


def perms_on(user, obj: models.Model) -> frozenset[str]:
    """The codenames ``user`` holds on ``obj``: what ``user.has_perm(perm, obj)`` answers
    for each (Django's model backend ignores object checks; guardian's answers them, and
    every permission for an active superuser), read in two queries for a page that asks
    about several instead of two per question."""
    return frozenset(ObjectPermissionChecker(user).get_perms(obj))


def get_for_user_or_404(user, queryset: QuerySet, *, pk, perm: str | None = None):
    """The object ``pk`` if ``user`` may see it, else 404; 403 if seen but ``perm`` lacks."""
    try:
        obj = visible_to(user, queryset).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if perm is not None and not user.has_perm(perm_name(queryset.model, perm), obj):
        raise PermissionDenied
    return obj
