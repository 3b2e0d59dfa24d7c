"""The third line's own records: an audit plan per fiscal year, its engagements (scope,
systems, units, 監査項目, outside experts, fieldwork) and their findings, each with the
auditee's management response and agreed action, the auditor's follow-ups and closure.
Only internal audit writes the audit records; the auditee writes its response only."""

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
from incidents.models import AffectedSystem, RootCause
from measures.models import Countermeasure


class AuditPlan(ArchivableModel):
    """Internal audit's plan for a fiscal year."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="audit_plans",
        verbose_name=_("organization"),
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    title = models.CharField(_("title"), max_length=300)
    approved_on = models.DateField(_("approved"), null=True, blank=True)
    approved_on_precision = precision_field(_("precision of the approval date"))
    established_by = models.ForeignKey(
        Countermeasure,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reflects the measure"),
        help_text=_("The countermeasure the plan reflects, if any."),
    )
    note = models.TextField(_("note"), blank=True)

    approved = PrecisionDateAttribute("approved_on")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("audit plan")
        verbose_name_plural = _("audit plans")
        ordering = ["organization__code", "-fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "fiscal_year"], name="audit_plan_once_per_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year}年度 {self.title}"


class EngagementStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    FIELDWORK = "fieldwork", _("fieldwork")
    REPORTING = "reporting", _("reporting")
    COMPLETED = "completed", _("completed")


class Engagement(ArchivableModel):
    """One audit: what it covers (systems, units, 監査項目, period), who takes part (outside
    experts included), when the fieldwork is, and where it stands."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="engagements",
        verbose_name=_("organization"),
    )
    plan = models.ForeignKey(
        AuditPlan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="engagements",
        verbose_name=_("audit plan"),
        help_text=_("Empty while the engagement is not yet in a year's plan."),
    )
    code = models.SlugField(_("code"), max_length=60)
    title = models.CharField(_("title"), max_length=300)
    scope = models.TextField(_("scope"), blank=True)
    audit_items = models.TextField(_("audit items"), blank=True)
    systems = models.ManyToManyField(
        AffectedSystem, blank=True, related_name="engagements", verbose_name=_("systems")
    )
    units = models.ManyToManyField(
        OrgUnit, blank=True, related_name="engagements", verbose_name=_("units audited")
    )
    period_start = models.DateField(_("audited period from"), null=True, blank=True)
    period_end = models.DateField(_("audited period to"), null=True, blank=True)
    external_experts = models.CharField(
        _("outside experts"),
        max_length=300,
        blank=True,
        help_text=_("Who from outside takes part (a firm, a specialist)."),
    )
    fieldwork_start = models.DateField(_("fieldwork from"), null=True, blank=True)
    fieldwork_end = models.DateField(_("fieldwork to"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=EngagementStatus.choices,
        default=EngagementStatus.PLANNED,
    )
    established_by = models.ForeignKey(
        Countermeasure,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("established by"),
        help_text=_("The countermeasure that set this audit up, if any."),
    )
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords(m2m_fields=[systems, units])

    class Meta:
        verbose_name = _("audit engagement")
        verbose_name_plural = _("audit engagements")
        ordering = ["organization__code", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "code"], name="engagement_code_unique_per_organization"
            ),
            models.CheckConstraint(
                condition=Q(period_end__isnull=True)
                | Q(period_start__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="engagement_period_valid",
            ),
            models.CheckConstraint(
                condition=Q(fieldwork_end__isnull=True)
                | Q(fieldwork_start__isnull=True)
                | Q(fieldwork_end__gte=models.F("fieldwork_start")),
                name="engagement_fieldwork_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Rating(models.TextChoices):
    MAJOR = "major", _("major (重大)")
    IMPROVEMENT = "improvement", _("needs improvement (要改善)")
    MINOR = "minor", _("minor (軽微)")


class FindingState(models.TextChoices):
    OPEN = "open", _("awaiting the response")
    RESPONDED = "responded", _("action agreed")
    CLOSED = "closed", _("closed by the auditor")


class Finding(ArchivableModel):
    """An audit finding addressed to a unit: the auditor's criteria, condition, cause and
    recommendation; the unit's management response and agreed action (owner, date, the
    countermeasures that carry it out); closed by the auditor."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="findings",
        verbose_name=_("organization"),
    )
    engagement = models.ForeignKey(
        Engagement,
        on_delete=models.PROTECT,
        related_name="findings",
        verbose_name=_("audit engagement"),
    )
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    rating = models.CharField(_("rating"), max_length=20, choices=Rating.choices)
    criteria = models.TextField(_("criteria"), help_text=_("What should be."))
    condition = models.TextField(_("condition"), help_text=_("What was found."))
    cause = models.TextField(_("cause"), blank=True)
    recommendation = models.TextField(_("auditor's recommendation"))
    addressed_to = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="findings",
        verbose_name=_("addressed to"),
    )
    root_causes = models.ManyToManyField(
        RootCause,
        blank=True,
        related_name="findings",
        verbose_name=_("root causes"),
        help_text=_("The root causes the finding bears on (the coverage matrix shows it)."),
    )
    reported_on = models.DateField(_("reported on"))
    response_due = models.DateField(_("response due"))
    state = models.CharField(
        _("state"), max_length=20, choices=FindingState.choices, default=FindingState.OPEN
    )
    # The auditee's part.
    management_response = models.TextField(_("management response"), blank=True)
    agreed_action = models.TextField(_("agreed action"), blank=True)
    action_owner = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("action owner"),
    )
    action_due = models.DateField(_("action due"), null=True, blank=True)
    measures = models.ManyToManyField(
        Countermeasure,
        blank=True,
        related_name="findings",
        verbose_name=_("countermeasures carrying out the action"),
    )
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responded by"),
    )
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    # The auditor's closure.
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

    history = HistoricalRecords(m2m_fields=[root_causes, measures])

    class Meta:
        verbose_name = _("audit finding")
        verbose_name_plural = _("audit findings")
        ordering = ["organization__code", "number"]
        permissions = [
            ("respond_finding", _("Can write the management response to an audit finding")),
            ("close_finding", _("Can follow up and close an audit finding")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "number"], name="finding_number_unique_per_org"
            ),
            models.CheckConstraint(
                condition=Q(state=FindingState.CLOSED, closed_on__isnull=False)
                | (~Q(state=FindingState.CLOSED) & Q(closed_on__isnull=True)),
                name="finding_closed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.title}"

    @property
    def label(self) -> str:
        return f"F-{self.number}"

    def action_overdue(self, day: dt.date) -> bool:
        return (
            self.state == FindingState.RESPONDED
            and self.action_due is not None
            and self.action_due < day
        )


class FollowUp(models.Model):
    """The auditor's follow-up of a finding's agreed action: what was seen on a day.
    Kept as written (append-only in the database)."""

    finding = models.ForeignKey(
        Finding, on_delete=models.PROTECT, related_name="follow_ups", verbose_name=_("finding")
    )
    checked_on = models.DateField(_("checked on"))
    result = models.TextField(_("result"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["finding", "checked_on", "pk"]

    def __str__(self) -> str:
        return f"{self.finding.label} {self.checked_on:%Y-%m-%d}"
