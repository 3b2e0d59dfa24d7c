"""Forms of the plan's authoring pages: a measure, a perspective, a root cause, a change
request and its decision. Choices are limited to the measure's organization; the services
check again and refuse what does not fit."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import Precision, PrecisionDate
from core.forms import PrecisionDateField
from governance.models import Organization, OrgUnit, Recommendation, RequiredItem
from incidents.models import Incident, RootCause
from measures.models import ChangeRequest, Countermeasure, Nature, Perspective, Verb

_DATES_HELP = _("e.g. 2027年度, 2023年度上期, 2023年7月, 2023年7月12日 or 2023-07-12")

REASON_HELP = _("Kept in the measure's history and in the audit log.")


class MeasureForm(forms.Form):
    """What a countermeasure is (``countermeasure_create`` / ``countermeasure_update``)."""

    code = forms.CharField(
        label=_("code"), max_length=40, help_text=_("Your plan's own numbering, e.g. A-3-(2).")
    )
    title = forms.CharField(
        label=_("measure"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    detail = forms.CharField(
        label=_("detail"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    parent = forms.ModelChoiceField(
        label=_("parent measure"),
        queryset=Countermeasure.objects.none(),
        required=False,
    )
    perspective = forms.ModelChoiceField(
        label=_("perspective"), queryset=Perspective.objects.none(), required=False
    )
    root_causes = forms.ModelMultipleChoiceField(
        label=_("root causes"),
        queryset=RootCause.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    owner_unit = forms.ModelChoiceField(
        label=_("owner unit"), queryset=OrgUnit.objects.none(), required=False
    )
    owner_label = forms.CharField(
        label=_("owner label"),
        max_length=60,
        required=False,
        help_text=_("The owner as the plan names it (e.g. 情報・行為G)."),
    )
    nature = forms.ChoiceField(label=_("nature"), choices=[("", "---------"), *Nature.choices])
    recurrence_months = forms.IntegerField(
        label=_("recurs every (months)"),
        required=False,
        min_value=1,
        max_value=120,
        help_text=_("For a recurring measure: 12 reads 毎年, 1 reads 毎月."),
    )
    verb = forms.ChoiceField(label=_("verb"), choices=Verb.choices, initial=Verb.IMPLEMENT)
    planned_start = PrecisionDateField(
        label=_("planned start"), required=False, help_text=_DATES_HELP
    )
    due = PrecisionDateField(label=_("due"), required=False, help_text=_DATES_HELP)
    effectiveness_criteria = forms.CharField(
        label=_("effectiveness criteria"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    effectiveness_check_due = PrecisionDateField(
        label=_("effectiveness check due"),
        required=False,
        help_text=_("A month or a fiscal period means its last day."),
    )
    third_line_verifies = forms.BooleanField(
        label=_("the third line gives the verdict"),
        required=False,
        help_text=_("Internal audit, not the second line, verifies this measure's effectiveness."),
    )
    required_items = forms.ModelMultipleChoiceField(
        label=_("regulator's required items it covers"),
        queryset=RequiredItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(
        label=_("reason for the change"), max_length=2000, help_text=REASON_HELP
    )

    def __init__(
        self, *args, organization: Organization, measure: Countermeasure | None = None, **kwargs
    ):
        if measure is not None and "initial" not in kwargs:
            kwargs["initial"] = _initial(measure)
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.fields["perspective"].queryset = Perspective.objects.filter(
            organization=organization, archived_at__isnull=True
        ).order_by("position")
        self.fields["root_causes"].queryset = RootCause.objects.filter(
            organization=organization, archived_at__isnull=True
        ).order_by("number")
        self.fields["owner_unit"].queryset = (
            OrgUnit.objects.filter(organization=organization, archived_at__isnull=True)
            .select_related("organization")
            .order_by("path")
        )
        self.fields["required_items"].queryset = RequiredItem.objects.filter(
            action__organization=organization, archived_at__isnull=True
        ).select_related("action")
        if measure is None:
            # A sub-item is added from its parent's page (``parent`` given): a list of every
            # measure of a large plan would not be a usable choice.
            self.fields["parent"].queryset = Countermeasure.objects.filter(
                organization=organization, parent__isnull=True, archived_at__isnull=True
            )
            self.fields["parent"].widget = forms.HiddenInput()
            self.fields["reason"].required = False
            self.fields["reason"].help_text = _("Optional when a measure is created.")
        else:
            del self.fields["parent"]  # a measure does not move between parents

    def clean_effectiveness_check_due(self):
        value = self.cleaned_data.get("effectiveness_check_due")
        return value.end if value else None

    def clean(self):
        data = super().clean()
        if data.get("nature") != Nature.RECURRING and data.get("recurrence_months"):
            self.add_error("recurrence_months", _("Only a recurring measure has an interval."))
        return data

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("reason", None)
        data.pop("required_items", None)
        data.pop("parent", None)
        data.pop("code", None)
        return data


def _initial(measure: Countermeasure) -> dict:
    return {
        "code": measure.code,
        "title": measure.title,
        "detail": measure.detail,
        "perspective": measure.perspective_id,
        "root_causes": list(measure.root_causes.values_list("pk", flat=True)),
        "owner_unit": measure.owner_unit_id,
        "owner_label": measure.owner_label,
        "nature": measure.nature,
        "recurrence_months": measure.recurrence_months,
        "verb": measure.verb,
        "planned_start": measure.planned_start.ja() if measure.planned_start else "",
        "due": measure.due.ja() if measure.due else "",
        "effectiveness_criteria": measure.effectiveness_criteria,
        "third_line_verifies": measure.third_line_verifies,
        "effectiveness_check_due": (
            PrecisionDate(measure.effectiveness_check_due, Precision.DAY).ja()
            if measure.effectiveness_check_due
            else ""
        ),
        "required_items": list(
            measure.required_item_coverage.filter(archived_at__isnull=True).values_list(
                "required_item_id", flat=True
            )
        ),
    }


class ArchiveForm(forms.Form):
    reason = forms.CharField(
        label=_("reason for withdrawing"), max_length=2000, help_text=REASON_HELP
    )


class PerspectiveForm(forms.Form):
    code = forms.SlugField(
        label=_("code"), max_length=40, help_text=_("Letters, digits and hyphens, e.g. culture.")
    )
    name = forms.CharField(label=_("name"), max_length=100)
    position = forms.IntegerField(
        label=_("position"),
        required=False,
        min_value=1,
        max_value=999,
        help_text=_("Order in the plan; empty: after the last."),
    )
    reason = forms.CharField(label=_("reason for the change"), max_length=2000, required=False)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["code"]
            self.fields["position"].required = True
            self.fields["reason"].required = True


class RootCauseForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=300)
    short_title = forms.CharField(
        label=_("short title"),
        max_length=60,
        required=False,
        help_text=_("As the countermeasure table names it, e.g. 周知・理解不足."),
    )
    explanation = forms.CharField(
        label=_("explanation"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    incidents = forms.ModelMultipleChoiceField(
        label=_("incidents"),
        queryset=Incident.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(label=_("reason for the change"), max_length=2000, required=False)

    def __init__(self, *args, organization: Organization, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["incidents"].queryset = Incident.objects.filter(
            organizations_involved=organization, archived_at__isnull=True
        ).distinct()
        if editing:
            self.fields["reason"].required = True


class ChangeRequestForm(forms.Form):
    """``change_request_submit``'s arguments, named as they are."""

    kind = forms.ChoiceField(
        label=_("change"), choices=[("", "---------"), *ChangeRequest.Kind.choices]
    )
    new_due = PrecisionDateField(
        label=_("new due date"), required=False, help_text=_("For a re-plan.")
    )
    reason = forms.CharField(
        label=_("reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("decision"),
        choices=[("", "---------"), ("yes", _("approve")), ("no", _("refuse"))],
        coerce=lambda v: v == "yes",
    )
    note = forms.CharField(
        label=_("note (required to refuse)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReflectionForm(forms.Form):
    """``recommendation_link_measure``'s arguments."""

    recommendation = forms.ModelChoiceField(
        label=_("recommendation"), queryset=Recommendation.objects.none()
    )
    how_reflected = forms.CharField(
        label=_("how it is reflected"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recommendation"].queryset = (
            Recommendation.objects.filter(committee__scope=organization, archived_at__isnull=True)
            .select_related("committee")
            .distinct()
        )
