from django import forms
from django.utils.translation import gettext_lazy as _

from governance.models import AuditEvent


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
