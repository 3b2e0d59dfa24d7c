"""What was reminded, to whom, and what was sent: the sent-log that makes the daily sweep
exactly-once, and the in-app notifications."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


def reason_text(kind: str, n: int | None = None, level: int | None = None) -> str:
    """Why an item is in the digest, in the active language."""
    texts = {  # gettext at call time: the active language
        "overdue": gettext("overdue by %(n)d days"),
        "escalation": gettext("escalated (level %(level)d): overdue by %(n)d days"),
        "due": gettext("due within %(n)d days"),
        "start": gettext("planned start passed without a start"),
        "effectiveness": gettext("effectiveness check due"),
        "occurrence": gettext("next occurrence due"),
        "regulatory": gettext("response to the regulator due within %(n)d days"),
        "regulatory_passed": gettext("response to the regulator was due %(n)d days ago"),
        "meeting": gettext("committee meeting within %(n)d days and its report is not generated"),
        "carried": gettext(
            "the digest of this day could not be sent; its reminders are included here"
        ),
        "change_pending": gettext("change request awaiting your decision"),
        "denied": gettext("refused %(n)d times in a day (records outside the account's scope)"),
        "change_approved": gettext("your change request was approved"),
        "change_refused": gettext("your change request was refused"),
        "run_due": gettext("monitoring run due within %(n)d days"),
        "run_overdue": gettext("monitoring run overdue by %(n)d days"),
        "exception_due": gettext("monitoring exception due within %(n)d days"),
        "exception_overdue": gettext("monitoring exception overdue by %(n)d days"),
        "finding_due": gettext("response to an audit finding due within %(n)d days"),
        "finding_overdue": gettext("response to an audit finding overdue by %(n)d days"),
        "action_due": gettext("agreed action of an audit finding due within %(n)d days"),
        "action_overdue": gettext("agreed action of an audit finding overdue by %(n)d days"),
        "review_due": gettext("review of the registry's tables due within %(n)d days"),
        "review_overdue": gettext("review of the registry's tables overdue by %(n)d days"),
    }
    return texts[kind] % {"n": n or 0, "level": level or 0}


class Digest(models.Model):
    """The one digest a person gets on a day. The unique (user, day) is the sent-log: a
    re-run, a second beat or two racing workers cannot make a second one."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        SUPERSEDED = "superseded", _("superseded by a later digest")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="digests",
        verbose_name=_("user"),
    )
    day = models.DateField(_("day"))
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    language = models.CharField(_("language"), max_length=10)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("digest")
        verbose_name_plural = _("digests")
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="digest_one_per_person_per_day")
        ]
        indexes = [models.Index(fields=["state", "day"])]

    def __str__(self) -> str:
        return f"{self.user} {self.day} ({self.get_state_display()})"

    @property
    def items(self) -> list[dict]:
        """The digest's lines, in the order they were given: its notifications (the mail and
        the in-app list are one record, written once)."""
        return list(
            self.notifications.order_by("id").values("kind", "title", "url", "due", "n", "level")
        )


class ReminderMark(models.Model):
    """A one-time reminder already given to a person (e.g. "PG-06 due in 7 days"), so that
    the sweep selects "due and not yet reminded", never "due exactly today"."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("user"),
    )
    key = models.CharField(_("key"), max_length=200)
    day = models.DateField(_("reminded on"))

    class Meta:
        verbose_name = _("reminder given")
        verbose_name_plural = _("reminders given")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="remindermark_once_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.key}"


class Escalation(models.Model):
    """An overdue measure taken up the hierarchy; shown on the measure's timeline."""

    measure = models.ForeignKey(
        "measures.Countermeasure",
        on_delete=models.PROTECT,
        related_name="escalations",
        verbose_name=_("countermeasure"),
    )
    level = models.PositiveSmallIntegerField(_("level"))
    due_on = models.DateField(_("due"))
    days_overdue = models.PositiveIntegerField(_("days overdue"))
    escalated_on = models.DateField(_("escalated on"))
    recipients = models.JSONField(_("recipients"), default=list)

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["measure", "escalated_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "due_on", "level"], name="escalation_once_per_level"
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure.code} level {self.level} ({self.escalated_on})"


class Notification(models.Model):
    """One item of a digest, shown in the app with read/unread."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="notifications",
        verbose_name=_("user"),
    )
    digest = models.ForeignKey(
        Digest, on_delete=models.PROTECT, related_name="notifications", verbose_name=_("digest")
    )
    kind = models.CharField(_("kind"), max_length=30)
    title = models.CharField(_("title"), max_length=300)
    n = models.IntegerField(_("days"), null=True, blank=True)
    level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    due = models.CharField(_("due"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def reason(self) -> str:
        return reason_text(self.kind, self.n, self.level)
