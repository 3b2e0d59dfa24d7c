from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.forms import DayField, PrecisionDateField
from core.ui import EARLIEST, LATEST
from core.widgets import QuickSelect
from measures.models import Nature, StatusEvent
from measures.services.records import EVIDENCE_TYPES, MAX_COMMENT_CHARS, MAX_EVIDENCE_BYTES
from measures.statuses import CHANGE_CONTROLLED, Status


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
    effective_on = PrecisionDateField(label=_("date carried out"))
    planned_for = PrecisionDateField(label=_("planned for"), required=False)
    occurrence_count = forms.IntegerField(label=_("occurrences"), required=False, min_value=1)
    note = forms.CharField(label=_("note"), required=False, max_length=2000)

    def __init__(self, *args, controlled: bool = False, **kwargs):
        """``controlled``: the person may not re-plan, hold or cancel (they propose those
        as a change request), so the form does not offer them."""
        super().__init__(*args, **kwargs)
        if controlled:
            self.fields["status"].choices = [
                (value, label)
                for value, label in self.fields["status"].choices
                if value not in CHANGE_CONTROLLED
            ]
            del self.fields["planned_for"]


class VerificationForm(forms.Form):
    """``countermeasure_verify_effectiveness``'s arguments, named as they are."""

    # No verdict chosen in advance: "effective" is recorded only when picked.
    effective = forms.TypedChoiceField(
        label=_("verdict"),
        choices=[("", "---------"), ("yes", _("effective")), ("no", _("not effective"))],
        coerce=lambda v: v == "yes",
    )
    effective_on = PrecisionDateField(label=_("date checked"))
    note = forms.CharField(label=_("what was checked"), max_length=2000)


class AsOfForm(forms.Form):
    """The API's ``as_of``: the dates the pages and exports accept (``core.ui``)."""

    as_of = forms.DateField(
        label=_("as of"),
        required=False,
        validators=[MinValueValidator(EARLIEST), MaxValueValidator(LATEST)],
    )


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
    # The end of the due period is compared: 「2023年9月」 is due from 2023年9月30日 on.
    due_from = DayField(label=_("due from"), required=False)
    due_to = DayField(label=_("due to"), required=False)
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
    body = forms.CharField(
        label=_("comment"),
        max_length=MAX_COMMENT_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class EvidenceForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    status_event = forms.ModelChoiceField(
        label=_("supports the status entry"),
        queryset=StatusEvent.objects.none(),
        required=False,
        empty_label=_("(the measure as a whole)"),
    )
    file = forms.FileField(
        label=_("file"),
        help_text=format_lazy(
            _("PDF, Office, images, text or zip ({types}), up to {mb} MB."),
            types=" ".join(sorted(EVIDENCE_TYPES)),
            mb=MAX_EVIDENCE_BYTES >> 20,
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(sorted(EVIDENCE_TYPES))}),
    )

    def __init__(self, *args, measure=None, **kwargs):
        super().__init__(*args, **kwargs)
        if measure is not None:
            self.fields["status_event"].queryset = measure.events.order_by(
                "-effective_on_date", "-recorded_at"
            )
            self.fields["status_event"].label_from_instance = lambda e: (
                f"{e.effective_on.ja()} {e.get_status_display()}"
            )


class ReopenForm(forms.Form):
    """``countermeasure_reopen``'s arguments, named as they are."""

    effective_on = PrecisionDateField(label=_("effective on"))
    planned_for = PrecisionDateField(label=_("planned for"), required=False)
    note = forms.CharField(label=_("reason"), max_length=2000)
