"""What happened to a measure: its status events (append-only, valid time) and what triggers
and the services keep from them: the latest event, the status runs, the stored states."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.archiving import HardDeleteRefused, NoDeleteQuerySet
from core.dates import PrecisionDateAttribute, precision_field
from measures.models.plan import Countermeasure, Nature, Verb
from measures.statuses import Status


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
    recurrence_months = models.PositiveSmallIntegerField(_("recurs every (months)"), null=True)
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
