"""The plan: perspectives and countermeasures (sub-items one level deep), with their nature,
verb and dates with precision."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.archiving import ArchivableModel
from core.dates import PrecisionDateAttribute, precision_field
from governance.models import Organization, OrgUnit
from incidents.models import Incident, RootCause, circled
from measures.statuses import is_overdue


class Perspective(ArchivableModel):
    """A heading measures are grouped under, configurable per organization
    (教育・意識・風土 / システムコントロール / ガバナンス)."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="perspectives",
        verbose_name=_("organization"),
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("perspective")
        verbose_name_plural = _("perspectives")
        ordering = ["organization__code", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "code"], name="perspective_code_unique_per_organization"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Nature(models.TextChoices):
    ONE_OFF = "one_off", _("one-off")
    CONTINUOUS = "continuous", _("continuous")
    RECURRING = "recurring", _("recurring")


class Verb(models.TextChoices):
    """What doing the measure is called; the status phrase uses the Japanese word."""

    IMPLEMENT = "implement", _("implement (実施)")
    COMPLETE = "complete", _("complete (完了)")
    START_OPERATION = "start_operation", _("start operation (運用開始)")
    START = "start", _("start (開始)")
    FORMULATE = "formulate", _("formulate (策定)")
    REVISE = "revise", _("revise (改訂)")
    ESTABLISH = "establish", _("establish (新設)")
    ISSUE = "issue", _("issue (発信)")
    REFLECT = "reflect", _("reflect (反映)")


VERB_JA: dict[str, str] = {
    Verb.IMPLEMENT: "実施",
    Verb.COMPLETE: "完了",
    Verb.START_OPERATION: "運用開始",
    Verb.START: "開始",
    Verb.FORMULATE: "策定",
    Verb.REVISE: "改訂",
    Verb.ESTABLISH: "新設",
    Verb.ISSUE: "発信",
    Verb.REFLECT: "反映",
}


# 「…中」: what a measure under way is doing (2023年5月より策定中).
VERB_PROGRESSIVE_JA: dict[str, str] = {
    Verb.IMPLEMENT: "実施中",
    Verb.COMPLETE: "対応中",
    Verb.START_OPERATION: "運用開始準備中",
    Verb.START: "開始準備中",
    Verb.FORMULATE: "策定中",
    Verb.REVISE: "改訂作業中",
    Verb.ESTABLISH: "新設準備中",
    Verb.ISSUE: "発信準備中",
    Verb.REFLECT: "反映作業中",
}


class Countermeasure(ArchivableModel):
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="countermeasures",
        verbose_name=_("organization"),
    )
    code = models.CharField(_("code"), max_length=40)
    position = models.PositiveIntegerField(
        _("position"), help_text=_("Order in the plan's table; for a sub-item, its number (①②…).")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sub_items",
        verbose_name=_("parent measure"),
    )
    title = models.TextField(_("measure"))
    detail = models.TextField(_("detail"), blank=True)
    perspective = models.ForeignKey(
        Perspective,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="countermeasures",
        verbose_name=_("perspective"),
    )
    root_causes = models.ManyToManyField(
        RootCause, blank=True, related_name="countermeasures", verbose_name=_("root causes")
    )
    incidents = models.ManyToManyField(
        Incident, blank=True, related_name="countermeasures", verbose_name=_("incidents")
    )
    owner_unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="countermeasures",
        verbose_name=_("owner unit"),
    )
    owner_label = models.CharField(
        _("owner label"),
        max_length=60,
        blank=True,
        help_text=_("The owner as the source document names it (e.g. 情報・行為G)."),
    )
    nature = models.CharField(_("nature"), max_length=20, choices=Nature.choices)
    recurrence_months = models.PositiveSmallIntegerField(
        _("recurs every (months)"), null=True, blank=True
    )
    verb = models.CharField(_("verb"), max_length=20, choices=Verb.choices, default=Verb.IMPLEMENT)
    planned_start_on = models.DateField(_("planned start"), null=True, blank=True)
    planned_start_on_precision = precision_field()
    due_on = models.DateField(_("due"), null=True, blank=True)
    due_on_precision = precision_field()
    effectiveness_criteria = models.TextField(_("effectiveness criteria"), blank=True)
    effectiveness_check_due = models.DateField(_("effectiveness check due"), null=True, blank=True)
    third_line_verifies = models.BooleanField(
        _("the third line gives the verdict"),
        default=False,
        help_text=_("Internal audit, not the second line, verifies this measure's effectiveness."),
    )
    planned_on = models.DateField(
        _("in the plan since"),
        null=True,
        blank=True,
        help_text=_("When the measure entered the plan (valid time); for trends over time."),
    )

    planned_start = PrecisionDateAttribute("planned_start_on")
    due = PrecisionDateAttribute("due_on")

    history = HistoricalRecords(m2m_fields=[root_causes, incidents])

    class Meta:
        verbose_name = _("countermeasure")
        verbose_name_plural = _("countermeasures")
        ordering = ["organization__code", "code"]
        permissions = [
            ("record_status", _("Can record the status of the countermeasure")),
            ("verify_effectiveness", _("Can verify the effectiveness of the countermeasure")),
            ("reopen_countermeasure", _("Can reopen the countermeasure")),
            ("comment_countermeasure", _("Can comment on the countermeasure")),
            ("plan_countermeasure", _("Can change, move and archive the countermeasure")),
            ("request_change", _("Can propose a re-plan, hold or cancellation")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "code"],
                name="countermeasure_code_unique_per_organization",
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("id")), name="countermeasure_not_its_own_parent"
            ),
            models.CheckConstraint(
                condition=Q(recurrence_months__isnull=True) | Q(nature="recurring"),
                name="countermeasure_interval_only_when_recurring",
            ),
            models.CheckConstraint(
                condition=Q(recurrence_months__isnull=True) | Q(recurrence_months__gt=0),
                name="countermeasure_interval_positive",
            ),
            models.CheckConstraint(
                condition=Q(planned_start_on__isnull=True)
                | Q(due_on__isnull=True)
                | Q(due_on__gte=F("planned_start_on")),
                name="countermeasure_due_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.short_title}"

    @property
    def short_title(self) -> str:
        first = self.title.splitlines()[0] if self.title else ""
        return first if len(first) <= 60 else first[:59] + "…"

    @property
    def label(self) -> str:
        """①, ②… for a sub-item; empty for a top-level measure."""
        return circled(self.position) if self.parent_id else ""

    @property
    def verb_ja(self) -> str:
        return VERB_JA[self.verb]

    @property
    def organization_label(self) -> str:
        return str(self.organization)

    @property
    def perspective_name(self) -> str:
        return self.perspective.name if self.perspective else ""

    @property
    def perspective_position(self) -> int:
        return self.perspective.position if self.perspective else 0

    def is_overdue(self, *, status: str, as_of: dt.date) -> bool:
        return is_overdue(self.due, status=status, as_of=as_of)
