"""The second line's own records: monitoring activities (what is checked, by whom, how
often), their runs (what was found) and the exceptions a run raises, each answered by the
first line, often with a countermeasure."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.archiving import ArchivableModel
from core.dates import PrecisionDateAttribute, precision_field
from governance.models import Organization, OrgUnit
from incidents.models import AffectedSystem
from measures.models import Countermeasure


class Subject(models.TextChoices):
    """What an activity checks."""

    MEASURES = "measures", _("countermeasures carried out as reported")
    ACCESS_LOGS = "access_logs", _("access logs of systems")
    CONTROL = "control", _("a control")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("monthly")
    QUARTERLY = "quarterly", _("quarterly")
    HALF_YEARLY = "half_yearly", _("every fiscal half")
    YEARLY = "yearly", _("every fiscal year")
    ONCE = "once", _("once")


class Severity(models.TextChoices):
    HIGH = "high", _("high")
    MEDIUM = "medium", _("medium")
    LOW = "low", _("low")


class MonitoringActivity(ArchivableModel):
    """A check the second line carries out: on measures, on a system's access logs or on a
    control; by a unit, at a frequency from a start (a date with precision). Left without
    a frequency, no run is ever due (the plan says it is done, not how often)."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="monitoring_activities",
        verbose_name=_("organization"),
    )
    code = models.SlugField(_("code"), max_length=60)
    title = models.CharField(_("title"), max_length=300)
    subject = models.CharField(_("what is checked"), max_length=20, choices=Subject.choices)
    control = models.CharField(
        _("control"),
        max_length=300,
        blank=True,
        help_text=_("The control checked, when the subject is a control."),
    )
    measures = models.ManyToManyField(
        Countermeasure,
        blank=True,
        related_name="monitoring_activities",
        verbose_name=_("countermeasures covered"),
    )
    systems = models.ManyToManyField(
        AffectedSystem,
        blank=True,
        related_name="monitoring_activities",
        verbose_name=_("systems covered"),
    )
    established_by = models.ForeignKey(
        Countermeasure,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("established by"),
        help_text=_("The countermeasure that set this monitoring up, if any."),
    )
    unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="monitoring_activities",
        verbose_name=_("performed by"),
    )
    frequency = models.CharField(
        _("frequency"), max_length=20, choices=Frequency.choices, blank=True
    )
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    starts_on_precision = precision_field(_("precision of the start"))
    ends_on = models.DateField(
        _("ends"), null=True, blank=True, help_text=_("Last day of the monitoring; empty: open.")
    )
    sample = models.CharField(_("sample"), max_length=300, blank=True)
    method = models.TextField(_("method"), blank=True)
    note = models.TextField(_("note"), blank=True)

    starts = PrecisionDateAttribute("starts_on")

    history = HistoricalRecords(m2m_fields=[measures, systems])

    class Meta:
        verbose_name = _("monitoring activity")
        verbose_name_plural = _("monitoring activities")
        ordering = ["organization__code", "code"]
        permissions = [("record_run", _("Can record a monitoring run"))]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "code"], name="monitoring_code_unique_per_organization"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="monitoring_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Result(models.TextChoices):
    NO_EXCEPTION = "no_exception", _("no exception")
    EXCEPTIONS = "exceptions", _("exceptions found")


def run_evidence_upload_to(run: MonitoringRun, filename: str) -> str:
    return f"monitoring/{run.activity.organization_id}/{run.activity_id}/{run.sha256}"


class MonitoringRun(models.Model):
    """One carrying out of an activity, for one period of its schedule (or unscheduled).
    A run is a record of what was found: never changed or deleted (a database rule)."""

    activity = models.ForeignKey(
        MonitoringActivity,
        on_delete=models.PROTECT,
        related_name="runs",
        verbose_name=_("monitoring activity"),
    )
    period_start = models.DateField(
        _("period"),
        null=True,
        blank=True,
        help_text=_("First day of the scheduled period the run covers; empty: unscheduled."),
    )
    performed_on = models.DateField(_("performed on"))
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("performed by"),
    )
    scope = models.TextField(_("scope"), help_text=_("What was looked at: systems, logs, dates."))
    result = models.CharField(_("result"), max_length=20, choices=Result.choices)
    evidence = models.TextField(
        _("evidence"), blank=True, help_text=_("What shows the check was done, where it is kept.")
    )
    file = models.FileField(_("file"), upload_to=run_evidence_upload_to, blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("monitoring run")
        verbose_name_plural = _("monitoring runs")
        ordering = ["activity", "-performed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "period_start"],
                condition=Q(period_start__isnull=False),
                name="monitoring_run_once_per_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity.code} {self.performed_on:%Y-%m-%d}"


class ExceptionState(models.TextChoices):
    OPEN = "open", _("open")
    ANSWERED = "answered", _("answered")
    CLOSED = "closed", _("closed")


class MonitoringException(ArchivableModel):
    """Something a run found wrong, addressed to the unit that must put it right: with a
    severity and a due date, answered by a response and by countermeasures, closed by the
    second line."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="monitoring_exceptions",
        verbose_name=_("organization"),
    )
    run = models.ForeignKey(
        MonitoringRun,
        on_delete=models.PROTECT,
        related_name="exceptions",
        verbose_name=_("monitoring run"),
    )
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    owner_unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="monitoring_exceptions",
        verbose_name=_("unit responsible"),
    )
    due_on = models.DateField(_("due"))
    state = models.CharField(
        _("state"), max_length=10, choices=ExceptionState.choices, default=ExceptionState.OPEN
    )
    response = models.TextField(_("response"), blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responded by"),
    )
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    measures = models.ManyToManyField(
        Countermeasure,
        blank=True,
        related_name="monitoring_exceptions",
        verbose_name=_("answering countermeasures"),
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    closing_note = models.TextField(_("closing note"), blank=True)
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[measures])

    class Meta:
        verbose_name = _("monitoring exception")
        verbose_name_plural = _("monitoring exceptions")
        ordering = ["organization__code", "number"]
        permissions = [
            ("respond_exception", _("Can respond to a monitoring exception")),
            ("close_exception", _("Can close a monitoring exception")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "number"], name="exception_number_unique_per_org"
            ),
            models.CheckConstraint(
                condition=Q(state=ExceptionState.CLOSED, closed_on__isnull=False)
                | (~Q(state=ExceptionState.CLOSED) & Q(closed_on__isnull=True)),
                name="exception_closed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.title}"

    @property
    def label(self) -> str:
        return f"E-{self.number}"

    def days_overdue(self, day: dt.date) -> int:
        """Days past the due date on ``day`` while not closed; 0 otherwise."""
        if self.state == ExceptionState.CLOSED:
            return 0
        return max((day - self.due_on).days, 0)
