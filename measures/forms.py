from django import forms
from django.utils.translation import gettext_lazy as _

from governance.dates import PrecisionDate, parse_ja
from measures.models import Status


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
    status = forms.ChoiceField(
        label=_("status"),
        choices=[
            (s.value, s.label)
            for s in Status
            if s not in (Status.VERIFIED, Status.NOT_EFFECTIVE, Status.REOPENED)
        ],
    )
    effective_on = PrecisionDateField(label=_("effective on"))
    planned_for = PrecisionDateField(label=_("planned for"), required=False)
    occurrence_count = forms.IntegerField(label=_("occurrences"), required=False, min_value=1)
    note = forms.CharField(label=_("note"), required=False, max_length=2000)


class VerificationForm(forms.Form):
    effective = forms.TypedChoiceField(
        label=_("verdict"),
        choices=[("yes", _("effective")), ("no", _("not effective"))],
        coerce=lambda v: v == "yes",
    )
    effective_on = PrecisionDateField(label=_("effective on"))
    note = forms.CharField(label=_("what was checked"), max_length=2000)


class AsOfForm(forms.Form):
    as_of = forms.DateField(label=_("as of"), required=False)
