"""JSON endpoints on one countermeasure, and evidence downloads. Every view declares its
access through governance.decorators; objects outside the user's scope answer 404."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from governance.decorators import object_view
from governance.downloads import checked_file_response
from governance.models import AuditEvent
from governance.permissions import user_organizations, visible_to
from measures import services
from measures.asof import measure_states_as_of
from measures.forms import AsOfForm, StatusForm, VerificationForm
from measures.models import Countermeasure, Evidence
from measures.selectors import measures_visible_on_row


def _errors(errors) -> JsonResponse:
    return JsonResponse({"errors": errors}, status=400)


def _state_json(measure: Countermeasure, as_of, user) -> dict:
    state = measure_states_as_of(
        as_of=as_of,
        measures=Countermeasure.objects.filter(pk=measure.pk),
        children_within=measures_visible_on_row(user),
    )[0]
    return {
        "id": measure.pk,
        "code": measure.code,
        "organization": measure.organization.code,
        "title": measure.title,
        "as_of": as_of.isoformat(),
        "status": state.status,
        "status_label": str(state.status_label),
        "phrase": state.phrase,
        "overdue": state.is_overdue,
    }


@require_GET
@object_view(model=Countermeasure, audit=AuditEvent.Action.VIEWED)
def measure_detail(request, measure):
    form = AsOfForm(request.GET)
    if not form.is_valid():
        return _errors(form.errors.get_json_data())
    as_of = form.cleaned_data["as_of"] or timezone.localdate()
    return JsonResponse(_state_json(measure, as_of, request.user))


@require_POST
@object_view(model=Countermeasure, perm="record_status")
def measure_record_status(request, measure):
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _errors(form.errors.get_json_data())
    try:
        services.countermeasure_record_status(
            measure=measure, actor=request.user, **form.cleaned_data
        )
    except ValidationError as exc:
        return _errors(_validation_json(exc))
    return JsonResponse(_state_json(measure, timezone.localdate(), request.user))


@require_POST
@object_view(model=Countermeasure, perm="verify_effectiveness")
def measure_verify(request, measure):
    form = VerificationForm(request.POST)
    if not form.is_valid():
        return _errors(form.errors.get_json_data())
    try:
        services.countermeasure_verify_effectiveness(
            measure=measure, actor=request.user, **form.cleaned_data
        )
    except ValidationError as exc:
        return _errors(_validation_json(exc))
    return JsonResponse(_state_json(measure, timezone.localdate(), request.user))


def _validation_json(exc: ValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {field: [{"message": m} for m in msgs] for field, msgs in exc.message_dict.items()}
    return {"__all__": [{"message": m} for m in exc.messages]}


def _visible_evidence(user):
    # Not through a share: a shared record carries its status, not its evidence.
    evidence = Evidence.objects.filter(
        measure__in=visible_to(user, Countermeasure.objects.all()), archived_at__isnull=True
    )
    if user.is_superuser:
        return evidence
    return evidence.filter(
        measure__organization__in=user_organizations(user, today=timezone.localdate())
    )


@require_GET
@object_view(
    model=Evidence,
    queryset=_visible_evidence,
    guard=lambda evidence: evidence.measure,
    perm="view",
    audit=AuditEvent.Action.DOWNLOADED,
)
def evidence_download(request, evidence):
    return checked_file_response(
        request,
        obj=evidence,
        stored=evidence.file,
        sha256=evidence.sha256,
        filename=evidence.original_name or evidence.sha256,
        content_type=evidence.content_type,
    )
