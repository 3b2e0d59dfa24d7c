from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.dates import PrecisionDate, parse_ja
from core.widgets import QuickSelect
from measures.models import Nature, Status


def apply_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """A service's refusal next to the fields it names (else above the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class PrecisionDateField(forms.CharField):
    """A date as the plan writes it: 2023年5月12日, 2023年5月, 2023年度上期, 2023-05-12."""

    default_error_messages = {
        "invalid": _("Write a date such as 2023年5月12日, 2023年5月, 2023年度上期 or 2023-05-12.")
    }

    def to_python(self, value) -> PrecisionDate | None:
        value = super().to_python(value)
        if not value:
            return None
        try:
            return parse_ja(value)
        except ValueError as exc:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc


class StatusForm(forms.Form):
    """``countermeasure_record_status``'s arguments: its fields are named as they are."""

    # No status chosen in advance (a blank first choice): what is recorded is what the
    # person picked, never the first entry left as it was.
    status = forms.ChoiceField(
        label=_("status"),
        choices=[
            ("", "---------"),
            *(
                (s.value, s.label)
                for s in Status
                if s not in (Status.VERIFIED, Status.NOT_EFFECTIVE, Status.REOPENED)
            ),
        ],
    )
    effective_on = PrecisionDateField(label=_("effective on"))
    planned_for = PrecisionDateField(label=_("planned for"), required=False)
    occurrence_count = forms.IntegerField(label=_("occurrences"), required=False, min_value=1)
    note = forms.CharField(label=_("note"), required=False, max_length=2000)


class VerificationForm(forms.Form):
    """``countermeasure_verify_effectiveness``'s arguments, named as they are."""

    # No verdict chosen in advance: "effective" is recorded only when picked.
    effective = forms.TypedChoiceField(
        label=_("verdict"),
        choices=[("", "---------"), ("yes", _("effective")), ("no", _("not effective"))],
        coerce=lambda v: v == "yes",
    )
    effective_on = PrecisionDateField(label=_("effective on"))
    note = forms.CharField(label=_("what was checked"), max_length=2000)


class AsOfForm(forms.Form):
    as_of = forms.DateField(label=_("as of"), required=False)


class MeasureFilterForm(forms.Form):
    """Filters of the countermeasure list; querysets are limited to what the person sees."""

    q = forms.CharField(label=_("text"), required=False, max_length=200)
    organization = forms.ModelChoiceField(
        label=_("organization"), queryset=None, required=False, widget=QuickSelect
    )
    perspective = forms.ModelChoiceField(
        label=_("perspective"), queryset=None, required=False, widget=QuickSelect
    )
    root_cause = forms.ModelChoiceField(
        label=_("root cause"), queryset=None, required=False, widget=QuickSelect
    )
    incident = forms.ModelChoiceField(
        label=_("incident"), queryset=None, required=False, widget=QuickSelect
    )
    owner_unit = forms.ModelChoiceField(
        label=_("owner unit"), queryset=None, required=False, widget=QuickSelect
    )
    status = forms.ChoiceField(
        label=_("status"),
        required=False,
        widget=QuickSelect,
        choices=[("", "---------"), *Status.choices],
    )
    nature = forms.ChoiceField(
        label=_("nature"),
        required=False,
        widget=QuickSelect,
        choices=[("", "---------"), *Nature.choices],
    )
    overdue = forms.BooleanField(label=_("overdue only"), required=False)
    due_from = forms.DateField(label=_("due from"), required=False)
    due_to = forms.DateField(label=_("due to"), required=False)
    sort = forms.ChoiceField(
        label=_("sort"),
        required=False,
        widget=QuickSelect,
        choices=[
            ("plan", _("plan order")),
            ("code", _("code")),
            ("due", _("due")),
            ("status", _("status")),
            ("owner", _("owner unit")),
        ],
    )

    def __init__(self, *args, choices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for name, queryset in choices.items():
            self.fields[name].queryset = queryset

    def clean(self):
        data = super().clean()
        if data.get("due_from") and data.get("due_to") and data["due_to"] < data["due_from"]:
            self.add_error("due_to", _("The end date precedes the start date."))
        return data


class CommentForm(forms.Form):
    body = forms.CharField(label=_("comment"), widget=forms.Textarea(attrs={"rows": 3}))


class EvidenceForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    file = forms.FileField(label=_("file"))


class ReopenForm(forms.Form):
    """``countermeasure_reopen``'s arguments, named as they are."""

    effective_on = PrecisionDateField(label=_("effective on"))
    planned_for = PrecisionDateField(label=_("planned for"), required=False)
    note = forms.CharField(label=_("reason"), max_length=2000)


class ReportRequestForm(forms.Form):
    """Generate a committee's progress report as of a date, compared with an earlier one."""

    as_of = forms.DateField(
        label=_("report as of"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The state of every measure on this day."),
    )
    meeting = forms.ModelChoiceField(
        label=_("meeting"), queryset=None, required=False, empty_label=_("(none)")
    )
    previous = forms.ModelChoiceField(
        label=_("compare with"),
        queryset=None,
        required=False,
        empty_label=_("(no comparison)"),
        help_text=_("A finished report of this committee; the new one lists what changed since."),
    )

    def __init__(self, *args, committee, reports, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = committee.meetings.filter(archived_at__isnull=True)
        self.fields["meeting"].label_from_instance = lambda m: (
            _("Meeting %(n)s") % {"n": m.number} + (f" {m.title}" if m.title else "")
        )
        self.fields["previous"].queryset = reports.filter(state="done").order_by(
            "-as_of", "-requested_at"
        )
        self.fields["previous"].label_from_instance = lambda r: (
            _("No. %(pk)s, as of %(as_of)s") % {"pk": r.pk, "as_of": r.as_of.isoformat()}
        )

    def clean_as_of(self):
        from django.utils import timezone

        from core.ui import EARLIEST

        day = self.cleaned_data["as_of"]
        if day < EARLIEST:
            raise forms.ValidationError(_("Give a date between 1900 and 2999."), code="range")
        if day > timezone.localdate():
            # Overdue and upcoming are judged on the day: a day to come has no state yet.
            raise forms.ValidationError(
                _("A report is made as of today or an earlier day."), code="future"
            )
        return day
