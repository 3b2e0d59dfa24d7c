"""The dashboard: my tasks, overdue items, starts that passed, effectiveness checks due, what
is due soon, the next committee meeting, counts by status and the month trend."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.ui import as_of as requested_as_of
from governance.decorators import login_view
from governance.models import Committee, Meeting
from governance.permissions import granted_pks, visible_to
from measures import charts
from measures.asof import measure_facts_as_of
from measures.models import ChangeRequest, Countermeasure
from measures.selectors import (
    due_soon,
    effectiveness_check_due,
    measures_visible_to,
    page_states,
    start_passed,
    status_counts,
)
from measures.statuses import OPEN, Status, due_soon_days
from measures.trend import open_counts_by_month

# -- dashboard ------------------------------------------------------------------------------
# Each list of the dashboard shows this many measures (with their phrase) and its total.
DASHBOARD_LIST = 20


@require_GET
@login_view
def dashboard(request):
    as_of = requested_as_of(request)
    visible = measures_visible_to(request.user)
    # Statuses of every visible measure (cheap); phrases only for the rows shown.
    states = measure_facts_as_of(as_of=as_of, measures=visible, children_within=visible)
    # Only a membership test on the rows read: the grants alone, not the measures again.
    mine = granted_pks(request.user, Countermeasure, "record_status")
    overdue = [s for s in states if s.is_overdue]
    starts = [s for s in states if start_passed(s)]
    checks = [s for s in states if effectiveness_check_due(s)]
    upcoming = [s for s in states if due_soon(s)]
    # My tasks: the exceptions among the measures I may record (first), then every other
    # open measure my unit owns (a first-line grant: the second line and the auditors own
    # none), with sub-items in place of their parents.
    exceptions = [
        s
        for s in {id(s): s for s in overdue + starts + checks + upcoming}.values()
        if mine is None or s.measure.pk in mine
    ]
    owned = granted_pks(request.user, Countermeasure, "request_change") or set()
    parents = {s.measure.parent_id for s in states if s.measure.parent_id}
    flagged = {s.measure.pk for s in exceptions}
    tasks = exceptions + sorted(
        (
            s
            for s in states
            if s.measure.pk in owned
            and s.status in OPEN
            and s.measure.pk not in parents
            and s.measure.pk not in flagged
        ),
        key=lambda s: (s.measure.due is None, s.measure.due or 0, s.measure.code),
    )
    lists = {
        "tasks": tasks,
        "overdue": overdue,
        "starts": starts,
        "checks": checks,
        "upcoming": upcoming,
    }
    shown_ids = list(
        dict.fromkeys(s.measure.pk for rows in lists.values() for s in rows[:DASHBOARD_LIST])
    )
    shown_set = set(shown_ids)
    sub_items = [s.measure.pk for s in states if s.measure.parent_id in shown_set]
    phrased = {
        s.measure.pk: s
        for s in page_states(user=request.user, as_of=as_of, ids=shown_ids, sub_items=sub_items)
    }
    shown = {
        name: [phrased[s.measure.pk] for s in rows[:DASHBOARD_LIST]] for name, rows in lists.items()
    }
    counts = status_counts(states)
    by_perspective: dict[str, dict[str, int]] = {}
    for (org, perspective), row in counts.items():
        label = f"{org} {perspective}".strip()
        by_perspective[label] = row
    months = _month_ends(as_of, 24)
    meetings = (
        Meeting.objects.filter(
            committee__in=visible_to(request.user, _committees()),
            held_on__gte=as_of,
            archived_at__isnull=True,
        )
        .select_related("committee")
        .order_by("held_on")[:1]
    )
    # Change requests awaiting the second line's decision (theirs to decide), or the
    # person's own requests still waiting.
    decidable = visible_to(request.user, Countermeasure.objects.all(), "plan_countermeasure")
    pending_changes = (
        ChangeRequest.objects.filter(state=ChangeRequest.State.PENDING)
        .filter(Q(measure__in=decidable) | Q(requested_by=request.user))
        .select_related("measure", "requested_by")
        .order_by("requested_at")
    )
    return render(
        request,
        "measures/dashboard.html",
        {
            "as_of": as_of,
            "pending_changes": pending_changes[:DASHBOARD_LIST],
            **shown,
            "totals": {name: len(rows) for name, rows in lists.items()},
            "list_limit": DASHBOARD_LIST,
            "due_soon_days": due_soon_days(),
            "counts": counts,
            "statuses": list(Status),
            "status_chart": charts.status_bars(
                list(by_perspective.items()), title=_("Status by perspective")
            ),
            "trend_chart": charts.open_over_time(
                open_counts_by_month(measures=visible, months=months),
                title=_("Open and implemented measures by month"),
            ),
            "next_meeting": next(iter(meetings), None),
        },
    )


def _committees():
    return Committee.objects.filter(archived_at__isnull=True)


def _month_ends(as_of: dt.date, count: int) -> list[dt.date]:
    ends = []
    year, month = as_of.year, as_of.month
    for _i in range(count):
        first_next = dt.date(year + (month == 12), month % 12 + 1, 1)
        ends.append(min(first_next - dt.timedelta(days=1), as_of))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(ends))
