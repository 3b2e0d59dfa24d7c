"""Loading many new measures with their history at once (a plan file's import, the seed).

The same rules as the one-at-a-time services (``check_measure``, ``check_progress``,
``check_verdict``, ``check_reopening``, ``check_event_date``), checked on the values in
memory for every measure and every event first; only when all hold are the measures, their
links and their events written together (rows in bulk with their history, the access once,
the stored states once). 20,000 measures with 200,000 events through the one-at-a-time
services take most of an hour; this way, minutes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core.dates import PrecisionDate
from governance import permissions
from governance.models import RequiredItem
from incidents.models import Incident, RootCause
from measures.models import Countermeasure, RequiredItemCoverage, StatusEvent
from measures.services.plan import check_measure
from measures.services.status import (
    check_event_date,
    check_progress,
    check_reopening,
    check_verdict,
)
from measures.statuses import Status
from measures.stored_states import store_states

# The fields a measure's own ``full_clean`` leaves to ``check_measure`` and the database.
_RELATED = ["organization", "parent", "perspective", "owner_unit"]

# Events made (with their history rows) at a time by ``countermeasures_load``.
EVENT_CHUNK = 10_000


@dataclass
class EventLoad:
    status: str
    effective_on: PrecisionDate
    planned_for: PrecisionDate | None = None
    occurrence_count: int | None = None
    note: str = ""
    phrase_override: str = ""
    ref: object = None  # the caller's name for where it came from (a sheet row)


@dataclass
class MeasureLoad:
    measure: Countermeasure  # not saved; its parent may be another load's measure
    root_causes: list[RootCause] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)
    required_items: list[RequiredItem] = field(default_factory=list)
    events: list[EventLoad] = field(default_factory=list)
    ref: object = None


class LoadRefused(Exception):
    """``problems``: (ref, field, message) for every refusal; nothing was written."""

    def __init__(self, problems: list[tuple[object, str, str]]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def _messages(exc: ValidationError) -> list[tuple[str, str]]:
    if hasattr(exc, "error_dict"):
        return [(name, m) for name, errors in exc.message_dict.items() for m in errors]
    return [("", m) for m in exc.messages]


def check_loads(loads: list[MeasureLoad], *, today: dt.date) -> list[tuple[object, str, str]]:
    """Every problem of ``loads``, by the ref of the measure or event it is about."""
    problems: list[tuple[object, str, str]] = []
    taken: dict[int, set[str]] = {}
    for org_id in {load.measure.organization_id for load in loads}:
        taken[org_id] = set(
            Countermeasure.objects.filter(organization_id=org_id).values_list("code", flat=True)
        )
    saved_parents = {load.measure.parent_id for load in loads if load.measure.parent_id is not None}
    with_status = set(
        StatusEvent.objects.filter(measure_id__in=saved_parents).values_list(
            "measure_id", flat=True
        )
    )
    parents_in_load = {id(load.measure.parent) for load in loads if load.measure.parent}
    seen: set[tuple[int, str]] = set()
    for load in loads:
        m = load.measure
        try:
            m.full_clean(exclude=_RELATED, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            problems += [(load.ref, name, message) for name, message in _messages(exc)]
        key = (m.organization_id, m.code)
        try:
            check_measure(
                m,
                root_causes=load.root_causes,
                incidents=load.incidents,
                code_taken=m.code in taken[m.organization_id] or key in seen,
                parent_has_status=m.parent_id in with_status,
            )
        except ValidationError as exc:
            problems += [(load.ref, name, message) for name, message in _messages(exc)]
        seen.add(key)
        if load.events and id(m) in parents_in_load:
            problems.append(
                (
                    load.events[0].ref,
                    "",
                    _(
                        "The status of this measure comes from its sub-items; record it on "
                        "a sub-item."
                    ),
                )
            )
            continue
        problems += _check_events(m, load.events, today=today)
    return problems


def _check_events(m: Countermeasure, events: list[EventLoad], *, today: dt.date):
    current, latest_on = Status.PLANNED, None
    for event in events:
        try:
            check_event_date(
                effective_on=event.effective_on,
                latest_status=current,
                latest_on=latest_on,
                today=today,
            )
            if event.status in (Status.VERIFIED, Status.NOT_EFFECTIVE):
                check_verdict(current=current, criteria=m.effectiveness_criteria, note=event.note)
            elif event.status == Status.REOPENED:
                check_reopening(current=current, note=event.note)
            else:
                check_progress(
                    nature=m.nature,
                    current=current,
                    status=event.status,
                    planned_for=event.planned_for,
                    occurrence_count=event.occurrence_count,
                )
        except ValidationError as exc:
            # The measure's later events follow from this one: checking them against a
            # timeline without it would only report consequences of the same problem.
            return [(event.ref, name, message) for name, message in _messages(exc)]
        current, latest_on = event.status, event.effective_on
    return []


@transaction.atomic
def countermeasures_load(
    *, loads: list[MeasureLoad], actor, reason: str, today: dt.date
) -> list[Countermeasure]:
    """Check ``loads`` (``LoadRefused`` with every problem, nothing written), then write the
    measures (top-level before sub-items), their links, events and access together."""
    _positions(loads)
    problems = check_loads(loads, today=today)
    if problems:
        raise LoadRefused(problems)
    tops = [load.measure for load in loads if load.measure.parent is None]
    subs = [load.measure for load in loads if load.measure.parent is not None]
    for group in (tops, subs):
        for m in group:
            if m.parent is not None:
                m.parent_id = m.parent.pk
        bulk_create_with_history(
            group,
            Countermeasure,
            batch_size=2000,
            default_user=actor,
            default_change_reason=reason,
        )
    through_causes = Countermeasure.root_causes.through
    through_incidents = Countermeasure.incidents.through
    through_causes.objects.bulk_create(
        [
            through_causes(countermeasure_id=load.measure.pk, rootcause_id=rc.pk)
            for load in loads
            for rc in load.root_causes
        ],
        batch_size=5000,
    )
    through_incidents.objects.bulk_create(
        [
            through_incidents(countermeasure_id=load.measure.pk, incident_id=i.pk)
            for load in loads
            for i in load.incidents
        ],
        batch_size=5000,
    )
    coverage = [
        RequiredItemCoverage(required_item=item, measure=load.measure, note="")
        for load in loads
        for item in load.required_items
    ]
    if coverage:
        bulk_create_with_history(
            coverage, RequiredItemCoverage, default_user=actor, default_change_reason=reason
        )
    # The events (and their history rows) are made EVENT_CHUNK at a time: a group's plan
    # has 200,000 of them, twice that in objects held at once if made together.
    events, with_events = [], set()
    for load in loads:
        for e in load.events:
            event = StatusEvent(
                measure=load.measure,
                status=e.status,
                occurrence_count=e.occurrence_count,
                note=e.note,
                phrase_override=e.phrase_override,
                recorded_by=actor,
            )
            event.effective_on = e.effective_on
            event.planned_for = e.planned_for
            events.append(event)
            with_events.add(load.measure.pk)
            if len(events) >= EVENT_CHUNK:
                _create_events(events, actor=actor, reason=reason)
                events = []
    if events:
        _create_events(events, actor=actor, reason=reason)
    measures = [load.measure for load in loads]
    permissions.access_sync_objects(Countermeasure, [m.pk for m in measures], actor=actor)
    store_states(with_events)
    return measures


def _create_events(events: list[StatusEvent], *, actor, reason: str) -> None:
    bulk_create_with_history(
        events, StatusEvent, batch_size=5000, default_user=actor, default_change_reason=reason
    )


def _positions(loads: list[MeasureLoad]) -> None:
    """A measure without a position goes after the last of its siblings (a top-level one:
    in its perspective; a sub-item: under its parent), as ``countermeasure_create`` does."""
    last: dict[tuple, int] = defaultdict(int)
    orgs = {load.measure.organization_id for load in loads}
    for row in (
        Countermeasure.objects.filter(organization_id__in=orgs)
        .values("organization_id", "parent_id", "perspective_id")
        .annotate(top=Max("position"))
    ):
        key = (
            row["organization_id"],
            row["parent_id"],
            None if row["parent_id"] else row["perspective_id"],
        )
        last[key] = max(last[key], row["top"] or 0)
    for load in loads:
        m = load.measure
        parent = id(m.parent) if m.parent is not None and m.parent.pk is None else m.parent_id
        key = (m.organization_id, parent, None if m.parent is not None else m.perspective_id)
        if m.position is None:
            last[key] += 1
            m.position = last[key]
        else:
            last[key] = max(last[key], m.position)
