"""The as-of engine: each measure's status and 実施状況 phrase on a date (valid time), from the
stored states where they hold and from the events where they do not."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import NamedTuple

from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce

from core.dates import PrecisionDate, stored_date
from core.memory import collector_paused
from measures.models import Countermeasure, StatusRun, StoredStep
from measures.phrases import MeasureState, state_as_of
from measures.rows import instances
from measures.statuses import Status, combined_status, is_overdue
from measures.stored_states import holds
from measures.timelines import among, timelines_as_of


def plan_position() -> dict:
    """Annotations the plan's order (``_db_order("plan")``) sorts by: a sub-item sits at its
    parent's table position, right after it."""
    return {
        "group_position": Coalesce("parent__position", "position"),
        "is_sub_item": ExpressionWrapper(Q(parent__isnull=False), output_field=BooleanField()),
    }


def _stored() -> dict:
    """A measure's stored state (``StoredState``) and whether it holds."""
    return {
        "stored_holds": holds(),
        "stored_status": F("stored_state__status"),
        "stored_phrase": F("stored_state__phrase"),
        "stored_since": F("stored_state__since_date"),
        "stored_since_precision": F("stored_state__since_date_precision"),
        "stored_first_on": F("stored_state__first_event_on"),
        "stored_batch": F("stored_state__batch"),
    }


def _and_sub_items(
    measures: QuerySet[Countermeasure],
    children_within: QuerySet[Countermeasure] | Q | None,
    *,
    stored: bool = False,
) -> QuerySet[Countermeasure]:
    """``measures`` (``requested`` true) and their sub-items that are not archived (only
    those in ``children_within`` when given, a queryset or a filter on the sub-items: a
    person sees a parent's wording composed from the sub-items they may open only), with
    the parent's position (``parent_position``) and each one's latest event
    (``latest_status``, ``latest_on``: ``LatestEvent``); with ``stored``, each one's stored
    state too (``_stored``)."""
    # The parent's position as it is (sorted in Python, ``_plan_key``): no expression
    # whose value Django converts row by row.
    read = {
        "latest_status": F("latest__status"),
        "latest_on": F("latest__effective_on_date"),
        "parent_position": F("parent__position"),
    }
    if stored:
        read |= _stored()
    if children_within is measures:
        # The sub-items to read are among the measures themselves (the dashboard's: every
        # visible one): nothing to add, every row requested. Unlike the union below this
        # keeps the rows of ``measures`` as they are: pass a queryset without duplicates.
        return measures.annotate(requested=Value(True, output_field=BooleanField()), **read)
    wanted = measures.order_by().values("pk")
    children = Countermeasure.objects.filter(parent__in=wanted, archived_at__isnull=True)
    if isinstance(children_within, Q):  # checked row by row (``measures_visible_on_row``)
        children = children.filter(children_within)
    elif children_within is not None:
        children = children.filter(pk__in=children_within.order_by().values("pk"))
    # One set, not "in wanted OR a child of wanted": PostgreSQL scans every measure for
    # the OR and uses the indexes for the union.
    every = wanted.union(children.order_by().values("pk"), all=True)
    return Countermeasure.objects.filter(pk__in=every).annotate(
        requested=ExpressionWrapper(Q(pk__in=wanted), output_field=BooleanField()),
        **read,
    )


def _plan_key(org_code: str, parent_position: int | None, position: int, code: str) -> tuple:
    """The plan's order (``_db_order("plan")``) in Python: organization, table position, each
    sub-item (``parent_position`` given) right after its parent."""
    if parent_position is None:
        return (org_code, position, False, position, code)
    return (org_code, parent_position, True, position, code)


def _with_sub_items(
    measures: QuerySet[Countermeasure],
    children_within: QuerySet[Countermeasure] | Q | None,
    *prefetch: str,
    stored: bool = False,
) -> list[Countermeasure]:
    """``_and_sub_items`` as model instances in the plan's order: organization, table
    position, each sub-item right after its parent.

    One query whatever the data (the page query counts are pinned), and one for each of
    ``prefetch``: organization, perspective and owner unit are joined; the parent's
    position is read in the same query, not the parent itself."""
    rows = instances(_and_sub_items(measures, children_within, stored=stored))
    if prefetch:
        prefetch_related_objects(rows, *prefetch)
    rows.sort(
        key=lambda m: _plan_key(
            m.organization.code, m.parent_position if m.parent_id else None, m.position, m.code
        )
    )
    return rows


@collector_paused()
def measure_states_as_of(
    *,
    as_of: dt.date,
    measures: QuerySet[Countermeasure] | None = None,
    children_within: QuerySet[Countermeasure] | Q | None = None,
    with_root_causes: bool = False,
) -> list[MeasureState]:
    """The status and 実施状況 phrase of each measure as of ``as_of`` (valid time).

    ``measures`` defaults to every measure that is not archived. Sub-items are read along
    with their parents so that a parent's phrase can be composed from them (only those in
    ``children_within``, when given: the person's visible measures). States come in
    the plan's order: organization, table position, each sub-item after its parent.

    One to three queries whatever the number of measures: the measures (with organization,
    perspective, owner unit and stored state); the stored steps that cover ``as_of``, for
    the measures whose stored state holds and whose latest event comes after it (none for
    a date after every event); the events effective by ``as_of`` of those whose stored
    state does not hold (none when every state is stored). One more with
    ``with_root_causes``, for the pages that show them.
    """
    if measures is None:
        measures = Countermeasure.objects.filter(archived_at__isnull=True)
        if children_within is None:  # every sub-item not archived is among them
            children_within = measures
    rows = _with_sub_items(
        measures, children_within, *(["root_causes"] * with_root_causes), stored=True
    )
    states, before_first = _stored_states(rows, as_of)
    # Events only for the measures that have some by then and no stored state to read.
    events = timelines_as_of(
        [
            m.pk
            for m in rows
            if m.latest_on is not None and m.pk not in states and m.pk not in before_first
        ],
        as_of,
    )
    children: dict[int, list[Countermeasure]] = defaultdict(list)
    for row in rows:
        if row.parent_id:
            children[row.parent_id].append(row)

    def state_of(row: Countermeasure) -> MeasureState:
        state = states.get(row.pk)
        if state is None:
            subs = [state_of(child) for child in children[row.pk]]
            state = states[row.pk] = state_as_of(row, events[row.pk], as_of, subs)
        return state

    return [state_of(row) for row in rows if row.requested]


def _stored_states(
    rows: list[Countermeasure], as_of: dt.date
) -> tuple[dict[int, MeasureState], set[int]]:
    """{pk: state} of the ``rows`` (read with ``_stored``) whose stored state holds
    (``stored_states.holds``): on or after their latest event the stored state, between
    their first and latest event the stored step (``_stepped``); and the ids of those whose
    stored state holds and whose first event comes after ``as_of`` (their state is composed
    from no event: none to read)."""
    states = {}
    before_first = set()
    between = []
    for row in rows:
        if not row.stored_holds:
            continue
        if row.latest_on <= as_of:
            states[row.pk] = MeasureState(
                row,
                as_of,
                row.stored_status,
                row.stored_phrase,
                stored_date(row.stored_since, row.stored_since_precision),
            )
        elif as_of < row.stored_first_on:
            before_first.add(row.pk)
        else:
            between.append(row)
    states.update(_stepped(between, as_of))
    return states, before_first


def _stepped(rows: list[Countermeasure], as_of: dt.date) -> dict[int, MeasureState]:
    """{pk: state} of the ``rows`` from their stored step that covers ``as_of`` (one query,
    none for no rows), where the step was stored with the state the row was read with (the
    same ``batch``): a state stored anew since then came with other steps. A row left out
    (stored anew, or a step deleted by hand) reads its events."""
    if not rows:
        return {}
    by_pk = {row.pk: row for row in rows}
    found = (
        StoredStep.objects.filter(
            among("measure_id", list(by_pk)), valid_to__gt=as_of, valid_from__lte=as_of
        )
        .order_by()
        .values_list(
            "measure_id", "status", "phrase", "since_date", "since_date_precision", "batch"
        )
    )
    return {
        pk: MeasureState(by_pk[pk], as_of, status, phrase, stored_date(since, precision))
        for pk, status, phrase, since, precision, batch in found
        if batch == by_pk[pk].stored_batch
    }


def _statuses(rows: list, as_of: dt.date) -> dict[int, str]:
    """{pk: status as of ``as_of``} of ``rows`` (from ``_and_sub_items``: measures or
    ``MeasureFacts``, sub-items among them): each one's latest event by then, a parent
    without events of its own its least advanced sub-item's, ``planned`` before any event.

    A row's latest event (``LatestEvent``) answers when it is on or before ``as_of``; for
    the measures whose latest event comes later, one more query reads the status run
    (``StatusRun``) that holds on ``as_of``: none for today or any date after every event."""
    known = {m.pk: m.latest_status for m in rows if m.latest_on and m.latest_on <= as_of}
    ask = [m.pk for m in rows if m.latest_on and m.latest_on > as_of]
    if ask:
        known.update(
            StatusRun.objects.filter(among("measure_id", ask), valid_from__lte=as_of)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=as_of))
            .values_list("measure_id", "status")
        )
    children_of: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        if row.parent_id:
            children_of[row.parent_id].append(row.pk)

    def status_of(pk: int) -> str:
        if pk in known:
            return known[pk]
        if pk in children_of:
            return combined_status([status_of(child) for child in children_of[pk]])
        return Status.PLANNED

    return {row.pk: status_of(row.pk) for row in rows}


@collector_paused()
def measure_statuses_as_of(
    *,
    as_of: dt.date,
    measures: QuerySet[Countermeasure],
    children_within: QuerySet[Countermeasure] | Q | None = None,
) -> list[MeasureState]:
    """The status of each measure as of ``as_of``, without its phrase (``phrase`` is empty),
    for pages that need the measures themselves (reminders, the root-cause matrix). One
    query with each measure's latest event; a second, for the status runs, only when
    ``as_of`` is before some of those (a past date)."""
    rows = _with_sub_items(measures, children_within)
    statuses = _statuses(rows, as_of)
    return [MeasureState(row, as_of, statuses[row.pk], "", None) for row in rows if row.requested]


class MeasureFacts(NamedTuple):
    """What the dashboard counts and picks measures by, without a model instance: it reads
    every visible measure (thousands) and shows a few (``page_states``)."""

    pk: int
    code: str
    parent_id: int | None
    organization_id: int
    organization_label: str
    perspective_name: str
    perspective_position: int
    due_on: dt.date | None
    due: PrecisionDate | None  # read once: the dashboard's lists test it several times
    planned_start: PrecisionDate | None
    effectiveness_check_due: dt.date | None
    requested: bool
    latest_status: str | None  # of the latest event (``LatestEvent``), whatever its date
    latest_on: dt.date | None

    def is_overdue(self, *, status: str, as_of: dt.date) -> bool:
        return is_overdue(self.due, status=status, as_of=as_of)


@collector_paused()
def measure_facts_as_of(
    *,
    as_of: dt.date,
    measures: QuerySet[Countermeasure],
    children_within: QuerySet[Countermeasure] | Q | None = None,
) -> list[MeasureState]:
    """``measure_statuses_as_of`` for counting: the same statuses, the same measures
    (sub-items within ``children_within``), in the plan's order, each as ``MeasureFacts``.
    One query with each measure's latest event; a second, for the status runs, only when
    ``as_of`` is before some of those (a past date). Sorted here, not in the database: for
    thousands of rows the byte-wise collation made the sort a third of the query."""
    rows = [
        MeasureFacts(
            pk,
            code,
            parent,
            org,
            short or name,
            perspective or "",
            perspective_position or 0,
            due_on,
            stored_date(due_on, due_precision),
            stored_date(start_on, start_precision),
            *rest,
        )
        for (
            _org_code,
            _parent_position,
            _position,
            code,
            pk,
            parent,
            org,
            short,
            name,
            perspective,
            perspective_position,
            due_on,
            due_precision,
            start_on,
            start_precision,
            *rest,
        ) in sorted(
            _and_sub_items(measures, children_within)
            .order_by()
            .values_list(
                "organization__code",
                "parent__position",
                "position",
                "code",
                "pk",
                "parent_id",
                "organization_id",
                "organization__short_name",
                "organization__name",
                "perspective__name",
                "perspective__position",
                "due_on",
                "due_on_precision",
                "planned_start_on",
                "planned_start_on_precision",
                "effectiveness_check_due",
                "requested",
                "latest_status",
                "latest_on",
            ),
            key=lambda row: _plan_key(*row[:4]),
        )
    ]
    statuses = _statuses(rows, as_of)
    return [MeasureState(row, as_of, statuses[row.pk], "", None) for row in rows if row.requested]


def measure_state_as_of(*, measure: Countermeasure, as_of: dt.date) -> MeasureState:
    """One measure's status and phrase as of ``as_of``."""
    return measure_states_as_of(as_of=as_of, measures=Countermeasure.objects.filter(pk=measure.pk))[
        0
    ]


# -- pages ----------------------------------------------------------------------------------
