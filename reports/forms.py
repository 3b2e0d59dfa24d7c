"""The form that asks for a committee's progress report."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.ui import EARLIEST


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
        day = self.cleaned_data["as_of"]
        if day < EARLIEST:
            raise forms.ValidationError(_("Give a date between 1900 and 2999."), code="range")
        if day > timezone.localdate():
            # Overdue and upcoming are judged on the day: a day to come has no state yet.
            raise forms.ValidationError(
                _("A report is made as of today or an earlier day."), code="future"
            )
        return day
