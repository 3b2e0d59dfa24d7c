"""The registry's panel on the dashboard (drawn by measures, which may not import it)."""

from __future__ import annotations

from django import template

from registry import selectors

register = template.Library()


@register.inclusion_tag("registry/_dashboard.html")
def registry_exposures(user) -> dict:
    """The open exposures and due reviews of the systems the person may read."""
    registrations = selectors.registrations_for(user)
    exposures = list(selectors.exposures_for(registrations))
    return {"exposures": exposures, "shown": registrations.exists()}
