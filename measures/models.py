"""Countermeasures (再発防止策), their status events, evidence and traces to what they answer."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.archiving import ArchivableModel, HardDeleteRefused, NoDeleteQuerySet
from core.dates import PrecisionDateAttribute, precision_field
from governance.models import Organization, OrgUnit, Recommendation, RequiredItem
from incidents.models import Incident, RootCause, circled
from measures.statuses import Status, is_overdue


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

    def is_overdue(self, *, status: str, as_of: dt.date) -> bool:
        return is_overdue(self.due, status=status, as_of=as_of)


class StatusEvent(models.Model):
    """Something that happened to a measure, on ``effective_on`` (valid time).

    Events are never edited or deleted (the database refuses both); ``recorded_at`` and the
    history give transaction time. The measure's status as of any date is that of its
    latest event by then.
    """

    measure = models.ForeignKey(
        Countermeasure,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("countermeasure"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    effective_on_date = models.DateField(_("effective on"))
    effective_on_date_precision = precision_field()
    occurrence_count = models.PositiveIntegerField(
        _("occurrences"),
        null=True,
        blank=True,
        help_text=_("For recurring measures: how many times it was carried out in this period."),
    )
    planned_for_date = models.DateField(_("planned for"), null=True, blank=True)
    planned_for_date_precision = precision_field()
    note = models.TextField(_("note"), blank=True)
    phrase_override = models.CharField(
        _("status wording"),
        max_length=300,
        blank=True,
        help_text=_(
            "Wording of the implementation status from this event on, when the plan says more "
            "than the structure can (e.g. 4月重点対応項目対応完了、5月以降継続実施)."
        ),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    effective_on = PrecisionDateAttribute("effective_on_date")
    planned_for = PrecisionDateAttribute("planned_for_date")

    objects = NoDeleteQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("status event")
        verbose_name_plural = _("status events")
        ordering = ["measure", "effective_on_date", "recorded_at", "id"]
        indexes = [models.Index(fields=["measure", "effective_on_date", "recorded_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(occurrence_count__isnull=True) | Q(occurrence_count__gt=0),
                name="statusevent_occurrences_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure.code} {self.get_status_display()} {self.effective_on}"

    def delete(self, *args, **kwargs):
        raise HardDeleteRefused("Status events are never deleted.")


class LatestEvent(models.Model):
    """Each measure's latest status event (by effective date, then by entry) with its status
    and dates, kept by a database trigger on the append-only events table
    (``measures.db.KeepLatestEvent``) and never written by the application. A shortcut for
    reading a status "as of" a date on or after that event; the events stay the record (a
    test checks the two agree)."""

    measure = models.OneToOneField(
        Countermeasure,
        on_delete=models.PROTECT,
        primary_key=True,
        related_name="latest",
        verbose_name=_("countermeasure"),
    )
    event = models.OneToOneField(
        StatusEvent, on_delete=models.PROTECT, related_name="+", verbose_name=_("status event")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    effective_on_date = models.DateField(_("effective on"))
    recorded_at = models.DateTimeField(_("recorded at"))
    # How many events the measure has: the events are append-only, so an equal count means
    # the same events (what a ``StoredState`` is checked against).
    event_count = models.PositiveIntegerField(_("events"), default=0)

    class Meta:
        verbose_name = _("latest status event")
        verbose_name_plural = _("latest status events")

    def __str__(self) -> str:
        return f"{self.measure_id}: {self.status} {self.effective_on_date}"


class StatusRun(models.Model):
    """A stretch of a measure's timeline in one status: from the first of consecutive events
    with that status (in timeline order) to the next event with another, open-ended for the
    last. The status as of a day is that of the run with ``valid_from <= day < valid_to``
    (none before the first event); a run that starts and ends on one day was overtaken by a
    later event of that day. Kept by a database trigger on the append-only events table
    (``measures.db.KeepStatusRuns``), never written by the application: the month trend
    counts runs, a few per measure, instead of every event (a test checks they agree)."""

    measure = models.ForeignKey(
        Countermeasure,
        on_delete=models.PROTECT,
        related_name="runs",
        db_index=False,  # the unique (measure, number) index serves
        verbose_name=_("countermeasure"),
    )
    number = models.PositiveIntegerField(_("number"))  # 1 for the first run
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("until"), null=True)

    class Meta:
        verbose_name = _("status run")
        verbose_name_plural = _("status runs")
        constraints = [
            models.UniqueConstraint(fields=["measure", "number"], name="statusrun_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.measure_id} #{self.number}: {self.status} {self.valid_from}–{self.valid_to}"


class StoredState(models.Model):
    """A measure's status and 実施状況 phrase after all its events, composed and stored by
    ``measures.stored_states``, so that reading "as of" a date on or after the measure's
    latest event need not read its events and compose the phrase again; for the dates
    between its first and latest event, its ``StoredStep`` rows, stored with it.

    It is used only while it holds (``stored_states.holds``): composed from as many events as
    the measure has now (``LatestEvent.event_count``; the events are append-only, so the
    same count means the same events), by the same phrase code under the same fiscal year
    start (``phrase_code``), and from the measure's verb, nature, due date and planned start
    as they are now (copied here). Otherwise the reading ignores it and composes the phrase
    from the events, as it does for any earlier date; tests check that both agree."""

    measure = models.OneToOneField(
        Countermeasure,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="stored_state",
        verbose_name=_("countermeasure"),
    )
    event_count = models.PositiveIntegerField(_("events"))
    phrase_code = models.CharField(_("phrase code"), max_length=40)
    # What the phrase read of the measure (``phrases.INPUT_FIELDS``).
    verb = models.CharField(_("verb"), max_length=20, choices=Verb.choices)
    nature = models.CharField(_("nature"), max_length=20, choices=Nature.choices)
    planned_start_on = models.DateField(_("planned start"), null=True)
    planned_start_on_precision = precision_field()
    due_on = models.DateField(_("due"), null=True)
    due_on_precision = precision_field()
    # The state.
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    phrase = models.TextField(_("status wording"))
    since_date = models.DateField(_("since"))
    since_date_precision = precision_field()
    # Before this date the measure has no event: its state is composed from none.
    first_event_on = models.DateField(_("first event"))
    # Which store wrote it and its steps (a number of its own, the same on its steps): a
    # step read with another than its state's came from another store than the state.
    batch = models.BigIntegerField(_("batch"))
    composed_at = models.DateTimeField(_("composed at"), auto_now=True)

    since = PrecisionDateAttribute("since_date")

    class Meta:
        verbose_name = _("stored state")
        verbose_name_plural = _("stored states")

    def __str__(self) -> str:
        return f"{self.measure_id}: {self.status} {self.phrase}"


class StoredStep(models.Model):
    """A measure's status and phrase on the days from ``valid_from`` (one of its events'
    effective date) up to the day before ``valid_to`` (the next later one): a phrase reads
    only the events effective by the day, so it is the same on all those days. A measure
    whose latest event is on day L has a step from each earlier event date, up to L; from
    L on its ``StoredState`` answers.

    Written with the measure's stored state, in the same transaction, and read only with
    the state it was written with (``batch``), while that holds (``stored_states.holds``)."""

    measure = models.ForeignKey(
        Countermeasure,
        on_delete=models.CASCADE,
        related_name="stored_steps",
        verbose_name=_("countermeasure"),
        db_index=False,  # the unique index starts with it
    )
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("until"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    phrase = models.TextField(_("status wording"))
    since_date = models.DateField(_("since"))
    since_date_precision = precision_field()
    batch = models.BigIntegerField(_("batch"))  # its state's

    since = PrecisionDateAttribute("since_date")

    class Meta:
        verbose_name = _("stored step")
        verbose_name_plural = _("stored steps")
        constraints = [
            # Unique by its end: the reading looks a date up by the steps that end after it,
            # few for a recent date.
            models.UniqueConstraint(fields=["measure", "valid_to"], name="storedstep_unique"),
            models.CheckConstraint(
                condition=Q(valid_from__lt=F("valid_to")), name="storedstep_from_before_to"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure_id} {self.valid_from}..{self.valid_to}: {self.phrase}"


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


__all__ = [
    "Comment",
    "Countermeasure",
    "Evidence",
    "LatestEvent",
    "Perspective",
    "RecommendationReflection",
    "RequiredItemCoverage",
    "StatusEvent",
    "StatusRun",
]
