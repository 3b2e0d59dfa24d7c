"""The status model in one place: the statuses, their groups, what may follow what, how a
parent combines its sub-items, and the named windows (due soon, effectiveness check due)
that the dashboard, the list, the reminders and the report all read.

"Due" of a period is its end: a measure due 「2023年9月」 is overdue from 2023-10-01 and
due within 30 days from 2023-08-31.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    PLANNED = "planned", _("planned")
    IN_PROGRESS = "in_progress", _("in progress")
    IMPLEMENTED = "implemented", _("implemented")
    IN_OPERATION = "in_operation", _("in operation")
    VERIFIED = "verified", _("effectiveness verified")
    NOT_EFFECTIVE = "not_effective", _("not effective")
    REOPENED = "reopened", _("reopened")
    ON_HOLD = "on_hold", _("on hold")
    CANCELLED = "cancelled", _("cancelled")


# Implemented, running or verified: counted as done in the trend; a one-off measure there
# only waits for verification (or reopening).
DONE_OR_RUNNING = frozenset({Status.IMPLEMENTED, Status.IN_OPERATION, Status.VERIFIED})
# Past which nothing is overdue or coming due any more.
SETTLED = DONE_OR_RUNNING | {Status.CANCELLED}
# Still to be carried out: everything else.
OPEN = frozenset(Status) - SETTLED
# What the second line may verify, and what it may reopen.
VERIFIABLE = frozenset({Status.IMPLEMENTED, Status.IN_OPERATION})
REOPENABLE = frozenset(
    {
        Status.IMPLEMENTED,
        Status.IN_OPERATION,
        Status.VERIFIED,
        Status.NOT_EFFECTIVE,
        Status.ON_HOLD,
        Status.CANCELLED,
    }
)

# A re-plan (a new "planned" with its date), a hold or a cancellation changes the
# commitment: the second line records it, or approves the first line's change request.
CHANGE_CONTROLLED = frozenset({Status.PLANNED, Status.ON_HOLD, Status.CANCELLED})

# What may follow what through countermeasure_record_status. Verification and reopening
# have services of their own (they are second-line acts).
_WORK = {Status.IN_PROGRESS, Status.IMPLEMENTED, Status.IN_OPERATION}
_RECORDABLE = frozenset({Status.PLANNED, *_WORK, Status.ON_HOLD, Status.CANCELLED})
RECORDABLE_AFTER: dict[str, frozenset[str]] = {
    Status.PLANNED: _RECORDABLE,
    Status.IN_PROGRESS: _RECORDABLE - {Status.IN_PROGRESS},
    Status.IMPLEMENTED: frozenset(
        {Status.IN_OPERATION, Status.IMPLEMENTED, Status.ON_HOLD, Status.CANCELLED}
    ),
    Status.IN_OPERATION: frozenset({Status.IMPLEMENTED, Status.ON_HOLD, Status.CANCELLED}),
    Status.VERIFIED: frozenset(
        {Status.IMPLEMENTED, Status.IN_OPERATION, Status.ON_HOLD, Status.CANCELLED}
    ),
    Status.NOT_EFFECTIVE: frozenset(),
    Status.REOPENED: _RECORDABLE,
    Status.ON_HOLD: _RECORDABLE - {Status.ON_HOLD},
    Status.CANCELLED: frozenset(),
}

# A parent's status is its least advanced sub-item's, in this order.
COMBINING_ORDER = (
    Status.REOPENED,
    Status.NOT_EFFECTIVE,
    Status.PLANNED,
    Status.ON_HOLD,
    Status.IN_PROGRESS,
    Status.IMPLEMENTED,
    Status.IN_OPERATION,
    Status.VERIFIED,
    Status.CANCELLED,
)


def combined_status(statuses: Sequence[str]) -> str:
    """A parent's status from its sub-items' (planned when it has none)."""
    return min(statuses, key=COMBINING_ORDER.index, default=Status.PLANNED)


class Period(Protocol):
    """A date with precision (``core.dates.PrecisionDate``): the days it covers."""

    start: dt.date
    end: dt.date


# -- the named windows (settings) --------------------------------------------------------------
def due_soon_days() -> int:
    """How far ahead "due soon" looks (``THREELINES_DUE_SOON_DAYS``)."""
    return settings.THREELINES_DUE_SOON_DAYS


def effectiveness_check_days() -> int:
    """How far ahead an effectiveness check counts as due
    (``THREELINES_EFFECTIVENESS_CHECK_DAYS``)."""
    return settings.THREELINES_EFFECTIVENESS_CHECK_DAYS


def is_overdue(due: Period | None, *, status: str, as_of: dt.date) -> bool:
    """Past the end of its due period and not settled."""
    return due is not None and status not in SETTLED and due.end < as_of


def is_due_within(due: Period | None, *, status: str, as_of: dt.date, days: int) -> bool:
    """Not settled, and its due period ends today or within ``days`` days."""
    return (
        due is not None
        and status not in SETTLED
        and as_of <= due.end <= as_of + dt.timedelta(days=days)
    )


def is_due_soon(due: Period | None, *, status: str, as_of: dt.date) -> bool:
    """``is_due_within`` the due-soon window."""
    return is_due_within(due, status=status, as_of=as_of, days=due_soon_days())


def is_start_passed(start: Period | None, *, status: str, as_of: dt.date) -> bool:
    """Planned to have started (the whole start period is over) but still planned."""
    return start is not None and status == Status.PLANNED and start.end < as_of


def is_check_due(check: dt.date | None, *, status: str, as_of: dt.date) -> bool:
    """Implemented or running, and its effectiveness check falls within the window (or
    has passed)."""
    return (
        check is not None
        and status in VERIFIABLE
        and check <= as_of + dt.timedelta(days=effectiveness_check_days())
    )
