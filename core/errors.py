"""Refusals with a code: a service's ValidationError names the field it is about and carries
a code that tests and the API can tell apart (Django drops the code given beside a dict)."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def refusal(field: str | None, message, *, code: str) -> ValidationError:
    """``message`` about ``field`` (None: the whole record), refused as ``code``."""
    error = ValidationError(message, code=code)
    return ValidationError({field: error}) if field else error


def refuse_other_organization(organization_id: int, field: str, objs, message) -> None:
    """Refuse (on ``field``, code ``other_org``) when one of ``objs`` (None skipped) belongs
    to an organization other than ``organization_id``: links stay inside a company."""
    if any(o is not None and o.organization_id != organization_id for o in objs):
        raise refusal(field, message, code="other_org")
