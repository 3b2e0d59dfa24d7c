"""Change control: a first-line proposal to re-plan, hold or cancel a measure, which takes
effect only when the second line approves it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.dates import PrecisionDateAttribute, precision_field
from measures.models.events import StatusEvent
from measures.models.plan import Countermeasure


class ChangeRequest(models.Model):
    class Kind(models.TextChoices):
        REPLAN = "replan", _("re-plan (new due date)")
        HOLD = "hold", _("hold")
        CANCEL = "cancel", _("cancellation")

    class State(models.TextChoices):
        PENDING = "pending", _("awaiting decision")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")
        WITHDRAWN = "withdrawn", _("withdrawn")

    measure = models.ForeignKey(
        Countermeasure,
        on_delete=models.PROTECT,
        related_name="change_requests",
        verbose_name=_("countermeasure"),
    )
    kind = models.CharField(_("change"), max_length=10, choices=Kind.choices)
    new_due_on = models.DateField(_("new due date"), null=True, blank=True)
    new_due_on_precision = precision_field()
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    event = models.ForeignKey(
        StatusEvent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("status event"),
    )

    new_due = PrecisionDateAttribute("new_due_on")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure"],
                condition=Q(state="pending"),
                name="changerequest_one_pending_per_measure",
            ),
            models.CheckConstraint(
                condition=~Q(kind="replan") | Q(new_due_on__isnull=False),
                name="changerequest_replan_has_date",
            ),
        ]
        indexes = [models.Index(fields=["state", "measure"])]

    def __str__(self) -> str:
        return f"{self.measure.code} {self.get_kind_display()} ({self.get_state_display()})"
