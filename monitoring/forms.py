"""The monitoring forms: they validate what was typed; the services decide."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DayField, PrecisionDateField
from governance.models import Line, Organization, OrgUnit
from incidents.models import AffectedSystem
from measures.models import Countermeasure, Nature
from monitoring.models import Frequency, Result, Severity, Subject

_DATES_HELP = _("2023年2月, 2023年度上期, 2023年5月12日 or 2023-05-12.")


class MeasureCodesField(forms.CharField):
    """Codes of the company's measures, separated by spaces, commas or new lines."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 2}))
        kwargs.setdefault("help_text", _("Codes separated by spaces or commas, e.g. PG-1 PG-2."))
        super().__init__(*args, **kwargs)
        self.organization: Organization | None = None

    def clean(self, value):
        text = super().clean(value)
        codes = [c for c in re.split(r"[\s,、，]+", text or "") if c]
        if not codes:
            return []
        found = {
            m.code: m
            for m in Countermeasure.objects.filter(
                organization=self.organization, code__in=codes, archived_at__isnull=True
            )
        }
        unknown = [c for c in codes if c not in found]
        if unknown:
            raise forms.ValidationError(
                _("No measure of this company has the code %(codes)s.")
                % {"codes": "、".join(unknown)},
                code="unknown_code",
            )
        return list(dict.fromkeys(found[c] for c in codes))


def _codes(measures) -> str:
    return " ".join(m.code for m in measures)


class ActivityForm(forms.Form):
    code = forms.SlugField(label=_("code"), max_length=60, help_text=_("e.g. MON-ACCESS-LOG."))
    title = forms.CharField(label=_("title"), max_length=300)
    subject = forms.ChoiceField(label=_("what is checked"), choices=Subject.choices)
    control = forms.CharField(label=_("control"), max_length=300, required=False)
    systems = forms.ModelMultipleChoiceField(
        label=_("systems covered"),
        queryset=AffectedSystem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    measures = MeasureCodesField(label=_("countermeasures covered"))
    established_by = MeasureCodesField(
        label=_("established by"),
        help_text=_("The code of the measure that set this monitoring up, if any."),
        widget=forms.TextInput,
    )
    unit = forms.ModelChoiceField(
        label=_("performed by"), queryset=OrgUnit.objects.none(), required=False
    )
    frequency = forms.ChoiceField(
        label=_("frequency"),
        choices=[("", _("not set")), *Frequency.choices],
        required=False,
    )
    starts = PrecisionDateField(label=_("starts"), required=False, help_text=_DATES_HELP)
    ends_on = DayField(label=_("ends"), required=False)
    sample = forms.CharField(label=_("sample"), max_length=300, required=False)
    method = forms.CharField(
        label=_("method"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    reason = forms.CharField(label=_("reason for the change"), max_length=2000, required=False)

    def __init__(self, *args, organization: Organization, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.fields["systems"].queryset = AffectedSystem.objects.filter(
            organization=organization, archived_at__isnull=True
        ).order_by("code")
        self.fields["unit"].queryset = (
            OrgUnit.objects.filter(
                organization=organization, archived_at__isnull=True, line=Line.SECOND
            )
            .select_related("organization")
            .order_by("path")
        )
        self.fields["measures"].organization = organization
        self.fields["established_by"].organization = organization
        if editing:
            del self.fields["code"]
            self.fields["reason"].required = True

    def clean_established_by(self):
        found = self.cleaned_data["established_by"]
        if len(found) > 1:
            raise forms.ValidationError(_("Name one measure."), code="one_measure")
        return found[0] if found else None

    @staticmethod
    def initial_for(activity) -> dict:
        return {
            "title": activity.title,
            "subject": activity.subject,
            "control": activity.control,
            "systems": list(activity.systems.values_list("pk", flat=True)),
            "measures": _codes(activity.measures.order_by("code")),
            "established_by": activity.established_by.code if activity.established_by else "",
            "unit": activity.unit_id,
            "frequency": activity.frequency,
            "starts": activity.starts.ja() if activity.starts else "",
            "ends_on": activity.ends_on.isoformat() if activity.ends_on else "",
            "sample": activity.sample,
            "method": activity.method,
            "note": activity.note,
        }


class RunForm(forms.Form):
    period_start = forms.TypedChoiceField(
        label=_("period"), required=False, coerce=str, empty_value=None
    )
    performed_on = DayField(label=_("performed on"))
    scope = forms.CharField(
        label=_("scope"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What was looked at: systems, logs, dates."),
    )
    result = forms.ChoiceField(label=_("result"), choices=Result.choices, widget=forms.RadioSelect)
    evidence = forms.CharField(
        label=_("evidence"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What shows the check was done, where it is kept."),
    )
    file = forms.FileField(label=_("file"), required=False)

    def __init__(self, *args, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period_start"].choices = [
            ("", _("unscheduled")),
            *((p.start.isoformat(), p.ja) for p in periods),
        ]
        if periods:
            self.fields["period_start"].initial = periods[0].start.isoformat()

    def clean_period_start(self):
        value = self.cleaned_data["period_start"]
        if not value:
            return None
        return forms.DateField().clean(value)


class ExceptionForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=300)
    description = forms.CharField(
        label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    severity = forms.ChoiceField(label=_("severity"), choices=Severity.choices)
    owner_unit = forms.ModelChoiceField(
        label=_("unit responsible"), queryset=OrgUnit.objects.none()
    )
    due_on = DayField(label=_("due"))

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = (
            OrgUnit.objects.filter(
                organization=organization, archived_at__isnull=True, line=Line.FIRST
            )
            .select_related("organization")
            .order_by("path")
        )


class ResponseForm(forms.Form):
    response = forms.CharField(label=_("response"), widget=forms.Textarea(attrs={"rows": 3}))
    measures = MeasureCodesField(label=_("countermeasures that put it right"))

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measures"].organization = organization


class LinkMeasuresForm(forms.Form):
    measures = MeasureCodesField(label=_("countermeasures that put it right"), required=True)

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measures"].organization = organization


class NewMeasureForm(forms.Form):
    code = forms.CharField(label=_("code"), max_length=40)
    title = forms.CharField(label=_("measure"), widget=forms.Textarea(attrs={"rows": 2}))
    nature = forms.ChoiceField(label=_("nature"), choices=Nature.choices)
    due = PrecisionDateField(label=_("due"), required=False, help_text=_DATES_HELP)


class CloseForm(forms.Form):
    closed_on = DayField(label=_("closed on"))
    note = forms.CharField(
        label=_("what was seen to close it"), widget=forms.Textarea(attrs={"rows": 2})
    )
