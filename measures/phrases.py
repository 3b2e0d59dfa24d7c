"""The 実施状況 phrase: a measure's implementation status as of a date, in the plan's wording.

Pure functions over a measure and its events, so that the as-of selector can compute the
phrase of every measure from two queries. Valid time only: an event counts as of D when its
effective period starts on or before D, whenever it was recorded.

Vectors from table 2-2 of the seed (as of 2023-05-12):
one-off implemented 2023-01 → 2023年1月実施; continuous running since 2023-02 →
2023年2月より実施; continuous planned from 2023-07 → 2023年7月より実施予定; continuous,
first done 2023-04 → 2023年4月実施、以後継続予定; verb 運用開始 planned 2028-01 →
2028年1月より運用開始予定; verb 完了 done 2023-02 → 2023年2月完了; recurring, done in
February and April → 2023年2月、4月実施. A recurring measure with an interval says it:
yearly from 2027 → 2027年度より毎年実施予定; done 2024-04 → 2024年4月実施、以後毎年実施予定.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import NamedTuple, Protocol

from django.utils.translation import gettext

from core.dates import PrecisionDate, fiscal_start_month, join_ja
from measures.models import VERB_JA, VERB_PROGRESSIVE_JA, Countermeasure, Nature
from measures.statuses import DONE_OR_RUNNING, Status, combined_status

VERIFICATION = {Status.VERIFIED, Status.NOT_EFFECTIVE}


class Event(Protocol):
    """What the phrase reads of an event: a ``StatusEvent``, or the light
    ``timelines.TimelineEvent`` the as-of reading builds."""

    status: str
    effective_on_date: dt.date
    planned_for_date: dt.date | None
    phrase_override: str

    @property
    def effective_on(self) -> PrecisionDate: ...

    @property
    def planned_for(self) -> PrecisionDate | None: ...


class MeasureState(NamedTuple):
    """A measure's status and phrase as of a date (a named tuple: the as-of reading makes
    one per measure, and a frozen dataclass took four times as long to make)."""

    measure: Countermeasure
    as_of: dt.date
    status: str
    phrase: str
    since: PrecisionDate | None  # effective date of the event that set the status
    # A parent read from its sub-items: (done, counted), the sub-items implemented, running
    # or verified and those not cancelled; None for a measure with a status of its own.
    progress: tuple[int, int] | None = None

    @property
    def partly_done(self) -> bool:
        """A parent some of whose sub-items are done and some not."""
        return self.progress is not None and 0 < self.progress[0] < self.progress[1]

    @property
    def status_label(self) -> str:
        """The status; a parent with some sub-items done and some not reads as 「一部実施
        （3/5）」, not as its least advanced sub-item's status (which it keeps for the
        filters, the overdue test and the reminders)."""
        if self.partly_done:
            return gettext("partly implemented (%(done)d/%(counted)d)") % {
                "done": self.progress[0],
                "counted": self.progress[1],
            }
        return Status(self.status).label

    @property
    def is_overdue(self) -> bool:
        return self.measure.is_overdue(status=self.status, as_of=self.as_of)


def events_as_of(events: Sequence[Event], as_of: dt.date) -> list[Event]:
    """The events that had happened by ``as_of``, in the order given (oldest first)."""
    if not events or events[-1].effective_on_date <= as_of:  # timeline order: all of them
        return list(events)
    return [e for e in events if e.effective_on_date <= as_of]


def state_as_of(
    measure: Countermeasure,
    events: Sequence[Event],
    as_of: dt.date,
    sub_items: Sequence[MeasureState] = (),
) -> MeasureState:
    """Status and phrase of ``measure`` as of ``as_of``.

    ``events`` are the measure's own events in timeline order (effective date, then when
    they were recorded), any dates: the selectors read them in that order. A measure with
    sub-items (``sub_items``: their states as of the same date) and no events of its own
    reads as its sub-items' phrases, 「①… ②…」, as in table 3-2.
    """
    visible = events_as_of(events, as_of)
    if sub_items and not visible:
        phrase = " ".join(f"{s.measure.label}{s.phrase}" for s in sub_items)
        status = combined_status([s.status for s in sub_items])
        counted = [s for s in sub_items if s.status != Status.CANCELLED]
        done = sum(s.status in DONE_OR_RUNNING for s in counted)
        return MeasureState(measure, as_of, status, phrase, None, (done, len(counted)))
    status = visible[-1].status if visible else Status.PLANNED
    since = visible[-1].effective_on if visible else None
    return MeasureState(measure, as_of, status, _phrase(measure, visible), since)


# The version of the wording this module (and the Japanese date forms it uses) writes. A
# stored phrase of another version is not read (``phrase_code``), so bump it with any
# change to what a phrase says; tests/measures/test_phrase_version.py fails on a change of
# the seed's phrases without a bump.
PHRASE_VERSION = "2026-12-06.2"

# What a phrase reads of its measure besides the events.
INPUT_FIELDS = (
    "verb",
    "nature",
    "recurrence_months",
    "due_on",
    "due_on_precision",
    "planned_start_on",
    "planned_start_on_precision",
)


def phrase_code() -> str:
    """The phrase version and the fiscal year's first month (the fiscal periods' names) as
    they are now: a stored phrase composed under others does not hold."""
    return f"{PHRASE_VERSION} fy{fiscal_start_month()}"


def _phrase(measure: Countermeasure, events: list[Event]) -> str:
    if not events:
        return _planned_phrase(measure, events)
    last = events[-1]
    if last.phrase_override:
        return last.phrase_override
    verb = VERB_JA[measure.verb]
    when = last.effective_on

    if last.status in VERIFICATION:
        base = _phrase(measure, [e for e in events if e.status not in VERIFICATION])
        suffix = "有効性確認済" if last.status == Status.VERIFIED else "有効性評価で効果不十分"
        return f"{base}（{when.ja()}{suffix}）"
    if last.status == Status.REOPENED:
        return f"{_planned_phrase(measure, events)}（{when.ja()}再開）"
    if last.status == Status.PLANNED:
        return _planned_phrase(measure, events)
    if last.status == Status.ON_HOLD:
        return f"{when.ja()}より保留"
    if last.status == Status.CANCELLED:
        return f"{when.ja()}中止"
    if last.status == Status.IN_PROGRESS:
        start = _run_start(events, Status.IN_PROGRESS)
        return f"{start.ja()}より{VERB_PROGRESSIVE_JA[measure.verb]}"
    if last.status == Status.IMPLEMENTED:
        if measure.nature == Nature.RECURRING:
            # Verifying a recurring measure does not end its run of occurrences.
            occurrences = [e.effective_on for e in _current_run(events, Status.IMPLEMENTED)]
            done = f"{join_ja(dict.fromkeys(occurrences))}{verb}"
            every = _every(measure)
            return f"{done}、以後{every}{verb}予定" if every else done
        if measure.nature == Nature.CONTINUOUS:
            return f"{when.ja()}{verb}、以後継続予定"
        return f"{when.ja()}{verb}"
    # in operation
    start = _run_start(events, Status.IN_OPERATION)
    before = [e for e in events if e.effective_on_date < start.value]
    if before and before[-1].status == Status.IMPLEMENTED:
        return f"{before[-1].effective_on.ja()}{verb}、{start.ja()}より継続実施"
    return f"{start.ja()}より{verb}"


def _current_run(events: list[Event], status: str) -> list[Event]:
    """The trailing events with ``status`` (the current uninterrupted run), passing over
    effectiveness verifications (they do not end a run of occurrences)."""
    run: list[Event] = []
    for event in reversed(events):
        if event.status in VERIFICATION:
            continue
        if event.status != status:
            break
        run.append(event)
    run.reverse()
    return run


def _run_start(events: list[Event], status: str) -> PrecisionDate:
    """When the trailing run of ``status`` began (the last event is of that status)."""
    start = events[-1]
    for event in reversed(events):
        if event.status != status:
            break
        start = event
    return start.effective_on


def _planned_phrase(measure: Countermeasure, events: list[Event]) -> str:
    """「2023年7月より実施予定」 for a continuing measure, 「2023年度上期策定予定」
    for a one-off.

    The date is the latest plan recorded by then; before any, the measure's schedule. After
    a reopening only a plan made since counts: the old schedule is history."""
    verb = VERB_JA[measure.verb]
    reopened = [i for i, e in enumerate(events) if e.status == Status.REOPENED]
    since = events[reopened[-1] :] if reopened else events
    target = next((e.planned_for for e in reversed(since) if e.planned_for_date), None)
    if target is None and not reopened:
        if measure.nature == Nature.ONE_OFF:
            target = measure.due or measure.planned_start
        else:
            target = measure.planned_start or measure.due
    if target is None:
        return f"{verb}予定（時期未定）"
    if measure.nature == Nature.ONE_OFF:
        return f"{target.ja()}{verb}予定"
    return f"{target.ja()}より{_every(measure)}{verb}予定"


# How often a recurring measure recurs, as the plan says it (「毎年実施」); other intervals
# read 「Nか月ごとに」.
_EVERY = {1: "毎月", 3: "四半期ごとに", 6: "半年ごとに", 12: "毎年"}


def _every(measure: Countermeasure) -> str:
    months = measure.recurrence_months if measure.nature == Nature.RECURRING else None
    if not months:
        return ""
    return _EVERY.get(months) or f"{months}か月ごとに"
