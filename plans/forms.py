from pathlib import Path

from django import forms
from django.utils.translation import gettext_lazy as _

PLAN_SUFFIXES = (".xlsx", ".yaml", ".yml", ".json")


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("plan file"),
        help_text=_(
            "A workbook (.xlsx) in the layout of the template, or the same as YAML or JSON. "
            "It is checked first; nothing is written until you confirm."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(PLAN_SUFFIXES)}),
    )
    archive_missing = forms.BooleanField(
        label=_("withdraw the measures the file leaves out"),
        required=False,
        help_text=_("Without it they are only listed."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in PLAN_SUFFIXES:
            raise forms.ValidationError(
                _("Give a workbook (.xlsx) or a YAML or JSON file."), code="type"
            )
        return upload
