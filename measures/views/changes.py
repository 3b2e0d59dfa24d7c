"""Change control pages: the first line proposes a re-plan, hold or cancellation on the
measure's page; the second line decides there or from the list of requests awaiting it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.forms import apply_service_errors
from governance.decorators import login_view, object_view
from measures import services
from measures.models import ChangeRequest, Countermeasure
from measures.plan_forms import ChangeRequestForm, DecisionForm
from measures.selectors import measures_visible_to
from measures.views.detail import render_detail


def _visible_requests(user):
    return ChangeRequest.objects.filter(measure__in=measures_visible_to(user))


@require_POST
@object_view(model=Countermeasure, perm="request_change")
def change_request_create(request, measure):
    form = ChangeRequestForm(request.POST, prefix="change")
    if form.is_valid():
        try:
            services.change_request_submit(measure=measure, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request, _("Your change request was sent to the second line for a decision.")
            )
            return redirect("measure-detail", measure.pk)
    return render_detail(request, measure, change_form=form)


@require_POST
@object_view(
    model=ChangeRequest,
    queryset=_visible_requests,
    guard=lambda change: change.measure,
    perm="plan_countermeasure",
)
def change_request_decide(request, change):
    form = DecisionForm(request.POST, prefix="decide")
    if form.is_valid():
        try:
            services.change_request_decide(change=change, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("The change request was approved; it is in effect.")
                if form.cleaned_data["approve"]
                else _("The change request was refused."),
            )
            return redirect("measure-detail", change.measure_id)
    return render_detail(request, change.measure, decide_form=form)


@require_POST
@object_view(
    model=ChangeRequest,
    queryset=_visible_requests,
    guard=lambda change: change.measure,
    perm="request_change",
)
def change_request_withdraw(request, change):
    try:
        services.change_request_withdraw(change=change, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The change request was withdrawn."))
    return redirect("measure-detail", change.measure_id)


@require_GET
@login_view
def change_request_list(request):
    """Requests awaiting a decision that the person may see, and the latest decided ones."""
    requests = _visible_requests(request.user).select_related(
        "measure", "requested_by", "decided_by"
    )
    return render(
        request,
        "measures/change_requests.html",
        {
            "pending": requests.filter(state=ChangeRequest.State.PENDING).order_by("requested_at"),
            "decided": requests.exclude(state=ChangeRequest.State.PENDING).order_by("-decided_at")[
                :50
            ],
        },
    )
