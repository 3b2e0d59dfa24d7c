"""Form pieces every app's pages use: dates as the plan writes them, a service's refusal
placed next to the fields it names."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.dates import PrecisionDate, parse_ja


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


class DayField(PrecisionDateField):
    """A day written as the plan writes dates (2023年5月12日, 2023/05/12, 2023-05-12)."""

    default_error_messages = {
        "invalid": _("Write a day such as 2023年5月12日, 2023/05/12 or 2023-05-12."),
        "not_a_day": _("Write the day, not a month or a period."),
    }

    def to_python(self, value):
        period = super().to_python(value)
        if period is None:
            return None
        if period.precision != "day":
            raise forms.ValidationError(self.error_messages["not_a_day"], code="not_a_day")
        return period.start
