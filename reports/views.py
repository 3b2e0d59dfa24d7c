"""Committee progress reports: the list per committee, the generate form, the status while
rendering, and the downloads (logged in the audit trail)."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.forms import apply_service_errors
from core.ui import as_of as requested_as_of
from governance.decorators import login_view, object_view
from governance.downloads import checked_file_response
from governance.models import AuditEvent, Committee
from governance.permissions import visible_to
from reports.forms import ReportRequestForm
from reports.models import Report
from reports.services import report_request

logger = logging.getLogger(__name__)


def _reports(user, committee):
    return visible_to(user, Report.objects.filter(committee=committee))


def _list_page(request, committee, form=None, status=200):
    reports = _reports(request.user, committee)
    may_request = request.user.has_perm("governance.request_report", committee)
    if may_request and form is None:
        latest = reports.filter(state=Report.State.DONE).order_by("-as_of", "-requested_at").first()
        form = ReportRequestForm(
            committee=committee,
            reports=reports,
            initial={"as_of": timezone.localdate(), "previous": latest},
        )
    return render(
        request,
        "reports/list.html",
        {
            "committee": committee,
            "reports": reports.select_related("requested_by", "previous", "meeting").order_by(
                "-requested_at"
            ),
            "form": form if may_request else None,
        },
        status=status,
    )


@require_GET
@object_view(model=Committee)
def committee_reports(request, committee):
    return _list_page(request, committee)


@require_POST
@object_view(model=Committee, perm="request_report")
def report_create(request, committee):
    reports = _reports(request.user, committee)
    form = ReportRequestForm(request.POST, committee=committee, reports=reports)
    if form.is_valid():
        try:
            report = report_request(
                committee=committee,
                as_of=form.cleaned_data["as_of"],
                previous=form.cleaned_data["previous"],
                meeting=form.cleaned_data["meeting"],
                actor=request.user,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The report was queued; this page shows when it is ready."))
            return redirect("report-detail", report.pk)
    messages.error(request, _("Nothing was saved; see the messages next to the fields."))
    return _list_page(request, committee, form=form)


@require_GET
@object_view(model=Report)  # polled while rendering: the downloads are what the audit logs
def report_detail(request, report):
    polled = request.headers.get("HX-Request")
    template = "reports/_status.html" if polled else "reports/detail.html"
    committee = report.committee
    since = report.started_at or report.requested_at
    timeout = dt.timedelta(minutes=settings.THREELINES_REPORT_RENDER_TIMEOUT_MINUTES)
    return render(
        request,
        template,
        {
            "report": report,
            "committee": committee,
            # Whoever may ask for a report sees why one failed; the others a plain message.
            "can_request": request.user.has_perm("governance.request_report", committee),
            # Past the render timeout the page stops polling; the sweep takes it from there.
            "stale": report.is_pending and timezone.now() - since > timeout,
        },
    )


def _finished(user):
    return visible_to(user, Report.objects.filter(state=Report.State.DONE))


def _serve(request, report: Report, field: str, content_type: str, suffix: str) -> HttpResponse:
    """The stored file, if it still has the SHA-256 recorded when it was rendered."""
    stored = getattr(report, field)
    if not stored:
        raise Http404
    return checked_file_response(
        request,
        obj=report,
        stored=stored,
        sha256=report.sha256 if field == "file" else report.tables_sha256,
        filename=f"{report.committee.code}-{report.as_of:%Y%m%d}-{report.pk}{suffix}",
        content_type=content_type,
    )


@require_GET
@object_view(model=Report, queryset=_finished, audit=AuditEvent.Action.DOWNLOADED)
def report_download(request, report):
    return _serve(request, report, "file", "application/pdf", ".pdf")


@require_GET
@object_view(model=Report, queryset=_finished, audit=AuditEvent.Action.DOWNLOADED)
def report_tables(request, report):
    return _serve(
        request,
        report,
        "tables",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".xlsx",
    )


@require_GET
@login_view
def lines_panel(request):
    """The second and third lines on the dashboard's date: monitoring coverage, internal
    audit's open findings, the registry's exposures. Loaded after the dashboard (its own
    request, so that neither passes the page budget); a page of its own without script."""
    as_of = requested_as_of(request)
    template = "reports/_lines_panel.html"
    if not request.headers.get("HX-Request"):
        template = "reports/lines.html"
    return render(request, template, {"as_of": as_of})
