"""What is attached to a measure: evidence, comments, and its links to committee
recommendations and a regulator's required items."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.archiving import ArchivableModel
from governance.models import Recommendation, RequiredItem
from measures.models.events import StatusEvent
from measures.models.plan import Countermeasure


def evidence_upload_to(instance: Evidence, filename: str) -> str:
    return f"evidence/{instance.measure.organization.code}/{instance.sha256[:2]}/{instance.sha256}"


class Evidence(ArchivableModel):
    """A file that shows a measure was carried out; stored under its SHA-256."""

    measure = models.ForeignKey(
        Countermeasure,
        on_delete=models.PROTECT,
        related_name="evidence",
        verbose_name=_("countermeasure"),
    )
    status_event = models.ForeignKey(
        StatusEvent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("status event"),
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=evidence_upload_to)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["measure", "uploaded_at"]

    def __str__(self) -> str:
        return self.title


class RecommendationReflection(ArchivableModel):
    """How a committee's recommendation (提言) is reflected in a measure."""

    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.PROTECT,
        related_name="reflections",
        verbose_name=_("recommendation"),
    )
    measure = models.ForeignKey(
        Countermeasure,
        on_delete=models.PROTECT,
        related_name="reflections",
        verbose_name=_("countermeasure"),
    )
    how_reflected = models.TextField(_("how it is reflected"))
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("linked by"),
    )
    linked_at = models.DateTimeField(_("linked at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("recommendation reflection")
        verbose_name_plural = _("recommendation reflections")
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "measure"], name="reflection_unique_pair"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recommendation} → {self.measure.code}"


class RequiredItemCoverage(ArchivableModel):
    """A measure that answers an item a regulatory action requires."""

    required_item = models.ForeignKey(
        RequiredItem,
        on_delete=models.PROTECT,
        related_name="coverage",
        verbose_name=_("required item"),
    )
    measure = models.ForeignKey(
        Countermeasure,
        on_delete=models.PROTECT,
        related_name="required_item_coverage",
        verbose_name=_("countermeasure"),
    )
    note = models.TextField(_("how it answers the item"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("required item coverage")
        verbose_name_plural = _("required item coverage")
        constraints = [
            models.UniqueConstraint(
                fields=["required_item", "measure"], name="coverage_unique_pair"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.required_item} → {self.measure.code}"


class Comment(ArchivableModel):
    """A remark on a measure, by a person who may see it."""

    measure = models.ForeignKey(
        Countermeasure,
        on_delete=models.PROTECT,
        related_name="comments",
        verbose_name=_("countermeasure"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["measure", "created_at"]

    def __str__(self) -> str:
        return f"{self.measure.code}: {self.body[:40]}"
