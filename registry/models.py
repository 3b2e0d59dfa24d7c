"""The information-separation registry (整理表・判定表): per system of a company, its manager
and review cycle; the information it holds with the judgement whether each item is
non-public under the conduct regulations (判定表); who can reach each item, through which
screens, and the measure that closes a reach that must not be (整理表). Changes proposed by
the system's manager are approved by the second line."""

from __future__ import annotations

import calendar
import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.archiving import ArchivableModel
from core.dates import PrecisionDateAttribute, add_months, precision_field
from governance.models import Organization, OrgUnit
from incidents.models import AffectedSystem
from measures.models import Countermeasure
from monitoring.models import MonitoringActivity


class SystemRegistration(ArchivableModel):
    """A system in the registry: who manages it, when its tables were made and first used,
    how often they are reviewed."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="system_registrations",
        verbose_name=_("organization"),
    )
    system = models.OneToOneField(
        AffectedSystem,
        on_delete=models.PROTECT,
        related_name="registration",
        verbose_name=_("system"),
    )
    manager_unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_systems",
        verbose_name=_("managing unit"),
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_systems",
        verbose_name=_("system manager"),
    )
    established_by = models.ForeignKey(
        Countermeasure,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("established by"),
    )
    tables_made_on = models.DateField(_("tables made"), null=True, blank=True)
    tables_made_on_precision = precision_field()
    tables_used_from = models.DateField(_("tables used from"), null=True, blank=True)
    tables_used_from_precision = precision_field()
    review_months = models.PositiveSmallIntegerField(
        _("review every (months)"), null=True, blank=True
    )
    last_reviewed_on = models.DateField(_("last reviewed"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    tables_made = PrecisionDateAttribute("tables_made_on")
    tables_used = PrecisionDateAttribute("tables_used_from")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("system registration")
        verbose_name_plural = _("system registrations")
        ordering = ["organization__code", "system__code"]
        permissions = [("propose_registry_change", _("Can propose a change to the registry"))]

    def __str__(self) -> str:
        return str(self.system)

    @property
    def review_due(self) -> dt.date | None:
        """When the tables are next to be reviewed: the cycle after the last review (or
        after they were made)."""
        if not self.review_months:
            return None
        base = self.last_reviewed_on or (self.tables_made.end if self.tables_made else None)
        if base is None:
            return None
        year, month = add_months(base.year, base.month, self.review_months)
        return dt.date(year, month, min(base.day, calendar.monthrange(year, month)[1]))


class Judgement(models.TextChoices):
    NON_PUBLIC = "non_public", _("non-public information")
    PUBLIC = "public", _("not non-public")
    UNDECIDED = "undecided", _("not yet decided")


class InformationItem(ArchivableModel):
    """A kind of information a system holds, with the judgement (判定) whether it is
    non-public information under the conduct regulations."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="information_items",
        verbose_name=_("organization"),
    )
    registration = models.ForeignKey(
        SystemRegistration,
        on_delete=models.PROTECT,
        related_name="items",
        verbose_name=_("system"),
    )
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("information"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    judgement = models.CharField(
        _("judgement"), max_length=20, choices=Judgement.choices, default=Judgement.UNDECIDED
    )
    basis = models.TextField(_("basis of the judgement"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    measures = models.ManyToManyField(
        Countermeasure,
        blank=True,
        related_name="information_items",
        verbose_name=_("countermeasures"),
    )
    monitoring = models.ManyToManyField(
        MonitoringActivity,
        blank=True,
        related_name="information_items",
        verbose_name=_("monitoring"),
    )

    history = HistoricalRecords(m2m_fields=[measures, monitoring])

    class Meta:
        verbose_name = _("information item")
        verbose_name_plural = _("information items")
        ordering = ["registration", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "code"], name="information_code_unique_per_system"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.registration.system.name} {self.name}"


class Reach(models.TextChoices):
    PERMITTED = "permitted", _("reachable, permitted")
    EXPOSED = "exposed", _("reachable, must be closed")
    CLOSED = "closed", _("no longer reachable")


class Reachability(ArchivableModel):
    """A row of the 整理表: whose users can reach an item, through which screens or
    functions, whether that is permitted, and the measure that closes it if not."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="reachabilities",
        verbose_name=_("organization"),
    )
    item = models.ForeignKey(
        InformationItem,
        on_delete=models.PROTECT,
        related_name="reachabilities",
        verbose_name=_("information item"),
    )
    screens = models.CharField(_("screens or functions"), max_length=300)
    reached_by = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("users of"),
    )
    roles = models.CharField(
        _("which users"), max_length=300, blank=True, help_text=_("Roles, units or accounts.")
    )
    reach = models.CharField(_("decision"), max_length=20, choices=Reach.choices)
    closing_measure = models.ForeignKey(
        Countermeasure,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="closed_reaches",
        verbose_name=_("closing measure"),
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    review_due = models.DateField(_("review due"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reachability")
        verbose_name_plural = _("reachabilities")
        ordering = ["item", "pk"]

    def __str__(self) -> str:
        return f"{self.item} ← {self.reached_by}"

    @property
    def is_exposure(self) -> bool:
        """Non-public information another company's users can still reach."""
        return (
            self.reach == Reach.EXPOSED
            and self.item.judgement == Judgement.NON_PUBLIC
            and self.reached_by_id != self.organization_id
        )


class Proposal(models.Model):
    """A change to the registry proposed by a system's managing unit, decided by the second
    line: a new judgement of an item, or a new decision on a reach."""

    class State(models.TextChoices):
        PENDING = "pending", _("awaiting the second line")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("organization")
    )
    item = models.ForeignKey(
        InformationItem,
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("information item"),
    )
    reachability = models.ForeignKey(
        Reachability,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("reachability"),
    )
    judgement = models.CharField(
        _("judgement"), max_length=20, choices=Judgement.choices, blank=True
    )
    reach = models.CharField(_("decision"), max_length=20, choices=Reach.choices, blank=True)
    reason = models.TextField(_("reason"))
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("proposed by"),
    )  # fmt: skip
    requested_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("decided by"),
    )  # fmt: skip
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("registry change proposal")
        verbose_name_plural = _("registry change proposals")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.item} ({self.get_state_display()})"
