"""What every page shares: the "as of" date and the navigation."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.utils import timezone
from django.utils.translation import gettext as _

# Dates outside this range are typing mistakes, and would overflow date arithmetic.
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


def parse_as_of(raw: str) -> dt.date | None:
    """``raw`` (YYYY-MM-DD) as a date pages, exports and the API accept; None otherwise."""
    try:
        day = dt.date.fromisoformat(raw.strip())
    except ValueError:
        return None
    return day if EARLIEST <= day <= LATEST else None


def as_of_given_and_invalid(request) -> bool:
    """``?as_of=`` holds something that is not such a date."""
    raw = request.GET.get("as_of", "").strip()
    return bool(raw) and parse_as_of(raw) is None


def as_of(request) -> dt.date:
    """The date pages are shown as of: ``?as_of=YYYY-MM-DD``, else today."""
    raw = request.GET.get("as_of", "").strip()
    today = timezone.localdate()
    if not raw:
        return today
    day = parse_as_of(raw)
    if day is None:
        messages.error(
            request, _("%(value)s is not a date (YYYY-MM-DD); showing today.") % {"value": raw}
        )
        return today
    return day


def context(request) -> dict:
    """Template context for the layout."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    raw = request.GET.get("as_of", "")
    return {
        "as_of_param": raw,
        "as_of_shown": parse_as_of(raw) if raw else None,
        "today": timezone.localdate(),
    }
