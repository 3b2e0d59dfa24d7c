"""QuickSelect writes the markup Django's Select writes from its templates."""

import pytest
from django import forms
from django.test.html import parse_html

from core.widgets import QuickSelect
from governance.models import Organization, OrgUnit
from incidents.models import Incident, RootCause
from measures.forms import MeasureFilterForm
from measures.models import Perspective

CHOICES = [
    ("", "---------"),
    ("a", 'A <b>"bold"</b> & co'),
    ("Group & more", [("g1", "in the group"), ("g2", "<script>x</script>")]),
    (3, "a number"),
]


def _both(widget_args: dict, name: str, value, attrs=None) -> tuple:
    quick = QuickSelect(**widget_args).render(name, value, attrs)
    plain = forms.Select(**widget_args).render(name, value, attrs)
    return parse_html(quick), parse_html(plain), quick


@pytest.mark.parametrize("value", [None, "", "a", "g2", 3, "3", "not a choice"])
def test_same_markup_as_select(value):
    quick, plain, raw = _both(
        {"choices": CHOICES, "attrs": {"class": "wide"}},
        'na"me',
        value,
        {"id": "id_x", "required": True, "disabled": False, "aria-invalid": "true"},
    )
    assert quick == plain
    assert "<script>" not in raw and "<b>" not in raw  # labels escaped


def test_the_first_match_only_is_selected():
    quick, plain, raw = _both({"choices": [("a", "one"), ("a", "two")]}, "x", "a")
    assert quick == plain
    assert raw.count("selected") == 1


def test_the_filter_form_renders_as_with_djangos_select(seed):
    """The list's whole filter form, bound to a choice of every select, as the person sees
    it with either widget."""
    perspective = Perspective.objects.order_by("pk").first()
    unit = OrgUnit.objects.filter(line="first").order_by("pk").first()
    choices = {
        "organization": Organization.objects.all(),
        "perspective": Perspective.objects.all(),
        "root_cause": RootCause.objects.all(),
        "incident": Incident.objects.all(),
        "owner_unit": OrgUnit.objects.filter(line="first"),
    }
    data = {
        "organization": perspective.organization_id,
        "perspective": perspective.pk,
        "owner_unit": unit.pk,
        "status": "in_progress",
        "nature": "continuous",
        "sort": "due",
    }
    quick = MeasureFilterForm(data, choices=choices)
    plain = MeasureFilterForm(data, choices=choices)
    selects = [name for name, field in plain.fields.items() if type(field.widget) is QuickSelect]
    assert set(selects) >= {"organization", "owner_unit", "status", "sort"}
    for name in selects:
        field = plain.fields[name]
        widget = forms.Select(attrs=field.widget.attrs)
        widget.choices = field.widget.choices
        field.widget = widget
    assert quick.is_valid() and plain.is_valid(), quick.errors
    for name in selects:
        assert parse_html(str(quick[name])) == parse_html(str(plain[name])), name
    # The bound choices show selected.
    assert f'<option value="{unit.pk}" selected>' in str(quick["owner_unit"])
