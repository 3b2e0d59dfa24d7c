"""Recording the status of many measures at once: the list's filters choose the rows, each
row is validated as the measure's own form is, and nothing is saved unless every row is."""

from __future__ import annotations

from typing import NamedTuple

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.forms import apply_service_errors
from governance.decorators import log_denied, login_view
from governance.permissions import granted_pks, visible_to
from measures import services
from measures.forms import StatusForm
from measures.models import Countermeasure
from measures.selectors import (
    measure_ids_by_state,
    page_states,
    paged_in_database,
    recordable_page_ids,
)
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


def _recordable(request, *, limit: int) -> tuple[object, list[int], bool]:
    """(filter form, ids of up to ``limit`` leaf measures the person may record that pass
    the list's filters, whether there are more). Cut in the database unless a filter needs
    today's states (status, overdue)."""
    form, _as_of, filters, sort, _valid = list_request(request)
    if paged_in_database(filters, sort):
        ids = list(recordable_page_ids(user=request.user, filters=filters, sort=sort)[: limit + 1])
    else:
        today = timezone.localdate()
        every = measure_ids_by_state(user=request.user, as_of=today, filters=filters, sort=sort)
        mine = granted_pks(request.user, Countermeasure, "record_status")
        parents = set(
            Countermeasure.objects.filter(
                parent_id__in=every, archived_at__isnull=True
            ).values_list("parent_id", flat=True)
        )
        ids = [pk for pk in every if (mine is None or pk in mine) and pk not in parents]
    return form, ids[:limit], len(ids) > limit


@require_http_methods(["GET", "POST"])
@login_view
def measure_bulk_status(request):
    today = timezone.localdate()
    # The form offers what the first line records; a re-plan, hold or cancellation posted
    # anyway is refused by the service for whoever may only propose it.
    controlled = not request.user.is_superuser
    if request.method == "POST":
        filter_form = list_request(request)[0]
        ids = list(dict.fromkeys(int(pk) for pk in request.POST.getlist("measure") if pk.isdigit()))
        recordable = visible_to(
            request.user,
            Countermeasure.objects.filter(pk__in=ids, archived_at__isnull=True),
            "record_status",
        )
        if len(ids) > BULK_ROWS:
            return HttpResponseBadRequest(
                _("At most %(n)d rows are recorded at once.") % {"n": BULK_ROWS}
            )
        if recordable.count() != len(ids):
            # A row outside what this person may record: refused, and logged.
            log_denied(request, model=Countermeasure, key=",".join(map(str, ids)), status=404)
            raise Http404
        more = False
    else:
        filter_form, ids, more = _recordable(request, limit=BULK_ROWS)
    states = page_states(user=request.user, as_of=today, ids=ids)
    forms = {
        state.measure.pk: BulkRowForm(request.POST, prefix=f"m{state.measure.pk}")
        for state in states
        if request.method == "POST"
    }
    recorded: set[int] = set()
    if request.method == "POST":
        valid = all(form.is_valid() for form in forms.values())
        chosen = [s for s in states if valid and forms[s.measure.pk].chosen]
        if valid and not chosen:
            messages.error(request, _("Choose a status on at least one row."))
        if chosen and _record(chosen, forms, actor=request.user):
            recorded = {s.measure.pk for s in chosen}
            messages.success(request, _("%(n)d statuses were recorded.") % {"n": len(chosen)})
            states = page_states(user=request.user, as_of=today, ids=ids)
            forms = {}
        if not valid or (chosen and not recorded):
            messages.error(
                request,
                _("Nothing was saved: every row must be accepted; see the messages in the rows."),
            )
    blank = BulkRowForm(controlled=controlled)
    return render(
        request,
        "measures/bulk_status.html",
        {
            "filter_form": filter_form,
            "rows": [BulkRow(s, forms.get(s.measure.pk), s.measure.pk in recorded) for s in states],
            "status_choices": blank.fields["status"].choices,
            "offers_planned_for": "planned_for" in blank.fields,
            "more": more,
            "limit": BULK_ROWS,
            "query": request.GET.urlencode(),
        },
    )


def _record(chosen, forms, *, actor) -> bool:
    """Record every chosen row in one transaction; if one is refused, its form says why and
    nothing is kept."""
    try:
        with transaction.atomic():
            refused = False
            for state in chosen:
                form = forms[state.measure.pk]
                try:
                    with transaction.atomic():
                        services.countermeasure_record_status(
                            measure=state.measure,
                            status=form.cleaned_data["status"],
                            effective_on=form.cleaned_data["effective_on"],
                            planned_for=form.cleaned_data.get("planned_for"),
                            note=form.cleaned_data["note"],
                            actor=actor,
                        )
                except ValidationError as exc:
                    apply_service_errors(form, exc)
                    refused = True
            if refused:
                raise _Rollback
    except _Rollback:
        return False
    return True


class BulkRow(NamedTuple):
    """One row of the page: the measure's state, its posted form (None on a fresh page:
    fifty forms and their widgets' templates took over 100 ms to render, so the page writes
    the inputs itself) and whether it was recorded."""

    state: object
    form: BulkRowForm | None
    recorded: bool

    def _value(self, name: str) -> str:
        if self.form is None or self.recorded or name not in self.form.fields:
            return ""
        value = self.form[name].value()
        return "" if value is None else str(value)

    @property
    def values(self) -> dict[str, str]:
        return {
            name: self._value(name) for name in ("status", "effective_on", "planned_for", "note")
        }

    @property
    def errors(self) -> dict:
        return self.form.errors if self.form is not None else {}

    @property
    def non_field_errors(self):
        return self.form.non_field_errors() if self.form is not None else ""
