from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.forms import DayField
from governance.models import AuditEvent, RoleAssignment
from governance.models.organization import TERM_DEFAULTS, TERMS


class OTPTokenForm(forms.Form):
    token = forms.CharField(
        label=_("One-time code"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise forms.ValidationError(_("Enter the six digits your authenticator shows."))
        return token


class AuditFilterForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("organization"), queryset=None, required=False, empty_label=_("all in scope")
    )
    action = forms.ChoiceField(label=_("action"), required=False)
    who = forms.CharField(label=_("who"), required=False, max_length=150)
    since = forms.DateField(label=_("from"), required=False)
    until = forms.DateField(label=_("to"), required=False)

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = scope
        self.fields["action"].choices = [("", _("all")), *AuditEvent.Action.choices]

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            self.add_error("until", _("The end date precedes the start date."))
        return data

    def filter(self, events):
        data = self.cleaned_data
        if data.get("organization"):
            events = events.filter(organization=data["organization"])
        if data.get("action"):
            events = events.filter(action=data["action"])
        if data.get("who"):
            events = events.filter(actor_name__icontains=data["who"])
        if data.get("since"):
            events = events.filter(at__date__gte=data["since"])
        if data.get("until"):
            events = events.filter(at__date__lte=data["until"])
        return events


class DeputyForm(forms.Form):
    """``deputy_appoint``'s arguments; the deputy is named by user name."""

    assignment = forms.ModelChoiceField(label=_("role"), queryset=RoleAssignment.objects.none())
    deputy = forms.CharField(label=_("deputy (user name)"), max_length=150)
    valid_from = DayField(label=_("from"))
    valid_to = DayField(label=_("to (last day)"))
    reason = forms.CharField(label=_("reason"), max_length=300)

    def __init__(self, *args, user, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = (
            RoleAssignment.objects.filter(user=user, archived_at__isnull=True)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
            .select_related("org_unit__organization")
        )

    def clean_deputy(self):
        name = self.cleaned_data["deputy"].strip()
        person = get_user_model().objects.filter(username=name, is_active=True).first()
        if person is None:
            raise forms.ValidationError(_("No active account has this user name."))
        return person

    def clean(self):
        data = super().clean()
        if (
            data.get("valid_from")
            and data.get("valid_to")
            and data["valid_to"] < data["valid_from"]
        ):
            self.add_error("valid_to", _("The end date precedes the start date."))
        return data


class TermsForm(forms.Form):
    """An organization's own words (``Organization.terms``): one field per term, its
    default shown as the placeholder; an empty field reads the default."""

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in TERMS:
            self.fields[key] = forms.CharField(
                label=label,
                required=False,
                max_length=100,
                initial=(organization.terms or {}).get(key, ""),
                widget=forms.TextInput(attrs={"placeholder": str(TERM_DEFAULTS[key])}),
            )
        self.fields["reason"] = forms.CharField(
            label=_("reason for the change"),
            max_length=500,
            widget=forms.Textarea(attrs={"rows": 2}),
        )

    def terms(self) -> dict[str, str]:
        return {k: v for k, v in self.cleaned_data.items() if k != "reason"}
