"""The internal audit forms: they validate what was typed; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DayField, PrecisionDateField
from governance.models import Line, Organization, OrgUnit
from incidents.models import AffectedSystem, RootCause
from internalaudit.models import AuditPlan, EngagementStatus, Rating
from monitoring.forms import MeasureCodesField


def _units(organization: Organization, *lines: str):
    units = OrgUnit.objects.filter(organization=organization, archived_at__isnull=True)
    if lines:
        units = units.filter(line__in=lines)
    return units.select_related("organization").order_by("path")


class _OneMeasure(MeasureCodesField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.TextInput)
        kwargs.setdefault("help_text", _("The code of the measure, if any."))
        super().__init__(*args, **kwargs)

    def clean(self, value):
        found = super().clean(value)
        if len(found) > 1:
            raise forms.ValidationError(_("Name one measure."), code="one_measure")
        return found[0] if found else None


class PlanForm(forms.Form):
    fiscal_year = forms.IntegerField(label=_("fiscal year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("title"), max_length=300)
    approved = PrecisionDateField(
        label=_("approved"), required=False, help_text=_("e.g. 2023年3月 or 2023年3月28日.")
    )
    established_by = _OneMeasure(label=_("reflects the measure"))
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    reason = forms.CharField(label=_("reason for the change"), max_length=2000, required=False)

    def __init__(self, *args, organization: Organization, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["established_by"].organization = organization
        if editing:
            del self.fields["fiscal_year"]
            self.fields["reason"].required = True

    @staticmethod
    def initial_for(plan: AuditPlan) -> dict:
        return {
            "title": plan.title,
            "approved": plan.approved.ja() if plan.approved else "",
            "established_by": plan.established_by.code if plan.established_by else "",
            "note": plan.note,
        }


class EngagementForm(forms.Form):
    code = forms.SlugField(label=_("code"), max_length=60, help_text=_("e.g. IA-2023-01."))
    title = forms.CharField(label=_("title"), max_length=300)
    plan = forms.ModelChoiceField(
        label=_("audit plan"), queryset=AuditPlan.objects.none(), required=False
    )
    scope = forms.CharField(
        label=_("scope"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    audit_items = forms.CharField(
        label=_("audit items"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    systems = forms.ModelMultipleChoiceField(
        label=_("systems"),
        queryset=AffectedSystem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    units = forms.ModelMultipleChoiceField(
        label=_("units audited"), queryset=OrgUnit.objects.none(), required=False
    )
    period_start = DayField(label=_("audited period from"), required=False)
    period_end = DayField(label=_("audited period to"), required=False)
    external_experts = forms.CharField(label=_("outside experts"), max_length=300, required=False)
    fieldwork_start = DayField(label=_("fieldwork from"), required=False)
    fieldwork_end = DayField(label=_("fieldwork to"), required=False)
    status = forms.ChoiceField(label=_("status"), choices=EngagementStatus.choices)
    established_by = _OneMeasure(label=_("established by"))
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    reason = forms.CharField(label=_("reason for the change"), max_length=2000, required=False)

    def __init__(self, *args, organization: Organization, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = AuditPlan.objects.filter(
            organization=organization, archived_at__isnull=True
        ).order_by("-fiscal_year")
        self.fields["systems"].queryset = AffectedSystem.objects.filter(
            organization=organization, archived_at__isnull=True
        ).order_by("code")
        self.fields["units"].queryset = _units(organization)
        self.fields["established_by"].organization = organization
        if editing:
            del self.fields["code"]
            self.fields["reason"].required = True

    @staticmethod
    def initial_for(engagement) -> dict:
        day = lambda d: d.isoformat() if d else ""  # noqa: E731
        return {
            "title": engagement.title,
            "plan": engagement.plan_id,
            "scope": engagement.scope,
            "audit_items": engagement.audit_items,
            "systems": list(engagement.systems.values_list("pk", flat=True)),
            "units": list(engagement.units.values_list("pk", flat=True)),
            "period_start": day(engagement.period_start),
            "period_end": day(engagement.period_end),
            "external_experts": engagement.external_experts,
            "fieldwork_start": day(engagement.fieldwork_start),
            "fieldwork_end": day(engagement.fieldwork_end),
            "status": engagement.status,
            "established_by": engagement.established_by.code if engagement.established_by else "",
            "note": engagement.note,
        }


class FindingForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=300)
    rating = forms.ChoiceField(label=_("rating"), choices=Rating.choices)
    criteria = forms.CharField(label=_("criteria"), widget=forms.Textarea(attrs={"rows": 2}))
    condition = forms.CharField(label=_("condition"), widget=forms.Textarea(attrs={"rows": 2}))
    cause = forms.CharField(
        label=_("cause"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    recommendation = forms.CharField(
        label=_("auditor's recommendation"), widget=forms.Textarea(attrs={"rows": 2})
    )
    addressed_to = forms.ModelChoiceField(label=_("addressed to"), queryset=OrgUnit.objects.none())
    root_causes = forms.ModelMultipleChoiceField(
        label=_("root causes"),
        queryset=RootCause.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reported_on = DayField(label=_("reported on"))
    response_due = DayField(label=_("response due"))
    reason = forms.CharField(label=_("reason for the change"), max_length=2000, required=False)

    def __init__(self, *args, organization: Organization, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["addressed_to"].queryset = _units(organization, Line.FIRST, Line.SECOND)
        self.fields["root_causes"].queryset = RootCause.objects.filter(
            organization=organization, archived_at__isnull=True
        ).order_by("number")
        if editing:
            self.fields["reason"].required = True
        else:
            del self.fields["reason"]

    @staticmethod
    def initial_for(finding) -> dict:
        return {
            **{
                k: getattr(finding, k)
                for k in ("title", "rating", "criteria", "condition", "cause", "recommendation")
            },
            "addressed_to": finding.addressed_to_id,
            "root_causes": list(finding.root_causes.values_list("pk", flat=True)),
            "reported_on": finding.reported_on.isoformat(),
            "response_due": finding.response_due.isoformat(),
        }


class ResponseForm(forms.Form):
    management_response = forms.CharField(
        label=_("management response"), widget=forms.Textarea(attrs={"rows": 3})
    )
    agreed_action = forms.CharField(
        label=_("agreed action"), widget=forms.Textarea(attrs={"rows": 2})
    )
    action_owner = forms.ModelChoiceField(label=_("action owner"), queryset=OrgUnit.objects.none())
    action_due = DayField(label=_("action due"))
    measures = MeasureCodesField(label=_("countermeasures carrying out the action"))

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action_owner"].queryset = _units(organization, Line.FIRST, Line.SECOND)
        self.fields["measures"].organization = organization


class FollowUpForm(forms.Form):
    checked_on = DayField(label=_("checked on"))
    result = forms.CharField(label=_("result"), widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(forms.Form):
    closed_on = DayField(label=_("closed on"))
    note = forms.CharField(
        label=_("what was seen to close it"), widget=forms.Textarea(attrs={"rows": 2})
    )
