"""Forms of the reference data the second line keeps beside the plan: incidents, affected
systems, regulatory actions with their required items, and a committee's meetings and
recommendations. Each is the arguments of its service, named as they are."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DayField
from governance.models import Meeting, Organization, RegulatoryAction
from incidents.models import AffectedSystem

_REASON = _("Kept in the record's history and in the audit log.")


class _Editing(forms.Form):
    """A change needs its reason; a new record may go without."""

    reason = forms.CharField(label=_("reason for the change"), max_length=2000, required=False)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing
        if editing:
            self.fields["reason"].required = True
            self.fields["reason"].help_text = _REASON


class IncidentForm(_Editing):
    title = forms.CharField(label=_("title"), max_length=300)
    summary = forms.CharField(
        label=_("summary"), max_length=8000, widget=forms.Textarea(attrs={"rows": 4})
    )
    organizations_involved = forms.ModelMultipleChoiceField(
        label=_("organizations involved"),
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The owning organization is always involved."),
    )
    systems = forms.ModelMultipleChoiceField(
        label=_("systems"),
        queryset=AffectedSystem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label=_("notes"), required=False, max_length=8000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organizations_involved"].queryset = Organization.objects.filter(
            archived_at__isnull=True
        ).exclude(pk=organization.pk)
        self.fields["systems"].queryset = AffectedSystem.objects.filter(
            organization=organization, archived_at__isnull=True
        )


class SystemForm(_Editing):
    code = forms.SlugField(
        label=_("code"), max_length=60, help_text=_("Letters, digits and hyphens, e.g. takuso.")
    )
    name = forms.CharField(label=_("name"), max_length=200)
    operator = forms.CharField(
        label=_("operator"),
        max_length=200,
        required=False,
        help_text=_("Who runs the system (e.g. the grid company)."),
    )
    description = forms.CharField(
        label=_("description"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.editing:
            del self.fields["code"]


class RegulatoryActionForm(_Editing):
    authority = forms.ChoiceField(
        label=_("authority"), choices=[("", "---------"), *RegulatoryAction.Authority.choices]
    )
    action_type = forms.ChoiceField(
        label=_("type"), choices=[("", "---------"), *RegulatoryAction.ActionType.choices]
    )
    reference = forms.CharField(label=_("reference number"), max_length=100)
    title = forms.CharField(label=_("title"), max_length=300)
    legal_basis = forms.CharField(label=_("legal basis"), max_length=300, required=False)
    summary = forms.CharField(
        label=_("summary"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    issued_on = DayField(label=_("issued on"))
    response_due = DayField(label=_("response due"), required=False)
    required_items = forms.CharField(
        label=_("required items"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One item per line, in the order of the action (numbered from 1)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.editing:
            del self.fields["required_items"]  # items are added one by one once recorded

    def clean_required_items(self) -> list[str]:
        text = self.cleaned_data.get("required_items") or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def clean(self):
        data = super().clean()
        issued, due = data.get("issued_on"), data.get("response_due")
        if issued and due and due < issued:
            self.add_error("response_due", _("The response is due before the action was issued."))
        return data


class RequiredItemForm(forms.Form):
    text = forms.CharField(
        label=_("required item"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class MeetingForm(_Editing):
    held_on = DayField(label=_("held on"), required=False)
    title = forms.CharField(label=_("title"), max_length=200, required=False)
    summary = forms.CharField(
        label=_("summary"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RecommendationForm(_Editing):
    text = forms.CharField(
        label=_("recommendation"), max_length=8000, widget=forms.Textarea(attrs={"rows": 3})
    )
    received_on = DayField(label=_("received on"))
    meeting = forms.ModelChoiceField(
        label=_("meeting"), queryset=Meeting.objects.none(), required=False
    )

    def __init__(self, *args, committee, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = Meeting.objects.filter(
            committee=committee, archived_at__isnull=True
        ).select_related("committee")
