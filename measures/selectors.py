"""Reads of countermeasures that the pages, reports and reminders share."""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections import defaultdict
from operator import attrgetter
from typing import NamedTuple

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    prefetch_related_objects,
)
from django.db.models.base import ModelState
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Collate
from django.db.models.signals import post_init, pre_init

from core.dates import PrecisionDate, PrecisionDateAttribute, stored_date
from core.memory import collector_paused
from measures.models import (
    Countermeasure,
    Status,
    StatusEvent,
    StatusRun,
    StoredStep,
    is_overdue,
)
from measures.phrases import MeasureState, combined_status, state_as_of
from measures.stored_states import holds


class TimelineEvent(NamedTuple):
    """A status event as the phrases read it: the columns they need and no model instance
    (reading "as of" for every measure makes one per event of the history)."""

    measure_id: int
    status: str
    effective_on_date: dt.date
    effective_on_date_precision: str
    planned_for_date: dt.date | None
    planned_for_date_precision: str
    phrase_override: str

    effective_on = PrecisionDateAttribute("effective_on_date")
    planned_for = PrecisionDateAttribute("planned_for_date")


# The order of a measure's timeline (events are never edited, so it is a total order).
TIMELINE_ORDER = ("effective_on_date", "recorded_at", "id")


def _among(field: str, ids: list[int]) -> Q:
    """``field`` is one of ``ids``: on PostgreSQL one array parameter, not a placeholder
    per id (20,000 ids took 170 ms more to send and parse as a list)."""
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__in": RawSQL("SELECT unnest(%s::bigint[])", (ids,))})
    return Q(**{f"{field}__in": ids})


def timelines_as_of(
    measure_ids: list[int], as_of: dt.date | None = None
) -> dict[int, list[TimelineEvent]]:
    """{measure id: its events effective by ``as_of`` (all of them for None), oldest first},
    in one query (none for no measures)."""
    timelines: dict[int, list[TimelineEvent]] = defaultdict(list)
    if not measure_ids:
        return timelines
    events = StatusEvent.objects.filter(_among("measure_id", measure_ids))
    if as_of is not None:
        events = events.filter(effective_on_date__lte=as_of)
    rows = events.order_by("measure_id", *TIMELINE_ORDER).values_list(*TimelineEvent._fields)
    # tuple.__new__ straight from each row (as Django's named values_list does): no Python
    # call per event.
    events = map(functools.partial(tuple.__new__, TimelineEvent), rows)
    for measure_id, timeline in itertools.groupby(events, key=attrgetter("measure_id")):
        timelines[measure_id] = list(timeline)
    return timelines


def _plan_position() -> dict:
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


# The related rows every reading of measures shows (heading, perspective, owner).
_JOINED = ("organization", "perspective", "owner_unit")


def _loader(model, db: str, attnames: list[str], annotations: tuple[str, ...] = ()):
    """A function that makes a ``model`` instance from the values of ``attnames`` (all its
    concrete fields) followed by those of ``annotations``, as ``model.from_db`` and
    ``setattr`` do, without ``Model.__init__`` and the field descriptors it goes through
    (for 20,000 measures they took 0.5 s): the values go straight into the instance's
    ``__dict__``, where the descriptors read them. Only when nothing listens to
    ``pre_init`` or ``post_init`` for ``model`` (a test checks both ways)."""
    if pre_init.has_listeners(model) or post_init.has_listeners(model):
        width = len(attnames)

        def from_db(values):
            instance = model.from_db(db, attnames, values[:width])
            for name, value in zip(annotations, values[width:], strict=True):
                setattr(instance, name, value)
            return instance

        return from_db
    names = [*attnames, *annotations]
    new = object.__new__

    def load(values):
        instance = new(model)
        instance.__dict__.update(zip(names, values, strict=True))
        instance._state = state = ModelState()
        state.adding, state.db = False, db
        return instance

    return load


def _instances(queryset: QuerySet[Countermeasure]) -> list[Countermeasure]:
    """The measures of ``queryset`` with their annotations and their ``_JOINED`` objects,
    like ``select_related`` in one query, but one instance per related row: reading 20,000
    measures, ``select_related`` built 60,000 related instances (0.6 s of 0.9 s) for a few
    thousand distinct organizations, perspectives and units. In the database's order: the
    callers sort."""
    model = queryset.model
    own = [field.attname for field in model._meta.concrete_fields]
    annotations = list(queryset.query.annotations)
    joined = [
        (field, [f.attname for f in field.related_model._meta.concrete_fields])
        for field in map(model._meta.get_field, _JOINED)
    ]
    columns = [
        *own,
        *annotations,
        *(f"{field.name}__{name}" for field, names in joined for name in names),
    ]
    load = _loader(model, queryset.db, own, tuple(annotations))
    width = len(own) + len(annotations)
    related_loaders = [
        (field, len(names), _loader(field.related_model, queryset.db, names))
        for field, names in joined
    ]
    shared: dict[tuple[str, object], object] = {}
    rows = []
    for values in queryset.order_by().values_list(*columns):
        instance = load(values[:width])
        at = width
        for field, size, load_related in related_loaders:
            key = getattr(instance, field.attname)
            related = None
            if key is not None:
                related = shared.get((field.name, key))
                if related is None:
                    related = shared[field.name, key] = load_related(values[at : at + size])
            field.set_cached_value(instance, related)
            at += size
        rows.append(instance)
    return rows


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
    rows = _instances(_and_sub_items(measures, children_within, stored=stored))
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
            _among("measure_id", list(by_pk)), valid_to__gt=as_of, valid_from__lte=as_of
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
            StatusRun.objects.filter(_among("measure_id", ask), valid_from__lte=as_of)
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
OPEN = {Status.PLANNED, Status.IN_PROGRESS, Status.REOPENED, Status.ON_HOLD, Status.NOT_EFFECTIVE}
RUNNING_OR_DONE = {Status.IMPLEMENTED, Status.IN_OPERATION, Status.VERIFIED}


def measures_visible_to(user, *, include_archived: bool = False) -> QuerySet[Countermeasure]:
    """The measures ``user`` may see (one subquery)."""
    from governance.permissions import visible_to

    measures = Countermeasure.objects.all()
    if not include_archived:
        measures = measures.filter(archived_at__isnull=True)
    return visible_to(user, measures)


def measures_visible_on_row(user) -> Q:
    """``measures_visible_to`` as a filter checked row by row (``held_on_row``): for the
    sub-items of a few measures (one page, one measure), where reading all of a person's
    grants costs more than looking up each sub-item's."""
    from governance.permissions import held_on_row

    return held_on_row(user, Countermeasure) & Q(archived_at__isnull=True)


def _narrowed(visible: QuerySet[Countermeasure], filters: dict) -> QuerySet[Countermeasure]:
    """``visible`` narrowed by the filters on stored fields (in the database): ``visible``
    itself, the same object, when none is given."""
    measures = visible
    for field in ("organization", "perspective", "owner_unit", "nature"):
        if filters.get(field):
            measures = measures.filter(**{field: filters[field]})
    if filters.get("root_cause"):
        measures = measures.filter(root_causes=filters["root_cause"])
    if filters.get("incident"):
        measures = measures.filter(
            Q(incidents=filters["incident"]) | Q(root_causes__incidents=filters["incident"])
        )
    if filters.get("due_from"):
        measures = measures.filter(due_on__gte=filters["due_from"])
    if filters.get("due_to"):
        measures = measures.filter(due_on__lte=filters["due_to"])
    if filters.get("q"):
        text = filters["q"]
        measures = measures.filter(
            Q(title__icontains=text) | Q(detail__icontains=text) | Q(code__icontains=text)
        )
    return visible if measures is visible else measures.distinct()


def _filtered_and_visible(user, filters: dict) -> tuple[QuerySet, QuerySet]:
    """(the visible measures narrowed by ``filters``, the measures whose sub-items may be
    read: the visible ones). The same queryset twice when no filter on stored fields
    narrows them: the reading then finds every sub-item among them, and the database
    evaluates the permission subquery once instead of three times (a union of the
    measures and their sub-items; 36 to 18 ms for a second-line officer's 2,112
    measures)."""
    visible = measures_visible_to(user)
    return _narrowed(visible, filters), visible


def measure_rows(
    *,
    user,
    as_of: dt.date,
    filters: dict | None = None,
    sort: str = "plan",
    with_root_causes: bool = False,
) -> list[MeasureState]:
    """The list page: visible measures with their state as of ``as_of``, filtered and sorted.

    Filters on stored fields run in the database; status and overdue depend on the date and
    are applied to the computed states. Query count is fixed: the as-of selector's two.
    """
    filters = filters or {}
    measures, visible = _filtered_and_visible(user, filters)
    states = measure_states_as_of(
        as_of=as_of,
        measures=measures,
        children_within=visible,
        with_root_causes=with_root_causes,
    )
    return sort_states(_passing(states, filters), sort)


def _passing(states: list[MeasureState], filters: dict) -> list[MeasureState]:
    """The states that pass the filters that depend on the date: status and overdue."""
    if filters.get("status"):
        states = [s for s in states if s.status == filters["status"]]
    if filters.get("overdue"):
        states = [s for s in states if s.is_overdue]
    return states


# Orders the database can give, the same as ``SORTS`` below (ties broken by the code).
def _bytewise(field: str) -> Collate:
    """Text ordered by code point, as Python orders it (the database's own collation may
    ignore punctuation, and the two paths of the list must agree)."""
    return Collate(field, "C" if connection.vendor == "postgresql" else "BINARY")


def _db_order(sort: str) -> tuple:
    org, code = _bytewise("organization__code"), _bytewise("code")
    return {
        "plan": (org, "group_position", "is_sub_item", "position", code),
        "code": (org, code),
        "due": (F("due_on").asc(nulls_last=True), org, code),
        "owner": (_bytewise("owner_unit__path").asc(nulls_last=True), org, code),
    }[sort]


_DB_ORDERS = ("plan", "code", "due", "owner")


def paged_in_database(filters: dict, sort: str) -> bool:
    """Whether a list page can be cut in the database before any state is computed: when
    neither the filters nor the order depend on the state as of the date."""
    return not filters.get("status") and not filters.get("overdue") and sort in _DB_ORDERS


def measure_page_ids(*, user, filters: dict, sort: str) -> QuerySet:
    """The ids of the visible, filtered measures in the order of ``sort``, for a paginator:
    only the page's measures then get their state computed (``measure_states_as_of``)."""
    measures = _narrowed(measures_visible_to(user), filters).annotate(**_plan_position())
    return measures.order_by(*_db_order(sort)).values_list("pk", flat=True)


def measure_ids_by_state(*, user, as_of: dt.date, filters: dict, sort: str) -> list[int]:
    """The ids of the visible, filtered measures whose state as of ``as_of`` passes the
    status and overdue filters, in the order of ``sort``, for a paginator: the states are
    read without their phrases (``measure_facts_as_of``), so only the page shown gets
    those. The same rows, in the same order, as ``measure_rows``."""
    measures, visible = _filtered_and_visible(user, filters)
    facts = _passing(
        measure_facts_as_of(as_of=as_of, measures=measures, children_within=visible),
        filters,
    )
    if sort in _DB_ORDERS and sort != "plan":  # the facts come in the plan's order
        wanted = {s.measure.pk for s in facts}
        return [
            pk for pk in measure_page_ids(user=user, filters=filters, sort=sort) if pk in wanted
        ]
    return [s.measure.pk for s in sort_states(facts, sort)]


def page_states(
    *, user, as_of: dt.date, ids: list[int], sub_items: list[int] | None = None
) -> list[MeasureState]:
    """The states of the measures ``ids`` (one page), in that order. Their sub-items are
    those ``user`` may see; ``sub_items`` names them when the caller has read them already
    (the dashboard reads every visible measure), which spares the permission check."""
    children_within = (
        measures_visible_on_row(user)
        if sub_items is None
        else Countermeasure.objects.filter(pk__in=sub_items)
    )
    states = measure_states_as_of(
        as_of=as_of,
        measures=Countermeasure.objects.filter(pk__in=ids),
        children_within=children_within,
    )
    by_pk = {state.measure.pk: state for state in states}
    return [by_pk[pk] for pk in ids if pk in by_pk]


SORTS = {
    "plan": None,
    # The same orders as ``_db_order`` (the list pages one way or the other).
    "code": lambda s: (s.measure.organization.code, s.measure.code),
    "due": lambda s: (
        s.measure.due_on is None,
        s.measure.due_on or dt.date.max,
        s.measure.organization.code,
        s.measure.code,
    ),
    "status": lambda s: (list(Status.values).index(s.status), s.measure.code),
    "owner": lambda s: (
        s.measure.owner_unit is None,
        s.measure.owner_unit.path if s.measure.owner_unit else "",
        s.measure.organization.code,
        s.measure.code,
    ),
}


def sort_states(states: list[MeasureState], sort: str) -> list[MeasureState]:
    key = SORTS.get(sort)
    return sorted(states, key=key) if key else states


def start_passed(state: MeasureState) -> bool:
    """Planned to have started (the whole start period is over) but not started."""
    start = state.measure.planned_start
    return start is not None and state.status == Status.PLANNED and start.end < state.as_of


def effectiveness_check_due(state: MeasureState, *, within_days: int = 30) -> bool:
    due = state.measure.effectiveness_check_due
    return (
        due is not None
        and state.status in (Status.IMPLEMENTED, Status.IN_OPERATION)
        and due <= state.as_of + dt.timedelta(days=within_days)
    )


def status_counts(states: list[MeasureState]) -> dict:
    """{(organization, perspective name): {status: count}} for the summary table. A
    sub-item counts through its parent, unless the parent is not among ``states``."""
    listed = {state.measure.pk for state in states}
    table: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for state in states:
        measure = state.measure
        if measure.parent_id in listed:
            continue
        key = (measure.organization_label, measure.perspective_name)
        table[key][state.status] += 1
    return {key: dict(counts) for key, counts in sorted(table.items())}


def open_counts_by_month(*, measures: QuerySet[Countermeasure], months: list[dt.date]) -> list:
    """(month end, open, implemented or running) at each month end, counting the items
    people work on (measures without sub-items) from the day they entered the plan.

    One query that returns a row per month: each of a measure's status runs (``StatusRun``:
    its timeline cut where the status changes, a few rows where it has dozens of events)
    holds from its first event to the next run, a measure is planned from ``planned_on``
    until its first event, and each month end counts the spans it falls in. Python sees 24
    rows, not every event of thousands of measures."""
    if not months:
        return []
    leaves = (
        measures.exclude(
            Exists(Countermeasure.objects.filter(parent=OuterRef("pk"), archived_at__isnull=True))
        )
        .order_by()
        .values("pk", "planned_on")
    )
    try:
        leaf_sql, leaf_params = leaves.query.sql_with_params()
    except EmptyResultSet:  # measures.none(): nobody's measures
        return [(month, 0, 0) for month in months]
    done = sorted(RUNNING_OR_DONE)
    in_done = ", ".join(["%s"] * len(done))
    buckets = " ".join(["WHEN day <= %s THEN %s"] * len(set(months)))
    run = connection.ops.quote_name(StatusRun._meta.db_table)
    sql = f"""
        WITH leaf(id, planned_on) AS ({leaf_sql}),
        -- Only the spans still running at the first month end: one that ended by then
        -- would add 1 and take 1 away in the first bucket (a third of the rows, for
        -- five years of history and a two-year chart).
        spans(status, valid_from, valid_to) AS (
            SELECT run.status, run.valid_from, run.valid_to
            FROM {run} run JOIN leaf ON leaf.id = run.measure_id
            WHERE run.valid_to IS NULL OR run.valid_to > %s
            UNION ALL
            SELECT %s, leaf.planned_on, first.valid_from
            FROM leaf LEFT JOIN {run} first ON first.measure_id = leaf.id AND first.number = 1
            WHERE leaf.planned_on IS NOT NULL
              AND (first.valid_from IS NULL OR leaf.planned_on < first.valid_from)
              AND (first.valid_from IS NULL OR first.valid_from > %s)
        ),
        -- A span counts at month end M when it starts on or before M and does not end on
        -- or before M: +1 at the first month end on or after its start, -1 at the first
        -- on or after its end. Each date goes to its month end's bucket here; the running
        -- sums over the buckets are taken below.
        changes(status, day, delta) AS (
            SELECT status, valid_from, 1 FROM spans WHERE valid_from <= %s
            UNION ALL
            SELECT status, valid_to, -1 FROM spans WHERE valid_to <= %s
        )
        SELECT CASE {buckets} END AS bucket,
               SUM(CASE WHEN status IN ({in_done}) THEN delta ELSE 0 END),
               SUM(CASE WHEN status NOT IN ({in_done}) AND status <> %s THEN delta ELSE 0 END)
        FROM changes GROUP BY 1
    """  # noqa: S608 - table names and placeholders only; values are parameters
    ends = sorted(set(months))
    params = [
        *leaf_params,
        ends[0],
        Status.PLANNED,
        ends[0],
        ends[-1],
        ends[-1],
        *itertools.chain.from_iterable((end, index) for index, end in enumerate(ends)),
        *done,
        *done,
        Status.CANCELLED,
    ]
    done_by = [0] * len(ends)
    open_by = [0] * len(ends)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for bucket, done_delta, open_delta in cursor.fetchall():
            done_by[bucket] += int(done_delta)
            open_by[bucket] += int(open_delta)
    counts = dict(
        zip(
            ends,
            zip(itertools.accumulate(open_by), itertools.accumulate(done_by), strict=True),
            strict=True,
        )
    )
    return [(month, *counts[month]) for month in months]
