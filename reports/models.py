"""A committee progress report: immutable once rendered (a new one is made instead)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.archiving import HardDeleteRefused, NoDeleteQuerySet


def report_upload_to(instance: Report, filename: str) -> str:
    suffix = Path(filename).suffix or ".pdf"
    return f"reports/{instance.committee_id}/{instance.pk}-{instance.as_of:%Y%m%d}{suffix}"


class Report(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RENDERING = "rendering", _("rendering")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    committee = models.ForeignKey(
        "governance.Committee",
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("committee"),
    )
    as_of = models.DateField(_("as of"))
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("compared with"),
    )
    meeting = models.ForeignKey(
        "governance.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("meeting"),
        help_text=_("The meeting the report is for (shown on the cover)."),
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    error = models.TextField(_("error"), blank=True)
    file = models.FileField(_("PDF"), upload_to=report_upload_to, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    tables = models.FileField(_("tables (.xlsx)"), upload_to=report_upload_to, blank=True)
    tables_sha256 = models.CharField(_("SHA-256 of the tables"), max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(_("render attempts"), default=0)
    queued_at = models.DateTimeField(_("queued again at"), null=True, blank=True)
    started_at = models.DateTimeField(_("rendering started at"), null=True, blank=True)
    seen_recent = models.JSONField(
        _("records seen just before the read"),
        null=True,
        blank=True,
        help_text=_(
            "Ids of the status events and measures entered shortly before the data were read "
            "and seen by this report; the next report lists the others of that moment as late."
        ),
    )
    read_at = models.DateTimeField(
        _("data read at"),
        null=True,
        blank=True,
        help_text=_(
            "When the rendering read the data; events recorded later with an earlier "
            "effective date are listed as recorded late by the next report."
        ),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)

    objects = NoDeleteQuerySet.as_manager()

    class Meta:
        verbose_name = _("committee report")
        verbose_name_plural = _("committee reports")
        ordering = ["committee", "-as_of", "-requested_at"]
        indexes = [models.Index(fields=["state", "requested_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="done") | (~Q(sha256="") & Q(size__isnull=False)),
                name="report_done_has_hash_and_size",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.committee} {self.as_of} ({self.get_state_display()})"

    @property
    def is_pending(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RENDERING)

    def delete(self, *args, **kwargs):
        raise HardDeleteRefused("Committee reports are kept; a new one is made instead.")
