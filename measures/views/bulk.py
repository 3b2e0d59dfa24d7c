"""Recording the status of many measures at once: the list's filters choose the rows, each
row is validated as the measure's own form is, and nothing is saved unless every row is."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.forms import apply_service_errors
from governance.decorators import login_view
from governance.permissions import granted_pks
from measures import services
from measures.forms import StatusForm
from measures.models import Countermeasure
from measures.selectors import measure_ids_by_state, page_states
from measures.views.lists import list_request

# Rows on one page: the filters narrow a large plan down to what is recorded together.
BULK_ROWS = 50


class _Rollback(Exception):
    """Undo every row of the batch when one of them is refused."""


class BulkRowForm(StatusForm):
    """One row: the measure's status form, where a row left without a status is skipped."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].required = False
        self.fields["effective_on"].required = False
        self.fields.pop("occurrence_count", None)
        self.fields["note"].widget = forms.TextInput()

    def clean(self):
        data = super().clean()
        if (
            data.get("status")
            and not data.get("effective_on")
            and "effective_on" not in (self.errors)
        ):
            self.add_error("effective_on", _("Give the date it was carried out."))
        return data

    @property
    def chosen(self) -> bool:
        return bool(self.cleaned_data.get("status"))


def _recordable(request) -> tuple[object, list[int]]:
    """(filter form, ids of the leaf measures the person may record that pass the list's
    filters, today's states), at most ``BULK_ROWS``."""
    form, _as_of, filters, sort, _valid = list_request(request)
    today = timezone.localdate()
    ids = measure_ids_by_state(user=request.user, as_of=today, filters=filters, sort=sort)
    mine = granted_pks(request.user, Countermeasure, "record_status")
    parents = set(
        Countermeasure.objects.filter(parent_id__in=ids, archived_at__isnull=True).values_list(
            "parent_id", flat=True
        )
    )
    return form, [pk for pk in ids if (mine is None or pk in mine) and pk not in parents]


@require_http_methods(["GET", "POST"])
@login_view
def measure_bulk_status(request):
    filter_form, ids = _recordable(request)
    total = len(ids)
    today = timezone.localdate()
    # The form offers what the first line records; a re-plan, hold or cancellation posted
    # anyway is refused by the service for whoever may only propose it.
    controlled = not request.user.is_superuser
    if request.method == "POST":
        posted = [int(pk) for pk in request.POST.getlist("measure") if pk.isdigit()]
        if not set(posted) <= set(ids):
            raise Http404  # a row outside what this person may record here
        ids = posted
    else:
        ids = ids[:BULK_ROWS]
    states = page_states(user=request.user, as_of=today, ids=ids)
    rows = [
        (
            state,
            BulkRowForm(
                request.POST or None,
                prefix=f"m{state.measure.pk}",
                controlled=controlled and request.method == "GET",
            ),
        )
        for state in states
    ]
    results: dict[int, str] = {}
    if request.method == "POST":
        valid = all(form.is_valid() for _state, form in rows)
        chosen = [(s, f) for s, f in rows if valid and f.chosen]
        if valid and not chosen:
            messages.error(request, _("Choose a status on at least one row."))
        if chosen:
            try:
                with transaction.atomic():
                    refused = False
                    for state, form in chosen:
                        try:
                            with transaction.atomic():
                                services.countermeasure_record_status(
                                    measure=state.measure,
                                    status=form.cleaned_data["status"],
                                    effective_on=form.cleaned_data["effective_on"],
                                    planned_for=form.cleaned_data.get("planned_for"),
                                    note=form.cleaned_data["note"],
                                    actor=request.user,
                                )
                        except ValidationError as exc:
                            apply_service_errors(form, exc)
                            refused = True
                    if refused:
                        raise _Rollback
            except _Rollback:
                pass
            else:
                for state, _form in chosen:
                    results[state.measure.pk] = "recorded"
                messages.success(
                    request,
                    _("%(n)d statuses were recorded.") % {"n": len(chosen)},
                )
                states = page_states(user=request.user, as_of=today, ids=ids)
                rows = [
                    (state, BulkRowForm(prefix=f"m{state.measure.pk}", controlled=controlled))
                    for state in states
                ]
        if not valid or (chosen and not results):
            messages.error(
                request,
                _("Nothing was saved: every row must be accepted; see the messages in the rows."),
            )
    return render(
        request,
        "measures/bulk_status.html",
        {
            "filter_form": filter_form,
            "rows": rows,
            "results": results,
            "total": total,
            "limit": BULK_ROWS,
            "query": request.GET.urlencode(),
        },
    )
