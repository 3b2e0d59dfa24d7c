"""The audit log: append-only (the database refuses updates and deletes)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.models.organization import Organization


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        LOGIN = "login", _("signed in")
        LOGIN_FAILED = "login_failed", _("failed sign-in")
        LOCKED_OUT = "locked_out", _("locked out")
        LOGOUT = "logout", _("signed out")
        LOGOUT_EVERYWHERE = "logout_everywhere", _("signed out everywhere")
        CONCURRENT_LOGIN = "concurrent_login", _("concurrent sign-in from another address")
        OTP_FAILED = "otp_failed", _("wrong one-time code")
        OTP_DEVICE_ADDED = "otp_device_added", _("two-factor device added")
        ROLE_ASSIGNED = "role_assigned", _("role assigned")
        ROLE_CHANGED = "role_changed", _("role period changed")
        ROLE_ENDED = "role_ended", _("role ended")
        PERMISSION_GRANTED = "perm_granted", _("permission granted")
        PERMISSION_REVOKED = "perm_revoked", _("permission revoked")
        GROUP_JOINED = "group_joined", _("access group joined")
        GROUP_LEFT = "group_left", _("access group left")
        SHARED = "shared", _("record shared")
        UNSHARED = "unshared", _("sharing revoked")
        VIEWED = "viewed", _("viewed")
        DOWNLOADED = "downloaded", _("downloaded")
        EXPORTED = "exported", _("exported")
        PLAN_IMPORTED = "plan_imported", _("plan imported")
        CHANGED = "changed", _("changed")
        ARCHIVED = "archived", _("archived")
        CHANGE_REQUESTED = "change_requested", _("change requested")
        CHANGE_DECIDED = "change_decided", _("change request decided")
        DENIED = "denied", _("access denied")
        DEPUTY_APPOINTED = "deputy_appointed", _("deputy appointed")
        DEPUTY_ENDED = "deputy_ended", _("deputyship ended")
        INTEGRITY_FAILED = "integrity_failed", _("stored file does not match its hash")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_name = models.CharField(_("user name"), max_length=150, blank=True)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organization"),
    )
    object_type = models.CharField(_("record type"), max_length=100, blank=True)
    object_id = models.CharField(_("record id"), max_length=64, blank=True)
    object_repr = models.CharField(_("record"), max_length=300, blank=True)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["organization", "-at"]),
            models.Index(fields=["actor", "-at"]),
            models.Index(fields=["action", "-at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValueError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit events are append-only.")
