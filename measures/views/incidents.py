"""Pages on incidents and root causes. They show the measures that answer them, so they
live here, above both apps (dependencies point governance ← incidents ← measures)."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from core.ui import as_of as requested_as_of
from governance.decorators import login_view, object_view
from governance.models import AuditEvent
from governance.permissions import visible_to
from incidents.models import Incident, RootCause
from measures.asof import measure_statuses_as_of
from measures.models import Countermeasure
from measures.selectors import measure_page_ids, measures_visible_to, page_states
from measures.statuses import Status

# The measures an incident's page shows, in the plan's order; the rest are in the list.
INCIDENT_MEASURES = 50
# A company's root-cause matrix is drawn up to this many measures (columns); past it, each
# root cause's count and a link to its measures in the list (a group company has 2,000).
MATRIX_COLUMNS = 80


@require_GET
@login_view
def incident_list(request):
    incidents = (
        visible_to(request.user, Incident.objects.filter(archived_at__isnull=True))
        .select_related("organization")
        .prefetch_related("metrics", "systems", "organizations_involved")
    )
    return render(request, "incidents/list.html", {"incidents": incidents})


@require_GET
@object_view(model=Incident, audit=AuditEvent.Action.VIEWED)
def incident_page(request, incident):
    as_of = requested_as_of(request)
    root_causes = visible_to(request.user, incident.root_causes.all()).select_related(
        "organization"
    )
    # The list's own reading, cut to its first page: at group scale an incident has
    # thousands of measures, which the list pages through ("all of them in the list").
    ids = measure_page_ids(user=request.user, filters={"incident": incident.pk}, sort="plan")
    shown = list(ids[:INCIDENT_MEASURES])
    return render(
        request,
        "incidents/detail.html",
        {
            "incident": incident,
            "metrics": incident.metrics.filter(archived_at__isnull=True),
            "root_causes": root_causes,
            "states": page_states(user=request.user, as_of=as_of, ids=shown),
            "total": ids.count(),
            "list_url": _list_url(request, as_of, incident=incident.pk),
            "as_of": as_of,
        },
    )


def _list_url(request, as_of, **filters) -> str:
    """The countermeasure list filtered by ``filters``, as of the date the page shows when
    one was asked for (today's, after a message, for a value that is not a date)."""
    if request.GET.get("as_of"):
        filters["as_of"] = as_of.isoformat()
    return f"{reverse('measure-list')}?{urlencode(filters)}"


@require_GET
@login_view
def root_cause_matrix(request):
    """Root causes × measures, as the plan's 対応する真因 column; a root cause with no measure
    that is open or done (only cancelled ones, or none) is flagged."""
    as_of = requested_as_of(request)
    causes = list(
        visible_to(request.user, RootCause.objects.filter(archived_at__isnull=True))
        .select_related("organization")
        .order_by("organization__code", "number")
    )
    # Coverage counts every measure of the company (a root cause is not "uncovered" because
    # this person cannot open the measures); the columns show only those they may open.
    orgs = {c.organization_id for c in causes}
    company_measures = Countermeasure.objects.filter(
        organization__in=orgs, archived_at__isnull=True
    )
    # Statuses only (no 実施状況 wording): the matrix shows codes and counts coverage.
    states = measure_statuses_as_of(as_of=as_of, measures=company_measures)
    all_links = set(
        Countermeasure.root_causes.through.objects.filter(
            countermeasure__in=company_measures
        ).values_list("rootcause_id", "countermeasure_id")
    )
    visible = set(measures_visible_to(request.user).values_list("pk", flat=True))
    tables = []
    for org in sorted({c.organization for c in causes}, key=lambda o: o.code):
        org_causes = [c for c in causes if c.organization_id == org.pk]
        org_states = [s for s in states if s.measure.organization_id == org.pk]
        shown = [s for s in org_states if s.measure.pk in visible]
        matrix = len(shown) <= MATRIX_COLUMNS
        rows = []
        for cause in org_causes:
            linked = [s for s in org_states if (cause.pk, s.measure.pk) in all_links]
            covering = [s for s in linked if s.status != Status.CANCELLED]
            rows.append(
                {
                    "cause": cause,
                    "cells": [(cause.pk, s.measure.pk) in all_links for s in shown]
                    if matrix
                    else [],
                    "uncovered": not covering,
                    "count": len(covering),
                    # What the link opens: the linked measures this person may open.
                    "openable": sum(1 for s in linked if s.measure.pk in visible),
                    "list_url": _list_url(request, as_of, root_cause=cause.pk),
                }
            )
        tables.append(
            {
                "organization": org,
                "matrix": matrix,
                "states": shown if matrix else [],
                "measures": len(shown),
                "rows": rows,
                "causes": org_causes,
            }
        )
    return render(request, "incidents/root_causes.html", {"tables": tables, "as_of": as_of})
