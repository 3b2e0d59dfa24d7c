"""The compliance officers' pages: dashboard, countermeasure list and detail, and the forms
that record progress. Every view declares its access through governance.decorators."""

from __future__ import annotations

import datetime as dt
import io
import itertools

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.forms import apply_service_errors
from core.ui import as_of as requested_as_of
from governance.audit import audit_record, spreadsheet_safe
from governance.decorators import login_view, object_view
from governance.models import AuditEvent, Committee, Meeting, Organization, OrgUnit
from governance.permissions import granted_pks, perms_on, visible_to
from incidents.models import Incident, RootCause
from measures import charts, services
from measures.asof import measure_facts_as_of, measure_states_as_of
from measures.forms import (
    CommentForm,
    EvidenceForm,
    MeasureFilterForm,
    ReopenForm,
    StatusForm,
    VerificationForm,
)
from measures.models import Countermeasure, Perspective
from measures.selectors import (
    due_soon,
    effectiveness_check_due,
    measure_ids_by_state,
    measure_page_ids,
    measure_rows,
    measures_visible_on_row,
    measures_visible_to,
    page_states,
    paged_in_database,
    start_passed,
    status_counts,
)
from measures.statuses import Status, due_soon_days
from measures.trend import open_counts_by_month

PAGE_SIZE = 50


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
    tasks = [
        s
        for s in {id(s): s for s in overdue + starts + checks + upcoming}.values()
        if mine is None or s.measure.pk in mine
    ]
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
    return render(
        request,
        "measures/dashboard.html",
        {
            "as_of": as_of,
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


def _list_request(request):
    """(form, as_of, filters, sort, valid) of a list or export request."""
    form = _filter_form(request)
    as_of = requested_as_of(request)
    filters, sort = {}, "plan"
    if form.is_bound and form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v not in (None, "", False)}
        sort = filters.pop("sort", "plan")
    return form, as_of, filters, sort, not form.is_bound or form.is_valid()


def _rows_for(request):
    form, as_of, filters, sort, valid = _list_request(request)
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
    form, as_of, filters, sort, valid = _list_request(request)
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

    form, as_of, rows = _rows_for(request)
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Correct the filters before exporting."))
        return redirect(f"{reverse('measure-list')}?{request.GET.urlencode()}")
    book = Workbook()
    sheet = book.active
    sheet.title = _("Countermeasures")[:31]
    sheet.append([_("As of"), as_of.isoformat()])
    sheet.append([str(label) for label in XLSX_HEADER])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for state in rows:
        m = state.measure
        sheet.append(
            [
                m.code,
                str(m.organization),
                m.perspective.name if m.perspective else "",
                spreadsheet_safe(f"{m.label}{m.title}"),
                "、".join(rc.label for rc in m.root_causes.all()),
                spreadsheet_safe(m.owner_unit.name if m.owner_unit else m.owner_label),
                m.get_nature_display(),
                m.planned_start.ja() if m.planned_start else "",
                m.due.ja() if m.due else "",
                str(state.status_label),
                spreadsheet_safe(state.phrase),
                _("yes") if state.is_overdue else "",
            ]
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


# -- detail -----------------------------------------------------------------------------------
def _detail_context(request, measure, **forms) -> dict:
    as_of = requested_as_of(request)
    visible = measures_visible_on_row(request.user)  # one measure and its sub-items
    state = measure_states_as_of(
        as_of=as_of,
        measures=Countermeasure.objects.filter(pk=measure.pk),
        children_within=visible,
    )[0]
    sub_states = measure_states_as_of(
        as_of=as_of,
        measures=Countermeasure.objects.filter(visible, parent=measure),
        children_within=visible,
    )
    events = measure.events.select_related("recorded_by").order_by(
        "-effective_on_date", "-recorded_at"
    )
    history = list(measure.history.select_related("history_user").order_by("-history_date"))
    changes = _readable_changes(history)
    held = perms_on(request.user, measure)
    can = {
        "record": "record_status" in held,
        "verify": "verify_effectiveness" in held,
        "reopen": "reopen_countermeasure" in held,
        "comment": "comment_countermeasure" in held,
    }
    return {
        "measure": measure,
        "state": state,
        "sub_states": sub_states,
        "events": events,
        "changes": changes,
        "evidence": measure.evidence.filter(archived_at__isnull=True).select_related("uploaded_by"),
        "comments": measure.comments.filter(archived_at__isnull=True).select_related("author"),
        "escalations": measure.escalations.all(),
        "reflections": measure.reflections.filter(archived_at__isnull=True).select_related(
            "recommendation__committee", "recommendation__meeting"
        ),
        "coverage": measure.required_item_coverage.filter(archived_at__isnull=True).select_related(
            "required_item__action"
        ),
        "root_causes": measure.root_causes.all(),
        "can": can,
        "as_of": as_of,
        "status_form": forms.get("status_form") or StatusForm(prefix="status"),
        "verify_form": forms.get("verify_form") or VerificationForm(prefix="verify"),
        "reopen_form": forms.get("reopen_form") or ReopenForm(prefix="reopen"),
        "comment_form": forms.get("comment_form") or CommentForm(),
        "evidence_form": forms.get("evidence_form") or EvidenceForm(),
    }


def _readable_changes(history: list) -> list[tuple]:
    """(record, [(field label, old, new)] or None for the creation), newest first; foreign
    keys shown by name, fetched in one query per related model whatever the history length."""
    deltas = []
    for newer, older in itertools.pairwise(history):
        delta = newer.diff_against(older, excluded_fields=["root_causes", "incidents"])
        deltas.append((newer, [c for c in delta.changes if not c.field.endswith("_precision")]))
    names: dict[str, dict] = {}
    for field in ("owner_unit", "perspective", "parent"):
        ids = {
            v
            for _, changes in deltas
            for c in changes
            if c.field == field
            for v in (c.old, c.new)
            if v
        }
        related = Countermeasure._meta.get_field(field).related_model
        names[field] = {o.pk: str(o) for o in related.objects.filter(pk__in=ids)} if ids else {}
    readable = []
    for record, changes in deltas:
        rows = []
        for c in changes:
            label = Countermeasure._meta.get_field(c.field).verbose_name
            lookup = names.get(c.field)
            old = lookup.get(c.old, c.old) if lookup is not None else c.old
            new = lookup.get(c.new, c.new) if lookup is not None else c.new
            rows.append((label, old, new))
        readable.append((record, rows))
    if history:
        readable.append((history[-1], None))
    return readable


@require_GET
@object_view(model=Countermeasure, audit=AuditEvent.Action.VIEWED)
def measure_detail(request, measure):
    return render(request, "measures/detail.html", _detail_context(request, measure))


def _after_write(request, measure, ok: str):
    messages.success(request, ok)
    url = reverse("measure-detail", args=[measure.pk])
    if request.headers.get("HX-Request"):
        # The whole page changes (timeline, history): let htmx load it.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _form_failed(request, measure, **forms):
    """The page again, with the errors next to the fields; nothing was written (htmx
    swaps in only the status panel)."""
    messages.error(request, _("Nothing was saved; see the messages next to the fields."))
    return render(request, "measures/detail.html", _detail_context(request, measure, **forms))


def _write(request, measure, form, form_key: str, ok: str, call):
    """Validate ``form``, call the service with its data; a refusal goes next to the fields
    and nothing is saved. One shape for every form on the detail page."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return _after_write(request, measure, ok)
    return _form_failed(request, measure, **{form_key: form})


@require_POST
@object_view(model=Countermeasure, perm="record_status")
def measure_status_update(request, measure):
    return _write(
        request,
        measure,
        StatusForm(request.POST, prefix="status"),
        "status_form",
        _("The status was recorded."),
        lambda data: services.countermeasure_record_status(
            measure=measure, actor=request.user, **data
        ),
    )


@require_POST
@object_view(model=Countermeasure, perm="verify_effectiveness")
def measure_verify_effectiveness(request, measure):
    return _write(
        request,
        measure,
        VerificationForm(request.POST, prefix="verify"),
        "verify_form",
        _("The verification was recorded."),
        lambda data: services.countermeasure_verify_effectiveness(
            measure=measure, actor=request.user, **data
        ),
    )


@require_POST
@object_view(model=Countermeasure, perm="reopen_countermeasure")
def measure_reopen(request, measure):
    return _write(
        request,
        measure,
        ReopenForm(request.POST, prefix="reopen"),
        "reopen_form",
        _("The measure was reopened."),
        lambda data: services.countermeasure_reopen(measure=measure, actor=request.user, **data),
    )


@require_POST
@object_view(model=Countermeasure, perm="comment_countermeasure")
def measure_comment(request, measure):
    return _write(
        request,
        measure,
        CommentForm(request.POST),
        "comment_form",
        _("The comment was added."),
        lambda data: services.comment_add(measure=measure, body=data["body"], actor=request.user),
    )


@require_POST
@object_view(model=Countermeasure, perm="record_status")
def measure_evidence_upload(request, measure):
    return _write(
        request,
        measure,
        EvidenceForm(request.POST, request.FILES),
        "evidence_form",
        _("The evidence was attached."),
        lambda data: services.evidence_attach(
            measure=measure, uploaded=data["file"], title=data["title"], actor=request.user
        ),
    )
