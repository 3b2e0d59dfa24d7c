"""Saving a tracked record with who did it and why, for simple-history."""

from __future__ import annotations

from django.db import models


def save_tracked(obj: models.Model, *, actor, reason: str, validate: bool = True, **kwargs) -> None:
    """Validate and save ``obj`` so that its history row names ``actor`` and ``reason``."""
    if validate:
        obj.full_clean()
    obj._history_user = actor
    obj._change_reason = reason
    obj.save(**kwargs)
