"""The countermeasure list (filters, order, pages, as of a date) and its .xlsx export."""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.spreadsheets import sheet_append
from core.ui import as_of as requested_as_of
from core.ui import as_of_given_and_invalid
from governance.audit import audit_record
from governance.decorators import login_view
from governance.models import AuditEvent, Organization, OrgUnit
from governance.permissions import visible_to
from incidents.models import Incident, RootCause
from measures.forms import (
    MeasureFilterForm,
)
from measures.models import Perspective
from measures.selectors import (
    measure_ids_by_state,
    measure_page_ids,
    measure_rows,
    page_states,
    paged_in_database,
)

PAGE_SIZE = 50


# -- list -------------------------------------------------------------------------------------
def _filter_form(request) -> MeasureFilterForm:
    user = request.user
    orgs = visible_to(user, Organization.objects.filter(archived_at__isnull=True))
    return MeasureFilterForm(
        request.GET or None,
        choices={
            "organization": orgs,
            "perspective": Perspective.objects.filter(organization__in=orgs).select_related(
                "organization"
            ),
            "root_cause": visible_to(user, RootCause.objects.all()).select_related("organization"),
            "incident": visible_to(user, Incident.objects.all()),
            "owner_unit": OrgUnit.objects.filter(organization__in=orgs, line="first")
            .select_related("organization")
            .order_by("organization__code", "path"),
        },
    )


def list_request(request):
    """(form, as_of, filters, sort, valid) of a list or export request."""
    form = _filter_form(request)
    as_of = requested_as_of(request)
    filters, sort = {}, "plan"
    if form.is_bound and form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v not in (None, "", False)}
        sort = filters.pop("sort", "plan")
    return form, as_of, filters, sort, not form.is_bound or form.is_valid()


def _rows_for(request):
    form, as_of, filters, sort, valid = list_request(request)
    if not valid:
        return form, as_of, []
    rows = measure_rows(
        user=request.user, as_of=as_of, filters=filters, sort=sort, with_root_causes=True
    )
    return form, as_of, rows


def _list_page(request):
    """(form, as_of, page, total). Only the page's measures get their phrase: when neither
    the filters nor the order depend on the state, the page is cut in the database;
    otherwise every visible measure's status (not its phrase) is read to filter and sort
    them, then the page is cut. The list stays fast with thousands of measures."""
    form, as_of, filters, sort, valid = list_request(request)
    if not valid:
        return form, as_of, Paginator([], PAGE_SIZE).get_page(1), 0
    if paged_in_database(filters, sort):
        ids = measure_page_ids(user=request.user, filters=filters, sort=sort)
    else:
        ids = measure_ids_by_state(user=request.user, as_of=as_of, filters=filters, sort=sort)
    page = Paginator(ids, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = page_states(user=request.user, as_of=as_of, ids=list(page.object_list))
    return form, as_of, page, page.paginator.count


@require_GET
@login_view
def measure_list(request):
    form, as_of, page, total = _list_page(request)
    context = {"form": form, "page": page, "as_of": as_of, "total": total}
    # htmx asks for the results only; its history restore (a cache miss) needs the page.
    partial = request.headers.get("HX-Request") and not request.headers.get(
        "HX-History-Restore-Request"
    )
    template = "measures/_list_results.html" if partial else "measures/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


XLSX_HEADER = [
    "code",
    "organization",
    "perspective",
    "measure",
    "root causes",
    "owner unit",
    "nature",
    "planned start",
    "due",
    "status",
    "implementation status",
    "overdue",
]


@require_GET
@login_view
def measure_export(request):
    """The filtered list as .xlsx (all pages), in the columns of the list."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    if as_of_given_and_invalid(request):
        # Not today's data under a date that was asked for and is not one.
        query = request.GET.copy()
        query.pop("as_of")
        messages.error(
            request,
            _("%(value)s is not a date (YYYY-MM-DD); nothing was exported.")
            % {"value": request.GET["as_of"]},
        )
        return redirect(f"{reverse('measure-list')}?{query.urlencode()}")
    form, as_of, rows = _rows_for(request)
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Correct the filters before exporting."))
        return redirect(f"{reverse('measure-list')}?{request.GET.urlencode()}")
    book = Workbook()
    sheet = book.active
    sheet.title = _("Countermeasures")[:31]
    sheet_append(sheet, [_("As of"), as_of.isoformat()])
    sheet_append(sheet, [str(label) for label in XLSX_HEADER])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for state in rows:
        m = state.measure
        sheet_append(
            sheet,
            [
                m.code,
                str(m.organization),
                m.perspective.name if m.perspective else "",
                f"{m.label}{m.title}",
                "、".join(rc.label for rc in m.root_causes.all()),
                m.owner_unit.name if m.owner_unit else m.owner_label,
                m.get_nature_display(),
                m.planned_start.ja() if m.planned_start else "",
                m.due.ja() if m.due else "",
                str(state.status_label),
                state.phrase,
                _("yes") if state.is_overdue else "",
            ],
        )
    sheet.freeze_panes = "A3"
    for column, width in zip(
        "ABCDEFGHIJKL", (12, 16, 18, 60, 14, 18, 8, 14, 14, 14, 40, 8), strict=True
    ):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=3):
        row[3].alignment = Alignment(wrap_text=True, vertical="top")
    stream = io.BytesIO()
    book.save(stream)
    _audit_export(request, rows, as_of, form)
    response = HttpResponse(
        stream.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="countermeasures-{as_of:%Y%m%d}.xlsx"'
    return response


def _audit_export(request, rows, as_of, form) -> None:
    """One audit event per organization whose rows were exported, so that each company's
    second line and auditors see it; the filters are logged as cleaned values."""
    filters = {
        name: str(value)
        for name, value in (form.cleaned_data.items() if form.is_bound else [])
        if value not in (None, "", False)
    }
    counts: dict[int, int] = {}
    for state in rows:
        counts[state.measure.organization_id] = counts.get(state.measure.organization_id, 0) + 1
    for org_id, count in sorted(counts.items()) or [(None, 0)]:
        audit_record(
            action=AuditEvent.Action.EXPORTED,
            request=request,
            organization_id=org_id,
            object_type="measures.Countermeasure",
            details={"rows": count, "as_of": as_of.isoformat(), "filters": filters},
        )
