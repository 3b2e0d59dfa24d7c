"""Committees (meetings, recommendations and how each was reflected) and regulatory actions
(required items and the measures that answer them)."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.ui import as_of as requested_as_of
from governance.decorators import login_view, object_view
from governance.models import AuditEvent, Committee, RegulatoryAction
from governance.permissions import visible_to
from governance.services import committee_may_record
from measures.models import RecommendationReflection, RequiredItemCoverage
from measures.selectors import measures_visible_to


@require_GET
@login_view
def committee_list(request):
    committees = (
        visible_to(request.user, Committee.objects.filter(archived_at__isnull=True))
        .select_related("organization")
        .prefetch_related("scope", "meetings")
    )
    return render(request, "governance/committees.html", {"committees": committees})


@require_GET
@object_view(model=Committee, audit=AuditEvent.Action.VIEWED)
def committee_detail(request, committee):
    visible = measures_visible_to(request.user)
    reflections = RecommendationReflection.objects.filter(
        archived_at__isnull=True, measure__in=visible
    ).select_related("measure")
    # Whether a recommendation is reflected counts every measure; the links shown are the
    # ones this person may open.
    recommendations = (
        committee.recommendations.filter(archived_at__isnull=True)
        .select_related("meeting")
        .annotate(reflected=Count("reflections", filter=Q(reflections__archived_at__isnull=True)))
        .prefetch_related(Prefetch("reflections", queryset=reflections, to_attr="visible"))
    )
    return render(
        request,
        "governance/committee_detail.html",
        {
            "committee": committee,
            "meetings": committee.meetings.filter(archived_at__isnull=True),
            "members": committee.memberships.filter(archived_at__isnull=True),
            "recommendations": recommendations,
            "as_of": requested_as_of(request),
            "may_record": committee_may_record(request.user, committee),
        },
    )


@require_GET
@login_view
def regulatory_list(request):
    visible = measures_visible_to(request.user)
    coverage = RequiredItemCoverage.objects.filter(
        archived_at__isnull=True, measure__in=visible
    ).select_related("measure")
    actions = (
        visible_to(request.user, RegulatoryAction.objects.filter(archived_at__isnull=True))
        .select_related("organization")
        .prefetch_related(
            "required_items",
            Prefetch("required_items__coverage", queryset=coverage, to_attr="visible"),
        )
    )
    return render(request, "governance/regulatory.html", {"actions": actions})
