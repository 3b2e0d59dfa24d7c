"""Form widgets of the pages."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe


class QuickSelect(forms.Select):
    """``forms.Select`` with the same choices, selection and attributes, written out by
    ``format_html`` instead of a template rendering per option: the list's filter offers a
    second-line officer some 200 owner units: 201 options render in 2.3 ms this way, 6.1 ms
    through Select's templates (alternated, on a loaded machine, 2026-12-06). A test
    compares the markup of both. The markup is this class's own: ``renderer``,
    ``template_name`` and ``option_template_name`` are not used, so a project-wide form
    renderer or template override does not reach it."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], flatatt(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('<optgroup label="{}">', group_name))
            parts.extend(
                format_html(
                    '<option value="{}"{}>{}</option>',
                    option["value"],
                    flatatt(option["attrs"]),
                    option["label"],
                )
                for option in options
            )
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("\n".join(parts))  # noqa: S308 - every part went through format_html
