"""The daily reminder sweep: who must hear about what today, one digest each, exactly once.

``reminder_items(day)`` decides what each person should hear about; ``reminders_sweep`` writes
the digests, notifications, reminder marks and escalations in one transaction and queues
the mails after commit; ``digest_send`` sends one digest (claimed with a conditional update,
so two workers never send it twice). Scans select "due and not yet reminded": a day the
worker missed is caught up by the next run.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.dates import add_months
from core.db import copy_rows
from core.queueing import enqueue
from governance.audit import audit_record
from governance.models import (
    AuditEvent,
    CommitteeMembership,
    Meeting,
    OrgUnit,
    RegulatoryAction,
    Role,
    RoleAssignment,
    User,
)
from measures.asof import measure_statuses_as_of
from measures.models import Countermeasure, Nature, Status, StatusEvent
from measures.statuses import SETTLED, is_check_due
from reminders.models import Digest, Escalation, Notification, ReminderMark, reason_text
from reports.models import Report

logger = logging.getLogger(__name__)

# A digest "sending" for longer than this was abandoned by a dead worker.
SENDING_TIMEOUT = dt.timedelta(minutes=15)
FIRST_LINE = {Role.CHIEF_OFFICER, Role.EXECUTIVE, Role.MANAGER, Role.PROMOTER}


@dataclass(frozen=True)
class Item:
    """One line of a digest. ``once`` items are given once per key; the others (overdue)
    come back every day until resolved."""

    kind: str
    key: str
    title: str
    url: str
    due: str
    n: int | None = None  # days (before due, overdue, before the regulator's deadline)
    level: int | None = None  # escalation level
    once: bool = True
    measure_id: int | None = None


# -- who holds what on the day -----------------------------------------------------------------
class Holders:
    """Role holders on one day, by unit, with the tree to walk upwards."""

    def __init__(self, day: dt.date) -> None:
        self.by_unit: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for user_id, unit_id, role in RoleAssignment.objects.active_on(day).values_list(
            "user_id", "org_unit_id", "role"
        ):
            self.by_unit[unit_id].append((user_id, role))
        self.units = {
            u.pk: u for u in OrgUnit.objects.only("id", "parent_id", "organization_id", "path")
        }
        self.by_org: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for unit_id, holders in self.by_unit.items():
            self.by_org[self.units[unit_id].organization_id].extend(holders)

    def of_unit(self, unit_id: int | None, roles: set[str]) -> set[int]:
        return {u for u, r in self.by_unit.get(unit_id, []) if r in roles}

    def of_org(self, org_id: int, roles: set[str]) -> set[int]:
        return {u for u, r in self.by_org.get(org_id, []) if r in roles}

    def owners(self, measure: Countermeasure) -> set[int]:
        """Whoever holds a first-line role in the owner unit; failing that (no owner unit, or
        a vacancy), the second line, so that nothing goes unreminded."""
        people = self.of_unit(measure.owner_unit_id, FIRST_LINE) if measure.owner_unit_id else set()
        return people or self.of_org(measure.organization_id, {Role.SECOND_LINE})

    def managers_above(self, measure: Countermeasure) -> set[int]:
        """The 遵守責任者 of the nearest unit above the owner unit that has one."""
        unit = self.units.get(measure.owner_unit_id) if measure.owner_unit_id else None
        while unit is not None:
            unit = self.units.get(unit.parent_id) if unit.parent_id else None
            people = self.of_unit(unit.pk, {Role.MANAGER}) if unit else set()
            if people:
                return people
        return set()

    def top(self, measure: Countermeasure) -> set[int]:
        """The 統括責任者 and 担当役員 on the owner unit's path up to the company's top (only
        they see the measure), and the second line of the company."""
        people = self.of_org(measure.organization_id, {Role.SECOND_LINE})
        unit = self.units.get(measure.owner_unit_id) if measure.owner_unit_id else None
        if unit is None:  # owned by the company as a whole: its top units
            tops = [
                u
                for u in self.units.values()
                if u.organization_id == measure.organization_id and u.parent_id is None
            ]
        else:
            tops = []
            while unit is not None:
                tops.append(unit)
                unit = self.units.get(unit.parent_id) if unit.parent_id else None
        for each in tops:
            people |= self.of_unit(each.pk, {Role.CHIEF_OFFICER, Role.EXECUTIVE})
        return people


# -- what is due --------------------------------------------------------------------------------
def _url(name: str, *args) -> str:
    return f"{settings.THREELINES_BASE_URL}{reverse(name, args=args)}"


def reminder_items(*, day: dt.date) -> tuple[dict[int, list[Item]], list[dict]]:
    """(items per user id, escalations to record) for ``day``."""
    holders = Holders(day)
    items: dict[int, list[Item]] = defaultdict(list)
    escalations: list[dict] = []
    leads = settings.THREELINES_REMINDER_LEAD_DAYS
    # A measure with sub-items is reminded through its sub-items.
    parents = Countermeasure.objects.filter(parent__isnull=False, archived_at__isnull=True).values(
        "parent_id"
    )
    measures = Countermeasure.objects.filter(archived_at__isnull=True).exclude(pk__in=parents)
    # Statuses only: a reminder names the measure and why, not its 実施状況 wording.
    states = measure_statuses_as_of(as_of=day, measures=measures)
    last_occurrence = _last_occurrences([s.measure for s in states], day)

    def give(people: set[int], item: Item) -> None:
        for person in people:
            items[person].append(item)

    for state in states:
        m = state.measure
        title = f"{m.code} {m.short_title}"
        url = _url("measure-detail", m.pk)
        owners = holders.owners(m)
        due = m.due
        if due is not None and state.status not in SETTLED:
            left = (due.end - day).days
            if left < 0:
                give(
                    owners,
                    Item(
                        "overdue",
                        f"overdue:{m.pk}:{due.end}:{day}",
                        title,
                        url,
                        due.ja(),
                        n=-left,
                        once=False,
                        measure_id=m.pk,
                    ),
                )
                for step_days, level in settings.THREELINES_ESCALATION_STEPS:
                    if -left < step_days:
                        continue
                    # Level 1: the 遵守責任者 above; level 2 and beyond: the top and the second
                    # line (whoever it is, they can open the measure).
                    people = (holders.managers_above(m) if level == 1 else set()) or holders.top(m)
                    escalations.append(
                        {
                            "measure": m,
                            "level": level,
                            "due_on": due.end,
                            "days_overdue": -left,
                            "people": people,
                        }
                    )
                    give(
                        people,
                        Item(
                            "escalation",
                            f"escalation:{m.pk}:{due.end}:{level}",
                            title,
                            url,
                            due.ja(),
                            n=-left,
                            level=level,
                            measure_id=m.pk,
                        ),
                    )
            else:
                lead = min((d for d in leads if d >= left), default=None)
                if lead is not None:
                    give(
                        owners,
                        Item(
                            "due",
                            f"due:{m.pk}:{due.end}:{lead}",
                            title,
                            url,
                            due.ja(),
                            n=lead,
                            measure_id=m.pk,
                        ),
                    )
        start = m.planned_start
        if start is not None and state.status == Status.PLANNED and (start.end < day):
            give(
                owners,
                Item(
                    "start", f"start:{m.pk}:{start.start}", title, url, start.ja(), measure_id=m.pk
                ),
            )
        check = m.effectiveness_check_due
        if is_check_due(check, status=state.status, as_of=day):
            give(
                owners | holders.of_org(m.organization_id, {Role.SECOND_LINE}),
                Item(
                    "effectiveness",
                    f"effectiveness:{m.pk}:{check}",
                    title,
                    url,
                    check.isoformat(),
                    measure_id=m.pk,
                ),
            )
        if m.nature == Nature.RECURRING and m.recurrence_months and m.pk in last_occurrence:
            following = _add_months(last_occurrence[m.pk], m.recurrence_months)
            if following <= day + dt.timedelta(days=leads[-1] if leads else 0):
                give(
                    owners,
                    Item(
                        "occurrence",
                        f"occurrence:{m.pk}:{following}",
                        title,
                        url,
                        following.isoformat(),
                        measure_id=m.pk,
                    ),
                )
    # Deadlines ahead within the longest lead, and passed ones (a missed day must not lose
    # them): each threshold, and the passing itself, once.
    horizon = day + dt.timedelta(days=max(leads, default=0))
    for action in RegulatoryAction.objects.filter(
        archived_at__isnull=True, response_due__isnull=False, response_due__lte=horizon
    ):
        left = (action.response_due - day).days
        if left < 0:
            key, n, kind = (
                f"regulatory:{action.pk}:{action.response_due}:passed",
                -left,
                ("regulatory_passed"),
            )
        else:
            lead = min((d for d in leads if d >= left), default=None)
            if lead is None:
                continue
            key, n, kind = (
                f"regulatory:{action.pk}:{action.response_due}:{lead}",
                lead,
                ("regulatory"),
            )
        people = holders.of_org(action.organization_id, {Role.SECOND_LINE, Role.CHIEF_OFFICER})
        give(
            people,
            Item(
                kind,
                key,
                str(action),
                _url("regulatory-list"),
                action.response_due.isoformat(),
                n=n,
            ),
        )
    _meetings_without_report(day, holders, give)
    return items, escalations


def _meetings_without_report(day: dt.date, holders: Holders, give) -> None:
    """Meetings ahead within ``THREELINES_MEETING_REPORT_LEAD_DAYS`` for which no report
    has been generated (or is being rendered): the people who may generate it hear of it at
    that threshold and again at the shorter lead days, once each."""
    lead_days = settings.THREELINES_MEETING_REPORT_LEAD_DAYS
    thresholds = sorted({lead_days, *(d for d in settings.THREELINES_REMINDER_LEAD_DAYS)})
    thresholds = [d for d in thresholds if d <= lead_days]
    reported = Report.objects.filter(
        meeting=OuterRef("pk"),
        state__in=(Report.State.QUEUED, Report.State.RENDERING, Report.State.DONE),
    )
    for meeting in (
        Meeting.objects.filter(
            archived_at__isnull=True,
            committee__archived_at__isnull=True,
            held_on__gte=day,
            held_on__lte=day + dt.timedelta(days=lead_days),
        )
        .exclude(Exists(reported))
        .select_related("committee")
    ):
        left = (meeting.held_on - day).days
        lead = min(d for d in thresholds if d >= left)
        committee = meeting.committee
        # Who may generate the report: the second line when the committee oversees its own
        # organization alone, and the committee's secretariat.
        people = set(
            CommitteeMembership.objects.active_on(day)
            .filter(
                committee=committee,
                user__isnull=False,
                user__is_active=True,
                position=CommitteeMembership.Position.SECRETARIAT,
            )
            .values_list("user_id", flat=True)
        )
        if set(committee.scope.values_list("pk", flat=True)) == {committee.organization_id}:
            people |= holders.of_org(committee.organization_id, {Role.SECOND_LINE})
        if not people:
            logger.warning(
                "meeting %s of %s has no report and nobody to remind (no secretariat on the "
                "roster, no second line)",
                meeting.number,
                committee.code,
            )
        give(
            people,
            Item(
                "meeting",
                f"meeting:{meeting.pk}:{meeting.held_on}:{lead}",
                str(meeting),
                _url("committee-reports", meeting.committee_id),
                meeting.held_on.isoformat(),
                n=lead,
            ),
        )


def _last_occurrences(measures: list[Countermeasure], day: dt.date) -> dict[int, dt.date]:
    recurring = [m.pk for m in measures if m.nature == Nature.RECURRING and m.recurrence_months]
    latest: dict[int, dt.date] = {}
    for measure_id, effective in StatusEvent.objects.filter(
        measure__in=recurring, status=Status.IMPLEMENTED, effective_on_date__lte=day
    ).values_list("measure_id", "effective_on_date"):
        latest[measure_id] = max(effective, latest.get(measure_id, effective))
    return latest


def _add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after ``day``'s."""
    return dt.date(*add_months(day.year, day.month, months), 1)


# -- the sweep ----------------------------------------------------------------------------------
@dataclass
class SweepReport:
    day: dt.date
    digests: list[Digest]
    requeued: list[int]
    items: int = 0  # lines written into the new digests

    def summary(self) -> str:
        return (
            f"{self.day.isoformat()}: {len(self.digests)} digests, "
            f"{self.items} items, {len(self.requeued)} re-queued"
        )


def reminders_preview(*, day: dt.date) -> dict[int, list[Item]]:
    """What the sweep would send on ``day`` (nothing is written): for ``--dry-run``."""
    items, _escalations = reminder_items(day=day)
    return _not_yet_reminded(items)


def _not_yet_reminded(items: dict[int, list[Item]]) -> dict[int, list[Item]]:
    keys = {i.key for person in items.values() for i in person if i.once}
    given = set(
        ReminderMark.objects.filter(user_id__in=items.keys(), key__in=keys).values_list(
            "user_id", "key"
        )
    )
    result = {}
    for user_id, person_items in items.items():
        fresh, seen = [], set()
        for item in person_items:
            if item.key in seen or (item.once and (user_id, item.key) in given):
                continue
            seen.add(item.key)
            fresh.append(item)
        if fresh:
            result[user_id] = fresh
    return result


def reminders_sweep(*, day: dt.date | None = None, send: str = "queue") -> SweepReport:
    """Make today's digests and send them: ``send="queue"`` through Celery after commit,
    ``"now"`` in this process (the management command), ``"no"`` to leave them pending.

    Exactly once: a person's digest for a day is created at most once (unique user+day), and
    a reminder given once is marked; a second run the same day finds nothing new. Digests
    still pending from an earlier run (broker down, worker lost) are queued again."""
    day = day or timezone.localdate()
    _supersede_earlier(day)
    items, escalations = reminder_items(day=day)
    fresh = _not_yet_reminded(items)
    languages = dict(User.objects.values_list("id", "language"))
    with transaction.atomic():
        created = _create_digests(day, fresh, languages)
        # Recorded once per measure, due date and level (the unique constraint decides).
        Escalation.objects.bulk_create(
            [
                Escalation(
                    measure=esc["measure"],
                    due_on=esc["due_on"],
                    level=esc["level"],
                    days_overdue=esc["days_overdue"],
                    escalated_on=day,
                    recipients=sorted(esc["people"]),
                )
                for esc in escalations
            ],
            ignore_conflicts=True,
            batch_size=1000,
        )
        now = timezone.now()
        stale = Q(state=Digest.State.PENDING, created_at__lt=now - dt.timedelta(minutes=10)) | Q(
            state=Digest.State.SENDING, claimed_at__lt=now - SENDING_TIMEOUT
        )
        requeue = list(
            Digest.objects.filter(stale, day=day)
            .exclude(pk__in=[d.pk for d in created])
            .values_list("pk", flat=True)
        )
        ids = [d.pk for d in created] + requeue
        if send == "queue":
            transaction.on_commit(lambda: _queue(ids))
    if send == "now":
        for digest_id in ids:
            try:
                digest_send(digest_id=digest_id)
            except TransientMailError:
                logger.warning("digest %s left pending for the next sweep", digest_id)
    return SweepReport(
        day=day,
        digests=created,
        requeued=requeue,
        items=sum(len(fresh[d.user_id]) for d in created),
    )


def _create_digests(day: dt.date, fresh: dict[int, list[Item]], languages: dict) -> list[Digest]:
    """Write the day's digests, their notifications and reminder marks, in bulk: a few
    queries for thousands of people. A digest another sweep made meanwhile for the same
    person and day makes the bulk insert fail (unique user+day); then person by person,
    skipping those."""
    already = set(
        Digest.objects.filter(day=day, user_id__in=list(fresh)).values_list("user_id", flat=True)
    )
    wanted = [
        Digest(
            user_id=user_id,
            day=day,
            language=languages.get(user_id, settings.LANGUAGE_CODE),
        )
        for user_id, person_items in sorted(fresh.items())  # one order: no deadlock
        if user_id not in already
    ]
    try:
        with transaction.atomic():
            created = Digest.objects.bulk_create(wanted, batch_size=1000)
    except IntegrityError:
        created = []
        for digest in wanted:
            try:
                with transaction.atomic():
                    digest.save(force_insert=True)
            except IntegrityError:
                continue  # another sweep made this person's digest for the day
            created.append(digest)
    if created and created[0].pk is None:  # a backend that returns no keys from bulk_create
        by_user = dict(
            Digest.objects.filter(day=day, user_id__in=[d.user_id for d in created]).values_list(
                "user_id", "pk"
            )
        )
        for digest in created:
            digest.pk = digest.id = by_user[digest.user_id]
    ReminderMark.objects.bulk_create(
        [
            ReminderMark(user_id=d.user_id, key=i.key, day=day)
            for d in created
            for i in fresh[d.user_id]
            if i.once
        ],
        ignore_conflicts=True,
        batch_size=2000,
    )
    now = timezone.now()
    copy_rows(
        Notification,
        ["user_id", "digest_id", "kind", "title", "n", "level", "url", "due", "created_at"],
        (
            (d.user_id, d.pk, i.kind, i.title, i.n, i.level, i.url, i.due, now)
            for d in created
            for i in fresh[d.user_id]
        ),
    )
    return created


def _supersede_earlier(day: dt.date) -> None:
    """A digest of an earlier day that never went out is not sent late (its people may have
    changed roles since): it is marked superseded and its one-time reminders are given
    back, so that today's digest carries them."""
    with transaction.atomic():
        stale = list(
            Digest.objects.select_for_update()
            .filter(day__lt=day, state__in=[Digest.State.PENDING, Digest.State.SENDING])
            .values_list("pk", "user_id", "day")
        )
        for pk, user_id, earlier in stale:
            ReminderMark.objects.filter(user_id=user_id, day=earlier).delete()
            Digest.objects.filter(pk=pk).update(
                state=Digest.State.SUPERSEDED, last_error=f"superseded on {day.isoformat()}"
            )


SEND_TASK = "reminders.send_digest"


def _queue(ids: list[int]) -> None:
    """Queue the mails; if the broker is down they stay pending for the next sweep."""
    for digest_id in ids:
        try:
            enqueue(SEND_TASK, digest_id)
        except Exception:  # kombu raises many kinds; none may fail the sweep
            logger.exception("could not queue digest %s; the next sweep will", digest_id)
            return


# -- sending -------------------------------------------------------------------------------------
class TransientMailError(Exception):
    """Worth retrying later (connection lost, 4xx)."""


TRANSIENT = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    ConnectionError,
    TimeoutError,
)


def _is_transient(exc: Exception) -> bool:
    if isinstance(exc, TRANSIENT):
        return True
    code = getattr(exc, "smtp_code", None)
    return isinstance(code, int) and 400 <= code < 500


def digest_send(*, digest_id: int) -> str:
    """Send one digest. Returns its state. Raises TransientMailError when a retry may help
    (the digest is pending again); a permanent failure is recorded and logged for the
    second line."""
    now = timezone.now()
    claimable = Q(state=Digest.State.PENDING) | Q(
        # A worker that died while sending left it "sending"; after a while it is fair game.
        state=Digest.State.SENDING,
        claimed_at__lt=now - SENDING_TIMEOUT,
    )
    claimed = Digest.objects.filter(claimable, pk=digest_id).update(
        state=Digest.State.SENDING, attempts=F("attempts") + 1, claimed_at=now
    )
    if claimed != 1:
        return "skipped"
    digest = Digest.objects.select_related("user").get(pk=digest_id)
    user = digest.user
    if not user.email or not user.is_active:
        Digest.objects.filter(pk=digest_id, claimed_at=now).update(
            state=Digest.State.SENT, sent_at=timezone.now(), last_error="no address; in-app only"
        )
        return Digest.State.SENT
    message = _message(digest)
    try:
        message.send(fail_silently=False)
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if _is_transient(exc):
            Digest.objects.filter(pk=digest_id, claimed_at=now).update(
                state=Digest.State.PENDING, last_error=error
            )
            raise TransientMailError(error) from exc
        Digest.objects.filter(pk=digest_id, claimed_at=now).update(
            state=Digest.State.FAILED, last_error=error
        )
        audit_record(
            action=AuditEvent.Action.CHANGED,
            actor=None,
            object_type="reminders.Digest",
            object_id=str(digest_id),
            object_repr=f"digest to {user.get_username()} failed",
            details={"error": error, "day": digest.day.isoformat()},
        )
        return Digest.State.FAILED
    Digest.objects.filter(pk=digest_id, claimed_at=now).update(
        state=Digest.State.SENT, sent_at=timezone.now(), last_error=""
    )
    return Digest.State.SENT


def digest_give_up(*, digest_id: int, error: str) -> None:
    """Retries are exhausted: record the digest as failed for the second line to see."""
    updated = Digest.objects.filter(pk=digest_id, state=Digest.State.PENDING).update(
        state=Digest.State.FAILED, last_error=f"gave up after retries: {error}"[:2000]
    )
    if updated:
        audit_record(
            action=AuditEvent.Action.CHANGED,
            actor=None,
            object_type="reminders.Digest",
            object_id=str(digest_id),
            object_repr="digest not delivered after retries",
            details={"error": error[:500]},
        )


def _message(digest: Digest) -> EmailMultiAlternatives:
    with translation.override(digest.language or settings.LANGUAGE_CODE):
        items = [{**i, "reason": reason_text(i["kind"], i["n"], i["level"])} for i in digest.items]
        context = {
            "user": digest.user,
            "day": digest.day,
            "items": items,
            "base_url": settings.THREELINES_BASE_URL,
        }
        subject = _("[Threelines] %(n)d reminders for %(day)s") % {
            "n": len(items),
            "day": digest.day.isoformat(),
        }
        text = render_to_string("reminders/digest.txt", context)
        html = render_to_string("reminders/digest.html", context)
    message = EmailMultiAlternatives(subject, text, None, [digest.user.email])
    message.attach_alternative(html, "text/html")
    return message
