"""An import of a plan file, run by a worker: checked first (a dry run), then, once the
person confirms, written. The page follows it while it runs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanImportRun(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="plan_imports",
        verbose_name=_("requested by"),
    )
    file_name = models.CharField(_("file name"), max_length=255)
    stored_name = models.CharField(_("stored as"), max_length=100)
    # The organization codes the person may import into; null: any (a superuser).
    organizations = models.JSONField(_("organizations"), null=True, blank=True)
    archive_missing = models.BooleanField(_("withdraw measures not in the file"), default=False)
    dry_run = models.BooleanField(_("check only"), default=True)
    confirms = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="confirmations",
        verbose_name=_("confirms the check"),
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    # The outcome as the page shows it (problems with their places, counts per sheet, what
    # changed), in the requester's language.
    result = models.JSONField(_("result"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("plan import")
        verbose_name_plural = _("plan imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_state_display()})"

    @property
    def ok(self) -> bool:
        return self.state == self.State.DONE and not (self.result or {}).get("problems")
