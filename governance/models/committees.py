"""Committees (scope, roster, meetings, recommendations) and regulatory actions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.archiving import ArchivableModel
from core.errors import refusal
from governance.models.organization import Organization, ValidityQuerySet


class Committee(ArchivableModel):
    class Kind(models.TextChoices):
        NEUTRALITY_EVALUATION = "neutrality", _("neutrality evaluation expert committee")
        JOINT_REVIEW = "joint_review", _("joint review council")
        COMPLIANCE_PROMOTION = "compliance", _("compliance promotion council")
        OTHER = "other", _("other")

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="committees",
        verbose_name=_("organization"),
        help_text=_("The organization that runs the committee."),
    )
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    scope = models.ManyToManyField(
        Organization,
        related_name="overseeing_committees",
        verbose_name=_("organizations in scope"),
    )
    purpose = models.TextField(_("purpose"), blank=True)
    established_on = models.DateField(_("established on"), null=True, blank=True)

    history = HistoricalRecords(m2m_fields=[scope])

    class Meta:
        verbose_name = _("committee")
        verbose_name_plural = _("committees")
        ordering = ["organization__code", "code"]
        permissions = [
            ("request_report", _("Can request a progress report of the committee")),
            ("record_proceedings", _("Can record the committee's meetings and recommendations")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "code"], name="committee_code_unique_per_organization"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def kind_title(self) -> str:
        """What its organization calls this kind of committee."""
        return self.organization.term(f"committee:{self.kind}")


class CommitteeMembership(ArchivableModel):
    """The committee's roster. Members with an account read the committee's reports."""

    class Position(models.TextChoices):
        CHAIR = "chair", _("chair")
        MEMBER = "member", _("member")
        OBSERVER = "observer", _("observer")
        SECRETARIAT = "secretariat", _("secretariat")

    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("committee")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="committee_memberships",
        verbose_name=_("user account"),
    )
    display_name = models.CharField(_("name"), max_length=200)
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)
    position = models.CharField(
        _("position"), max_length=20, choices=Position.choices, default=Position.MEMBER
    )
    is_external = models.BooleanField(_("external expert"), default=False)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects = ValidityQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("committee membership")
        verbose_name_plural = _("committee memberships")
        ordering = ["committee", "position", "display_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="committeemembership_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.committee})"

    def clean(self) -> None:
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise refusal(
                "valid_to", _("The end date precedes the start date."), code="end_before_start"
            )


class Meeting(ArchivableModel):
    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("committee")
    )
    number = models.PositiveIntegerField(_("number"))
    held_on = models.DateField(
        _("held on"), null=True, blank=True, help_text=_("Empty when the source does not say.")
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["committee", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "number"], name="meeting_number_unique_per_committee"
            ),
        ]

    def __str__(self) -> str:
        return _("%(committee)s, meeting %(number)s") % {
            "committee": self.committee,
            "number": self.number,
        }


class Recommendation(ArchivableModel):
    """A recommendation (提言) of a committee; measures that reflect it link to it."""

    committee = models.ForeignKey(
        Committee,
        on_delete=models.PROTECT,
        related_name="recommendations",
        verbose_name=_("committee"),
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recommendations",
        verbose_name=_("meeting"),
    )
    number = models.PositiveIntegerField(_("number"))
    text = models.TextField(_("recommendation"))
    received_on = models.DateField(_("received on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["committee", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "number"], name="recommendation_number_unique_per_committee"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.committee} #{self.number}"


class RegulatoryAction(ArchivableModel):
    class Authority(models.TextChoices):
        METI_MINISTER = "meti", _("Minister of Economy, Trade and Industry")
        EGC = "egc", _("Electricity and Gas Market Surveillance Commission")
        PPC = "ppc", _("Personal Information Protection Commission")
        OTHER = "other", _("other authority")

    class ActionType(models.TextChoices):
        IMPROVEMENT_ORDER = "improvement_order", _("business improvement order")
        RECOMMENDATION = "recommendation", _("recommendation")
        GUIDANCE = "guidance", _("guidance")
        REPORT_REQUEST = "report_request", _("request for report")

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="regulatory_actions",
        verbose_name=_("addressee"),
    )
    authority = models.CharField(_("authority"), max_length=20, choices=Authority.choices)
    action_type = models.CharField(_("type"), max_length=30, choices=ActionType.choices)
    reference = models.CharField(_("reference number"), max_length=100)
    title = models.CharField(_("title"), max_length=300)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    issued_on = models.DateField(_("issued on"))
    response_due = models.DateField(_("response due"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("regulatory action")
        verbose_name_plural = _("regulatory actions")
        ordering = ["-issued_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "reference"],
                name="regulatoryaction_reference_unique_per_organization",
            ),
            models.CheckConstraint(
                condition=Q(response_due__isnull=True) | Q(response_due__gte=F("issued_on")),
                name="regulatoryaction_due_after_issue",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_authority_display()} {self.get_action_type_display()} ({self.reference})"

    def clean(self) -> None:
        if self.issued_on and self.response_due and self.response_due < self.issued_on:
            raise refusal(
                "response_due",
                _("The response is due before the action was issued."),
                code="due_before_issue",
            )


class RequiredItem(ArchivableModel):
    """One item a regulatory action requires; measures that answer it link to it."""

    action = models.ForeignKey(
        RegulatoryAction,
        on_delete=models.PROTECT,
        related_name="required_items",
        verbose_name=_("regulatory action"),
    )
    number = models.PositiveIntegerField(_("number"))
    text = models.TextField(_("required item"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("required item")
        verbose_name_plural = _("required items")
        ordering = ["action", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "number"], name="requireditem_number_unique_per_action"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action.reference} ({self.number})"
