"""The month trend of the dashboard: open and implemented measures at each month end, read
from the status runs in one query."""

from __future__ import annotations

import datetime as dt
import itertools

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    Exists,
    OuterRef,
    QuerySet,
)

from measures.models import Countermeasure, StatusRun
from measures.statuses import DONE_OR_RUNNING, Status


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
    done = sorted(DONE_OR_RUNNING)
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
