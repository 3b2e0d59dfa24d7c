"""The monitoring pages: the second line plans activities, records runs and raises
exceptions; the unit an exception is addressed to answers it; the second line links the
countermeasures that put it right and closes it."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from governance.decorators import login_view, object_view, scope_view
from governance.downloads import checked_file_response
from governance.models import AuditEvent, Organization
from governance.permissions import perms_on, visible_to
from measures.views.authoring import form_page, form_view, pick_organization, save_form
from monitoring import selectors, services
from monitoring.forms import (
    ActivityForm,
    CloseForm,
    ExceptionForm,
    LinkMeasuresForm,
    NewMeasureForm,
    ResponseForm,
    RunForm,
)
from monitoring.models import ExceptionState, MonitoringActivity, MonitoringException, MonitoringRun

EXCEPTIONS_PER_PAGE = 50


def _by_activity(run: MonitoringRun) -> MonitoringActivity:
    return run.activity


def _visible_runs(user):
    return selectors.runs_for(user).select_related("activity__organization", "performed_by")


@login_view
def monitoring_list(request):
    day = timezone.localdate()
    rows = selectors.activity_rows(selectors.activities_for(request.user), day=day)
    exceptions = (
        selectors.exceptions_for(request.user)
        .select_related("organization", "owner_unit", "run__activity")
        .order_by("state", "due_on", "pk")
    )
    page = Paginator(exceptions, EXCEPTIONS_PER_PAGE).get_page(request.GET.get("page"))
    plans = visible_to(request.user, Organization.objects.all(), "author_plan").exists()
    return render(
        request,
        "monitoring/list.html",
        {"rows": rows, "page": page, "today": day, "can_plan": plans},
    )


@require_http_methods(["GET", "POST"])
@scope_view(model=Organization, perm="author_plan")
def activity_create(request, scope):
    organization = pick_organization(request, scope)
    form = ActivityForm(request.POST or None, organization=organization)
    made = []

    def create(data):
        made.append(
            services.monitoring_activity_create(
                organization=organization,
                code=data["code"],
                title=data["title"],
                subject=data["subject"],
                control=data["control"],
                systems=list(data["systems"]),
                measures=data["measures"],
                established_by=data["established_by"],
                unit=data["unit"],
                frequency=data["frequency"],
                starts=data["starts"],
                ends_on=data["ends_on"],
                sample=data["sample"],
                method=data["method"],
                note=data["note"],
                actor=request.user,
                reason=data["reason"],
            )
        )

    if request.method == "POST" and save_form(form, create):
        messages.success(request, _("The monitoring activity was planned."))
        return redirect("monitoring-detail", made[0].pk)
    return form_page(
        request,
        title=_("New monitoring activity — %(org)s") % {"org": organization},
        form=form,
        cancel=reverse("monitoring-list"),
        organizations=scope.order_by("code") if scope.count() > 1 else None,
        organization=organization,
    )


@require_http_methods(["GET", "POST"])
@object_view(model=MonitoringActivity, perm="change")
def activity_edit(request, activity):
    form = ActivityForm(
        request.POST or None,
        organization=activity.organization,
        initial=ActivityForm.initial_for(activity),
        editing=True,
    )

    def update(data):
        fields = {k: data[k] for k in services.ACTIVITY_FIELDS}
        services.monitoring_activity_update(
            activity=activity,
            measures=data["measures"],
            systems=list(data["systems"]),
            actor=request.user,
            reason=data["reason"],
            **fields,
        )

    return form_view(
        request,
        form,
        update,
        done=_("The monitoring activity was changed."),
        then=reverse("monitoring-detail", args=[activity.pk]),
        title=_("Edit monitoring activity %(code)s") % {"code": activity.code},
        cancel=reverse("monitoring-detail", args=[activity.pk]),
    )


@object_view(model=MonitoringActivity, perm="view", audit=AuditEvent.Action.VIEWED)
def activity_detail(request, activity):
    day = timezone.localdate()
    (row,) = selectors.activity_rows(MonitoringActivity.objects.filter(pk=activity.pk), day=day)
    runs = activity.runs.select_related("performed_by").annotate(n_exceptions=Count("exceptions"))
    held = perms_on(request.user, activity)
    return render(
        request,
        "monitoring/activity.html",
        {
            "activity": activity,
            "row": row,
            "runs": runs,
            "measures": activity.measures.order_by("code"),
            "systems": activity.systems.order_by("code"),
            "can_edit": "change_monitoringactivity" in held,
            "can_run": "record_run" in held and activity.archived_at is None,
        },
    )


def _open_periods(activity: MonitoringActivity, day):
    (row,) = selectors.activity_rows(MonitoringActivity.objects.filter(pk=activity.pk), day=day)
    current = row.standing.current
    return [
        *row.standing.missed,
        *([current] if current and current.start not in row.covered else []),
    ]


@require_http_methods(["GET", "POST"])
@object_view(model=MonitoringActivity, perm="record_run")
def run_create(request, activity):
    form = RunForm(
        request.POST or None,
        request.FILES or None,
        periods=_open_periods(activity, timezone.localdate()),
    )
    made = []

    def record(data):
        made.append(
            services.monitoring_run_record(
                activity=activity,
                period_start=data["period_start"],
                performed_on=data["performed_on"],
                scope=data["scope"],
                result=data["result"],
                evidence=data["evidence"],
                uploaded=data["file"],
                actor=request.user,
            )
        )

    if request.method == "POST" and save_form(form, record):
        messages.success(request, _("The run was recorded."))
        return redirect("monitoring-run", made[0].pk)
    return form_page(
        request,
        title=_("Record a run of %(code)s") % {"code": activity.code},
        form=form,
        cancel=reverse("monitoring-detail", args=[activity.pk]),
        multipart=True,
    )


def _run_page(request, run, *, exception_form=None, status=200):
    held = perms_on(request.user, run.activity)
    can_raise = "record_run" in held and run.result == "exceptions"
    if can_raise and exception_form is None:
        exception_form = ExceptionForm(organization=run.activity.organization)
    return render(
        request,
        "monitoring/run.html",
        {
            "run": run,
            "activity": run.activity,
            "exceptions": run.exceptions.select_related("owner_unit").order_by("number"),
            "exception_form": exception_form if can_raise else None,
        },
        status=status,
    )


@object_view(
    model=MonitoringRun,
    queryset=_visible_runs,
    guard=_by_activity,
    perm="view_monitoringactivity",
    audit=AuditEvent.Action.VIEWED,
)
def run_detail(request, run):
    return _run_page(request, run)


@require_POST
@object_view(model=MonitoringRun, queryset=_visible_runs, guard=_by_activity, perm="record_run")
def exception_raise(request, run):
    form = ExceptionForm(request.POST, organization=run.activity.organization)
    made = []
    if save_form(
        form,
        lambda data: made.append(
            services.monitoring_exception_raise(run=run, actor=request.user, **data)
        ),
    ):
        messages.success(
            request, _("The exception %(label)s was raised.") % {"label": made[0].label}
        )
        return redirect("monitoring-exception", made[0].pk)
    messages.error(request, _("Nothing was saved; see the messages next to the fields."))
    return _run_page(request, run, exception_form=form)


@object_view(
    model=MonitoringRun,
    queryset=_visible_runs,
    guard=_by_activity,
    perm="view_monitoringactivity",
    audit=AuditEvent.Action.DOWNLOADED,
)
def run_file(request, run):
    if not run.file:
        raise Http404
    return checked_file_response(
        request,
        obj=run,
        stored=run.file,
        sha256=run.sha256,
        filename=run.original_name or "evidence",
        content_type=run.content_type or "application/octet-stream",
    )


# -- exceptions -------------------------------------------------------------------------------
def _exception_page(request, exception, *, forms=None, status=200):
    held = perms_on(request.user, exception)
    open_ = exception.state != ExceptionState.CLOSED
    org = exception.organization
    forms = forms or {}
    context = {
        "exception": exception,
        "run": exception.run,
        "measures": exception.measures.order_by("code"),
        "response_form": (
            forms.get("response") or ResponseForm(organization=org)
            if open_ and "respond_exception" in held
            else None
        ),
        "link_form": (
            forms.get("link") or LinkMeasuresForm(organization=org)
            if open_ and "change_monitoringexception" in held
            else None
        ),
        "new_measure_form": (
            forms.get("new_measure") or NewMeasureForm()
            if open_ and "change_monitoringexception" in held
            else None
        ),
        "close_form": (
            forms.get("close") or CloseForm(initial={"closed_on": timezone.localdate().isoformat()})
            if exception.state == ExceptionState.ANSWERED and "close_exception" in held
            else None
        ),
    }
    return render(request, "monitoring/exception.html", context, status=status)


@object_view(model=MonitoringException, perm="view", audit=AuditEvent.Action.VIEWED)
def exception_detail(request, exception):
    return _exception_page(request, exception)


def _exception_post(request, exception, *, key, form, call, done):
    if save_form(form, call):
        messages.success(request, done)
        return redirect("monitoring-exception", exception.pk)
    messages.error(request, _("Nothing was saved; see the messages next to the fields."))
    return _exception_page(request, exception, forms={key: form})


@require_POST
@object_view(model=MonitoringException, perm="respond_exception")
def exception_respond(request, exception):
    return _exception_post(
        request,
        exception,
        key="response",
        form=ResponseForm(request.POST, organization=exception.organization),
        call=lambda data: services.monitoring_exception_respond(
            exception=exception,
            response=data["response"],
            measures=data["measures"],
            actor=request.user,
        ),
        done=_("The response was recorded."),
    )


@require_POST
@object_view(model=MonitoringException, perm="change")
def exception_link(request, exception):
    return _exception_post(
        request,
        exception,
        key="link",
        form=LinkMeasuresForm(request.POST, organization=exception.organization),
        call=lambda data: services.monitoring_exception_link_measures(
            exception=exception, measures=data["measures"], actor=request.user
        ),
        done=_("The countermeasures were linked."),
    )


@require_POST
@object_view(model=MonitoringException, perm="change")
def exception_new_measure(request, exception):
    return _exception_post(
        request,
        exception,
        key="new_measure",
        form=NewMeasureForm(request.POST),
        call=lambda data: services.monitoring_exception_answer_with_new_measure(
            exception=exception, actor=request.user, **data
        ),
        done=_("The new countermeasure was added and linked."),
    )


@require_POST
@object_view(model=MonitoringException, perm="close_exception")
def exception_close(request, exception):
    return _exception_post(
        request,
        exception,
        key="close",
        form=CloseForm(request.POST),
        call=lambda data: services.monitoring_exception_close(
            exception=exception, closed_on=data["closed_on"], note=data["note"], actor=request.user
        ),
        done=_("The exception was closed."),
    )
