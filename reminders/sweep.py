"""The daily sweep: one digest per person per day with what was not yet reminded, the
escalations recorded, the mails queued after commit. Exactly once (unique sent-log), with
catch-up of missed days."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from core.db import copy_rows
from core.queueing import try_enqueue
from governance.models import (
    User,
)
from reminders.delivery import SEND_TASK, SENDING_TIMEOUT, TransientMailError, digest_send
from reminders.models import Digest, Escalation, Notification, ReminderMark
from reminders.rules import Item, reminder_items

logger = logging.getLogger(__name__)


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
    carried = _supersede_earlier(day)
    items, escalations = reminder_items(day=day)
    fresh = _not_yet_reminded(items)
    for user_id, earlier_days in carried.items():
        if fresh.get(user_id):  # said first, so that the person knows why some come again
            fresh[user_id][:0] = [
                Item("carried", f"carried:{earlier}", earlier.isoformat(), "", earlier.isoformat())
                for earlier in sorted(earlier_days)
            ]
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
        requeue = list(
            Digest.objects.filter(stuck(), day=day)
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


# A digest still waiting this long after it was made (its message lost, the broker down)
# is queued again; one claimed by a worker that died is taken back after SENDING_TIMEOUT.
PENDING_TIMEOUT = dt.timedelta(minutes=10)


def stuck(now: dt.datetime | None = None) -> Q:
    """Digests waiting or being sent for too long: their mail is not on its way."""
    now = now or timezone.now()
    return Q(state=Digest.State.PENDING, created_at__lt=now - PENDING_TIMEOUT) | Q(
        state=Digest.State.SENDING, claimed_at__lt=now - SENDING_TIMEOUT
    )


def digests_requeue(*, today: dt.date | None = None) -> list[int]:
    """Queue again today's and yesterday's stuck digests (the task ``reminders.requeue``,
    every 10 minutes): a worker killed while sending, or the broker down when the sweep
    queued, no longer waits for the next day's sweep, which would supersede them unsent.
    Sending stays exactly once: a worker claims a digest by a conditional UPDATE."""
    today = today or timezone.localdate()
    ids = list(
        Digest.objects.filter(stuck(), day__gte=today - dt.timedelta(days=1))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    _queue(ids)
    return ids


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


def _supersede_earlier(day: dt.date) -> dict[int, list[dt.date]]:
    """A digest of an earlier day that never went out is not sent late (its people may have
    changed roles since): it is marked superseded and its one-time reminders are given
    back, so that today's digest carries them, saying so. Returns {user id: those days}."""
    carried: dict[int, list[dt.date]] = {}
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
            carried.setdefault(user_id, []).append(earlier)
    return carried


def _queue(ids: list[int]) -> None:
    """Queue the mails; if the broker is down they stay pending for the next sweep."""
    for digest_id in ids:
        if not try_enqueue(SEND_TASK, digest_id):
            return  # the broker is down: the rest wait too
