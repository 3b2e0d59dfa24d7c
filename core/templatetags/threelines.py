"""Dates the way the plan writes them: 2023年5月12日, 2023年度上期 (or English when chosen)."""

import datetime as dt

from django import template
from django.utils.translation import get_language

from core.dates import PrecisionDate

register = template.Library()


def _japanese() -> bool:
    return (get_language() or "ja").startswith("ja")


@register.filter
def pdate(value: PrecisionDate | None) -> str:
    if value is None:
        return ""
    return value.ja() if _japanese() else value.en()


@register.filter
def jdate(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        local = timezone.localtime(value)
        if _japanese():
            return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"
        return local.strftime("%d %b %Y %H:%M")
    return pdate(PrecisionDate(value))


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters changed (pagination, sorting)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()
