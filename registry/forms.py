"""The registry forms: they validate what was typed; the services decide."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from core.forms import DayField, PrecisionDateField
from governance.models import Organization, OrgUnit, RoleAssignment
from incidents.models import AffectedSystem
from internalaudit.forms import _OneMeasure
from monitoring.forms import MeasureCodesField
from monitoring.models import MonitoringActivity
from registry.models import Judgement, Reach, Reachability, SystemRegistration


def _text(rows: int = 2):
    return forms.Textarea(attrs={"rows": rows})


class RegistrationForm(forms.Form):
    system = forms.ModelChoiceField(label=_("system"), queryset=AffectedSystem.objects.none())
    manager_unit = forms.ModelChoiceField(
        label=_("managing unit"), queryset=OrgUnit.objects.none(), required=False
    )
    manager = forms.ModelChoiceField(
        label=_("system manager"), queryset=get_user_model().objects.none(), required=False
    )
    established_by = _OneMeasure(label=_("established by"))
    tables_made = PrecisionDateField(label=_("tables made"), required=False)
    tables_used = PrecisionDateField(label=_("tables used from"), required=False)
    review_months = forms.IntegerField(
        label=_("review every (months)"), min_value=1, max_value=60, required=False
    )
    last_reviewed_on = DayField(label=_("last reviewed"), required=False)
    note = forms.CharField(label=_("note"), required=False, widget=_text())
    reason = forms.CharField(label=_("reason for the change"), max_length=2000, required=False)

    def __init__(self, *args, organization: Organization, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["system"].queryset = AffectedSystem.objects.filter(
            organization=organization, archived_at__isnull=True, registration__isnull=True
        ).order_by("code")
        self.fields["manager_unit"].queryset = (
            OrgUnit.objects.filter(organization=organization, archived_at__isnull=True)
            .select_related("organization")
            .order_by("path")
        )
        people = RoleAssignment.objects.filter(org_unit__organization=organization).values(
            "user_id"
        )
        self.fields["manager"].queryset = (
            get_user_model().objects.filter(pk__in=people, is_active=True).order_by("username")
        )
        self.fields["established_by"].organization = organization
        if editing:
            del self.fields["system"]
            self.fields["reason"].required = True

    @staticmethod
    def initial_for(r: SystemRegistration) -> dict:
        return {
            "manager_unit": r.manager_unit_id,
            "manager": r.manager_id,
            "established_by": r.established_by.code if r.established_by else "",
            "tables_made": r.tables_made.ja() if r.tables_made else "",
            "tables_used": r.tables_used.ja() if r.tables_used else "",
            "review_months": r.review_months,
            "last_reviewed_on": r.last_reviewed_on.isoformat() if r.last_reviewed_on else "",
            "note": r.note,
        }


class ItemForm(forms.Form):
    code = forms.SlugField(label=_("code"), max_length=60)
    name = forms.CharField(label=_("information"), max_length=200)
    description = forms.CharField(label=_("description"), required=False, widget=_text())
    judgement = forms.ChoiceField(label=_("judgement"), choices=Judgement.choices)
    basis = forms.CharField(label=_("basis of the judgement"), required=False, widget=_text())
    decided_on = DayField(label=_("decided on"), required=False)
    measures = MeasureCodesField(label=_("countermeasures"))
    monitoring = forms.ModelMultipleChoiceField(
        label=_("monitoring"),
        queryset=MonitoringActivity.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(label=_("reason for the change"), max_length=2000, required=False)

    def __init__(self, *args, organization: Organization, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measures"].organization = organization
        self.fields["monitoring"].queryset = MonitoringActivity.objects.filter(
            organization=organization, archived_at__isnull=True
        ).order_by("code")
        if editing:
            del self.fields["code"]
            self.fields["reason"].required = True
        else:
            del self.fields["reason"]

    @staticmethod
    def initial_for(item) -> dict:
        return {
            "name": item.name,
            "description": item.description,
            "judgement": item.judgement,
            "basis": item.basis,
            "decided_on": item.decided_on.isoformat() if item.decided_on else "",
            "measures": " ".join(m.code for m in item.measures.order_by("code")),
            "monitoring": list(item.monitoring.values_list("pk", flat=True)),
        }


class ReachForm(forms.Form):
    screens = forms.CharField(label=_("screens or functions"), max_length=300)
    reached_by = forms.ModelChoiceField(label=_("users of"), queryset=Organization.objects.all())
    roles = forms.CharField(label=_("which users"), max_length=300, required=False)
    reach = forms.ChoiceField(label=_("decision"), choices=Reach.choices)
    closing_measure = _OneMeasure(label=_("closing measure"))
    decided_on = DayField(label=_("decided on"), required=False)
    review_due = DayField(label=_("review due"), required=False)
    note = forms.CharField(label=_("note"), required=False, widget=_text())
    reason = forms.CharField(label=_("reason for the change"), max_length=2000, required=False)

    def __init__(self, *args, organization: Organization, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reached_by"].queryset = Organization.objects.filter(
            archived_at__isnull=True
        ).order_by("code")
        self.fields["closing_measure"].organization = organization
        if editing:
            self.fields["reason"].required = True
        else:
            del self.fields["reason"]

    @staticmethod
    def initial_for(reach: Reachability) -> dict:
        return {
            "screens": reach.screens,
            "reached_by": reach.reached_by_id,
            "roles": reach.roles,
            "reach": reach.reach,
            "closing_measure": reach.closing_measure.code if reach.closing_measure else "",
            "decided_on": reach.decided_on.isoformat() if reach.decided_on else "",
            "review_due": reach.review_due.isoformat() if reach.review_due else "",
            "note": reach.note,
        }


class ProposalForm(forms.Form):
    judgement = forms.ChoiceField(
        label=_("new judgement"), choices=[("", "---------"), *Judgement.choices], required=False
    )
    reachability = forms.ModelChoiceField(
        label=_("reach"), queryset=Reachability.objects.none(), required=False
    )
    reach = forms.ChoiceField(
        label=_("new decision"), choices=[("", "---------"), *Reach.choices], required=False
    )
    reason = forms.CharField(label=_("reason"), widget=_text())

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reachability"].queryset = item.reachabilities.filter(
            archived_at__isnull=True
        ).select_related("reached_by", "item__registration__system")


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("decision"),
        choices=[("yes", _("approve")), ("no", _("refuse"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("note"), required=False, widget=_text())
