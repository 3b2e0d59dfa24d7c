"""Organizations, the responsibility hierarchy, committees and regulatory actions."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from governance.archiving import ArchivableModel, NoDeleteQuerySet


class Organization(ArchivableModel):
    class Kind(models.TextChoices):
        HOLDING = "holding", _("holding company")
        TRANSMISSION = "transmission", _("transmission and distribution company")
        RETAIL = "retail", _("retail company")
        OTHER = "other", _("other")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.short_name or self.name


class Line(models.TextChoices):
    FIRST = "first", _("first line")
    SECOND = "second", _("second line")
    THIRD = "third", _("third line")
    GOVERNING = "governing", _("governing body")
    ADVISORY = "advisory", _("advisory body")


class OrgUnit(ArchivableModel):
    """A node of an organization's tree (本社室・部, 支社, 所属, グループ…) with its line."""

    class UnitType(models.TextChoices):
        COMPANY = "company", _("company (top)")
        EXECUTIVE = "executive", _("executive office")
        HEAD_OFFICE_DEPARTMENT = "department", _("head-office department")
        BRANCH = "branch", _("branch")
        OFFICE = "office", _("office")
        GROUP = "group", _("group")
        BOARD = "board", _("board or committee")
        OTHER = "other", _("other")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="units", verbose_name=_("organization")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    unit_type = models.CharField(_("unit type"), max_length=20, choices=UnitType.choices)
    line = models.CharField(_("line"), max_length=20, choices=Line.choices)
    # Materialised path of ids ("/1/4/9/"), kept by the org-unit services, so that a
    # subtree is one indexed prefix query.
    path = models.CharField(_("path"), max_length=500, editable=False, db_index=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        ordering = ["organization__code", "path"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "code"], name="orgunit_code_unique_per_organization"
            ),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="orgunit_not_its_own_parent"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.name}"

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2 if self.path else 0

    def clean(self) -> None:
        if (
            self.parent_id
            and self.organization_id
            and self.parent.organization_id != (self.organization_id)
        ):
            raise ValidationError({"parent": _("The parent unit belongs to another organization.")})


class Role(models.TextChoices):
    CHIEF_OFFICER = "chief_officer", _("chief compliance officer")
    EXECUTIVE = "executive", _("executive in charge of conduct regulation")
    MANAGER = "manager", _("compliance manager")
    PROMOTER = "promoter", _("compliance promoter")
    SECOND_LINE = "second_line", _("second-line officer")
    INTERNAL_AUDITOR = "internal_auditor", _("internal auditor")
    VIEWER = "viewer", _("viewer")


# Which lines a role may be held in; a second-line officer sits in a second-line unit, etc.
ROLE_LINES: dict[str, set[str]] = {
    Role.CHIEF_OFFICER: {Line.FIRST},
    Role.EXECUTIVE: {Line.FIRST},
    Role.MANAGER: {Line.FIRST},
    Role.PROMOTER: {Line.FIRST},
    Role.SECOND_LINE: {Line.SECOND},
    Role.INTERNAL_AUDITOR: {Line.THIRD},
    Role.VIEWER: set(Line.values),
}


class ValidityQuerySet(NoDeleteQuerySet):
    def active_on(self, day: dt.date):
        """Assignments held on ``day`` (valid_to is the last day held, inclusive)."""
        return self.filter(archived_at__isnull=True, valid_from__lte=day).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )


class RoleAssignment(ArchivableModel):
    """A person holds a role in an org unit from ``valid_from`` to ``valid_to`` (inclusive)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="role_assignments",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="role_assignments", verbose_name=_("unit")
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(
        _("valid to"), null=True, blank=True, help_text=_("Last day the role is held; empty: open.")
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = ValidityQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        ordering = ["org_unit__path", "role", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="roleassignment_valid_range",
            ),
        ]
        indexes = [models.Index(fields=["org_unit", "role", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} @ {self.org_unit}"

    def is_active_on(self, day: dt.date) -> bool:
        return (
            self.archived_at is None
            and self.valid_from <= day
            and (self.valid_to is None or self.valid_to >= day)
        )

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            errors["valid_to"] = _("The end date precedes the start date.")
        if self.org_unit_id and self.role and self.org_unit.line not in ROLE_LINES[self.role]:
            errors["org_unit"] = _("This role cannot be held in a unit of the %(line)s.") % {
                "line": self.org_unit.get_line_display()
            }
        if errors:
            raise ValidationError(errors)


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
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "code"], name="committee_code_unique_per_organization"
            ),
        ]

    def __str__(self) -> str:
        return self.name


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
            raise ValidationError({"valid_to": _("The end date precedes the start date.")})


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
            raise ValidationError(
                {"response_due": _("The response is due before the action was issued.")}
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
