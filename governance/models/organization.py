"""Organizations, the org-unit tree with its lines, and role assignments with validity dates."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.archiving import ArchivableModel, NoDeleteQuerySet
from core.errors import refusal


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
    # A company may be several kinds at once (a group parent that is also the affiliated
    # retailer, 特定関係事業者): ``kind`` is the main one, these the others.
    other_kinds = models.JSONField(
        _("other kinds"),
        default=list,
        blank=True,
        help_text=_("Other kinds the company also is, e.g. a holding that is also a retailer."),
    )
    # The organization's own words for what the code names in general terms (TERMS): role
    # titles, committee kinds, the report's title, its confidentiality mark and what the
    # plan calls its groups of measures. A key left out reads the default.
    terms = models.JSONField(_("terms"), default=dict, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["code"]
        permissions = [
            ("view_audit_log", _("Can view the audit log of the organization")),
            ("author_plan", _("Can write the organization's plan and its reference data")),
            ("conduct_audit", _("Can write the organization's internal audit records")),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    @property
    def kinds(self) -> list[str]:
        """Every kind the company is, the main one first."""
        return [self.kind, *(k for k in self.other_kinds or () if k != self.kind)]

    def get_kinds_display(self) -> str:
        return "、".join(str(self.Kind(k).label) for k in self.kinds)

    def clean(self) -> None:
        others = self.other_kinds or []
        if not isinstance(others, list) or any(k not in self.Kind.values for k in others):
            raise refusal(
                "other_kinds",
                _("Choose other kinds among: %(kinds)s.")
                % {"kinds": "、".join(str(label) for label in self.Kind.labels)},
                code="unknown_kind",
            )
        if self.kind in others or len(set(others)) != len(others):
            raise refusal(
                "other_kinds",
                _("Name each kind once, the main one not again."),
                code="kind_repeated",
            )

    def term(self, key: str) -> str:
        """The organization's word for ``key`` (see ``TERMS``), or the default."""
        return (self.terms or {}).get(key) or str(TERM_DEFAULTS[key])

    def role_title(self, role: str) -> str:
        return self.term(f"role:{role}")

    @property
    def report_title(self) -> str:
        return self.term("report_title")

    @property
    def confidential_mark(self) -> str:
        return self.term("confidential_mark")

    @property
    def perspective_label(self) -> str:
        return self.term("perspective_label")


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
            raise refusal(
                "parent",
                _("The parent unit belongs to another organization."),
                code="other_organization",
            )


class Role(models.TextChoices):
    CHIEF_OFFICER = "chief_officer", _("chief compliance officer")
    EXECUTIVE = "executive", _("executive in charge of conduct regulation")
    MANAGER = "manager", _("compliance manager")
    PROMOTER = "promoter", _("compliance promoter")
    SECOND_LINE = "second_line", _("second-line officer")
    INTERNAL_AUDITOR = "internal_auditor", _("internal auditor")
    VIEWER = "viewer", _("viewer")


# (key, what it names) of ``Organization.terms``, in the order the forms and the workbook
# show them; the default is the code's own word.
TERMS: list[tuple[str, object]] = [
    ("report_title", _("title of the committee report")),
    ("confidential_mark", _("confidentiality mark")),
    ("perspective_label", _("name of the groups of measures")),
    *((f"role:{role.value}", role.label) for role in Role),
    # The committee kinds (``Committee.Kind``, defined in a module that imports this one).
    ("committee:neutrality", _("neutrality evaluation expert committee")),
    ("committee:joint_review", _("joint review council")),
    ("committee:compliance", _("compliance promotion council")),
    ("committee:other", _("other")),
]
TERM_DEFAULTS: dict[str, object] = dict(TERMS) | {
    "report_title": "再発防止策の実施状況",
    "confidential_mark": "社外秘",
    "perspective_label": "観点",
}


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

    @property
    def role_title(self) -> str:
        """The role as its organization names it (read ``org_unit__organization`` with it)."""
        return self.org_unit.organization.role_title(self.role)

    def is_active_on(self, day: dt.date) -> bool:
        return (
            self.archived_at is None
            and self.valid_from <= day
            and (self.valid_to is None or self.valid_to >= day)
        )

    def clean(self) -> None:
        errors: dict[str, ValidationError] = {}
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            errors["valid_to"] = ValidationError(
                _("The end date precedes the start date."), code="end_before_start"
            )
        if self.org_unit_id and self.role and self.org_unit.line not in ROLE_LINES[self.role]:
            errors["org_unit"] = ValidationError(
                _("This role cannot be held in a unit of the %(line)s.")
                % {"line": self.org_unit.get_line_display()},
                code="role_outside_line",
            )
        if errors:
            raise ValidationError(errors)


class Deputyship(ArchivableModel):
    """代行: for the dates given, ``deputy`` holds the rights of ``assignment`` (another
    person's role) while that role is held. What the deputy does is recorded under the
    deputy's own account."""

    assignment = models.ForeignKey(
        RoleAssignment,
        on_delete=models.PROTECT,
        related_name="deputyships",
        verbose_name=_("role stood in for"),
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="deputyships",
        verbose_name=_("deputy"),
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), help_text=_("Last day of the deputyship."))
    reason = models.CharField(_("reason"), max_length=300)
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("appointed by"),
    )

    objects = ValidityQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deputyship")
        verbose_name_plural = _("deputyships")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__gte=F("valid_from")), name="deputyship_valid_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.deputy} ← {self.assignment}"

    def clean(self) -> None:
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise refusal(
                "valid_to", _("The end date precedes the start date."), code="end_before_start"
            )
