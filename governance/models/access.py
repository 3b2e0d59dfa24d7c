"""Who may see what: access groups derived from roles, explicit sharing, signed-in sessions."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.archiving import HardDeleteRefused, NoDeleteQuerySet
from governance.models.committees import Committee
from governance.models.organization import Organization, OrgUnit, Role


class AccessGroup(models.Model):
    """The django-guardian group of everyone holding ``role`` in ``org_unit`` today, or of
    the members of ``committee``. Its object permissions are derived, never edited by hand."""

    group = models.OneToOneField(
        Group, on_delete=models.PROTECT, related_name="access", verbose_name=_("group")
    )
    org_unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access_groups",
        verbose_name=_("unit"),
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices, blank=True)
    committee = models.OneToOneField(
        Committee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access_group",
        verbose_name=_("committee"),
    )

    objects = NoDeleteQuerySet.as_manager()

    class Meta:
        verbose_name = _("access group")
        verbose_name_plural = _("access groups")
        constraints = [
            models.UniqueConstraint(
                fields=["org_unit", "role"],
                condition=Q(org_unit__isnull=False),
                name="accessgroup_one_per_unit_role",
            ),
            models.CheckConstraint(
                condition=(Q(org_unit__isnull=False) & ~Q(role="") & Q(committee__isnull=True))
                | (Q(org_unit__isnull=True) & Q(role="") & Q(committee__isnull=False)),
                name="accessgroup_unit_role_or_committee",
            ),
        ]

    def __str__(self) -> str:
        return self.group.name

    def delete(self, *args, **kwargs):
        raise HardDeleteRefused("Access groups are kept; their members and permissions change.")


class RecordShare(models.Model):
    """A record of one organization explicitly shared with another (who, when, why)."""

    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, verbose_name=_("record type")
    )
    object_id = models.PositiveBigIntegerField(_("record id"))
    owner = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="shares_given",
        verbose_name=_("owning organization"),
    )
    shared_with = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="shares_received",
        verbose_name=_("shared with"),
    )
    reason = models.CharField(_("reason"), max_length=300)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("shared by"),
    )
    shared_at = models.DateTimeField(_("shared at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    objects = NoDeleteQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("record share")
        verbose_name_plural = _("record shares")
        constraints = [
            models.CheckConstraint(
                condition=~Q(owner=models.F("shared_with")), name="share_with_another_org"
            ),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.content_type.model} #{self.object_id} → {self.shared_with}"


class UserSession(models.Model):
    """A signed-in session: where from, when last seen; used to end every session of a
    person and to notice one account used from two addresses at once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="tracked_sessions",
        verbose_name=_("user"),
    )
    session_key = models.CharField(_("session key"), max_length=40, unique=True)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    started_at = models.DateTimeField(_("signed in at"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("last seen at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        indexes = [models.Index(fields=["user", "ended_at"])]

    def __str__(self) -> str:
        return f"{self.user} {self.ip} {self.started_at:%Y-%m-%d %H:%M}"
