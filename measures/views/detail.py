"""One countermeasure: its state as of a date, timeline, history, evidence, comments, and the
forms that record progress, verify, reopen, comment and attach evidence."""

from __future__ import annotations

import itertools

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.forms import apply_service_errors
from core.ui import as_of as requested_as_of
from governance.decorators import object_view
from governance.models import AuditEvent
from governance.permissions import perms_on, seen_through_share_only
from measures import services
from measures.asof import measure_states_as_of
from measures.forms import (
    CommentForm,
    EvidenceForm,
    ReopenForm,
    StatusForm,
    VerificationForm,
)
from measures.models import ChangeRequest, Countermeasure
from measures.plan_forms import ChangeRequestForm, DecisionForm, ReflectionForm
from measures.selectors import (
    measures_visible_on_row,
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
    # A record shared with another company shows that company the measure and its status,
    # not its internal discussion: no comments, evidence, history or names.
    internal = not seen_through_share_only(request.user, measure, today=timezone.localdate())
    history = (
        list(measure.history.select_related("history_user").order_by("-history_date"))
        if internal
        else []
    )
    changes = _readable_changes(history)
    held = perms_on(request.user, measure)
    can = {
        "record": "record_status" in held,
        # Auditors hold the verdict only on measures marked for the third line; the second
        # line on the others (the service checks the same).
        "verify": "verify_effectiveness" in held
        and measure.third_line_verifies == ("reopen_countermeasure" not in held),
        "reopen": "reopen_countermeasure" in held,
        "comment": "comment_countermeasure" in held,
        "plan": "plan_countermeasure" in held,
        "request_change": "request_change" in held and "plan_countermeasure" not in held,
    }
    change_requests = (
        list(
            measure.change_requests.select_related("requested_by", "decided_by").order_by(
                "-requested_at"
            )[:20]
        )
        if internal
        else []
    )
    pending = next((c for c in change_requests if c.state == ChangeRequest.State.PENDING), None)
    return {
        "measure": measure,
        "state": state,
        "sub_states": sub_states,
        "events": events,
        "changes": changes,
        "internal": internal,
        "evidence": measure.evidence.filter(archived_at__isnull=True).select_related(
            "uploaded_by", "status_event"
        )
        if internal
        else [],
        "comments": measure.comments.filter(archived_at__isnull=True).select_related("author")
        if internal
        else [],
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
        "change_requests": change_requests,
        "pending_change": pending,
        "change_form": forms.get("change_form") or ChangeRequestForm(prefix="change"),
        "decide_form": forms.get("decide_form") or DecisionForm(prefix="decide"),
        "reflect_form": (
            forms.get("reflect_form") or ReflectionForm(organization=measure.organization)
            if can["plan"]
            else None
        ),
        "status_form": forms.get("status_form")
        or StatusForm(prefix="status", controlled=not can["plan"]),
        "verify_form": forms.get("verify_form") or VerificationForm(prefix="verify"),
        "reopen_form": forms.get("reopen_form") or ReopenForm(prefix="reopen"),
        "comment_form": forms.get("comment_form") or CommentForm(),
        "evidence_form": forms.get("evidence_form") or EvidenceForm(measure=measure),
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


def render_detail(request, measure, **forms):
    """The page again, with the errors next to the fields; nothing was written (htmx
    swaps in only the status panel)."""
    messages.error(request, _("Nothing was saved; see the messages next to the fields."))
    return render(request, "measures/detail.html", _detail_context(request, measure, **forms))


_form_failed = render_detail


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
        EvidenceForm(request.POST, request.FILES, measure=measure),
        "evidence_form",
        _("The evidence was attached."),
        lambda data: services.evidence_attach(
            measure=measure,
            uploaded=data["file"],
            title=data["title"],
            status_event=data["status_event"],
            actor=request.user,
        ),
    )
