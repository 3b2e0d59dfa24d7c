"""Reads of countermeasures that the pages, reports and reminders share."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from measures.models import Countermeasure, StatusEvent
from measures.phrases import MeasureState, state_as_of


def measure_states_as_of(
    *, as_of: dt.date, measures: QuerySet[Countermeasure] | None = None
) -> list[MeasureState]:
    """The status and 実施状況 phrase of each measure as of ``as_of`` (valid time).

    ``measures`` defaults to every measure that is not archived. Sub-items are read along
    with their parents so that a parent's phrase can be composed from them. States come in
    the plan's order: organization, table position, each sub-item after its parent. Three queries
    whatever the number of measures: measures (with organization, perspective and owner
    unit), their root causes, and the events effective by ``as_of``.
    """
    if measures is None:
        measures = Countermeasure.objects.filter(archived_at__isnull=True)
    wanted = measures.values("pk")
    rows = list(
        Countermeasure.objects.filter(
            Q(pk__in=wanted) | Q(parent__in=wanted, archived_at__isnull=True)
        )
        .annotate(requested=ExpressionWrapper(Q(pk__in=wanted), output_field=BooleanField()))
        .select_related("organization", "perspective", "owner_unit", "parent")
        .prefetch_related("root_causes")
    )
    # The plan's order: by table position, each sub-item right after its parent.
    rows.sort(
        key=lambda m: (
            m.organization.code,
            m.parent.position if m.parent else m.position,
            m.parent_id is not None,
            m.position,
            m.code,
        )
    )
    events: dict[int, list[StatusEvent]] = defaultdict(list)
    for event in StatusEvent.objects.filter(
        measure__in=[m.pk for m in rows], effective_on_date__lte=as_of
    ):
        events[event.measure_id].append(event)
    children: dict[int, list[Countermeasure]] = defaultdict(list)
    for row in rows:
        if row.parent_id:
            children[row.parent_id].append(row)
    states = []
    for row in rows:
        if not row.requested:
            continue
        subs = [(c, events[c.pk]) for c in children[row.pk]]
        states.append(state_as_of(row, events[row.pk], as_of, subs))
    return states


def measure_state_as_of(*, measure: Countermeasure, as_of: dt.date) -> MeasureState:
    """One measure's status and phrase as of ``as_of``."""
    return measure_states_as_of(as_of=as_of, measures=Countermeasure.objects.filter(pk=measure.pk))[
        0
    ]
