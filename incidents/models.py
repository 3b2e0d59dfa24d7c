"""Incidents (事案), what they touched, how many records were viewed, and their root causes."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.archiving import ArchivableModel
from core.dates import PrecisionDateAttribute, precision_field
from core.errors import refusal
from governance.models import Organization

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def circled(number: int) -> str:
    """①, ②, … as the source documents number incidents and root causes."""
    return CIRCLED[number - 1] if 1 <= number <= len(CIRCLED) else f"({number})"


class AffectedSystem(ArchivableModel):
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="systems",
        verbose_name=_("organization"),
    )
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    operator = models.CharField(
        _("operated by"),
        max_length=200,
        blank=True,
        help_text=_("Who runs the system, when it is not the organization itself."),
    )
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("affected system")
        verbose_name_plural = _("affected systems")
        ordering = ["organization__code", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "code"], name="system_code_unique_per_organization"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Incident(ArchivableModel):
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="incidents",
        verbose_name=_("organization"),
        help_text=_("The organization that owns the record (where the incident occurred)."),
    )
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"))
    organizations_involved = models.ManyToManyField(
        Organization, related_name="incidents_involved", verbose_name=_("organizations involved")
    )
    systems = models.ManyToManyField(
        AffectedSystem, blank=True, related_name="incidents", verbose_name=_("systems involved")
    )
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords(m2m_fields=[organizations_involved, systems])

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["organization__code", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "number"], name="incident_number_unique_per_organization"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.title}"

    @property
    def label(self) -> str:
        return circled(self.number)


class IncidentMetric(ArchivableModel):
    """A count over a period (e.g. 85,783 contracts viewed, 2022-11-20 to 2023-01-20).

    Counts only: Threelines never stores the customer data itself.
    """

    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="metrics", verbose_name=_("incident")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    label = models.CharField(_("label"), max_length=200)
    count = models.PositiveBigIntegerField(_("count"))
    unit = models.CharField(_("unit"), max_length=20, default="件")
    period_start_on = models.DateField(_("period start"))
    period_start_on_precision = precision_field()
    period_end_on = models.DateField(_("period end"))
    period_end_on_precision = precision_field()
    note = models.CharField(_("note"), max_length=300, blank=True)

    period_start = PrecisionDateAttribute("period_start_on")
    period_end = PrecisionDateAttribute("period_end_on")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("incident metric")
        verbose_name_plural = _("incident metrics")
        ordering = ["incident", "position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end_on__gte=F("period_start_on")),
                name="incidentmetric_valid_period",
            ),
            models.UniqueConstraint(
                fields=["incident", "position"], name="incidentmetric_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.incident.label} {self.count:,}{self.unit}"

    @property
    def count_display(self) -> str:
        """85,783 as the source document writes it."""
        return f"{self.count:,}"

    @property
    def period_ja(self) -> str:
        return f"{self.period_start.ja()}～{self.period_end.ja()}"

    def clean(self) -> None:
        if (
            self.period_start_on
            and self.period_end_on
            and self.period_end.end < self.period_start.start
        ):
            raise refusal(
                "period_end_on", _("The period ends before it starts."), code="end_before_start"
            )


class RootCause(ArchivableModel):
    """A root cause (真因) an organization named for the incidents."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="root_causes",
        verbose_name=_("organization"),
    )
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    short_title = models.CharField(
        _("short title"),
        max_length=60,
        blank=True,
        help_text=_("As the countermeasure table names it, e.g. 周知・理解不足."),
    )
    explanation = models.TextField(_("explanation"), blank=True)
    incidents = models.ManyToManyField(
        Incident, blank=True, related_name="root_causes", verbose_name=_("incidents")
    )

    history = HistoricalRecords(m2m_fields=[incidents])

    class Meta:
        verbose_name = _("root cause")
        verbose_name_plural = _("root causes")
        ordering = ["organization__code", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "number"], name="rootcause_number_unique_per_organization"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.title}"

    @property
    def label(self) -> str:
        return circled(self.number)
