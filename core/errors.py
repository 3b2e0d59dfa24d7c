"""Refusals with a code: a service's ValidationError names the field it is about and carries
a code that tests and the API can tell apart (Django drops the code given beside a dict)."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def refusal(field: str | None, message, *, code: str) -> ValidationError:
    """``message`` about ``field`` (None: the whole record), refused as ``code``."""
    error = ValidationError(message, code=code)
    return ValidationError({field: error}) if field else error
