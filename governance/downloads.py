"""Serving a stored file only while it is the file that was stored: its SHA-256 checked
against the one recorded when it was written (a report, a piece of evidence). A file
altered or replaced on disk answers 409 and leaves an audit entry for the second line."""

from __future__ import annotations

import hashlib
import logging

from django.core.files import File
from django.db import models
from django.http import FileResponse, Http404, HttpResponse
from django.utils.translation import gettext as _

from governance.audit import audit_record
from governance.models import AuditEvent

logger = logging.getLogger(__name__)

CHUNK = 1 << 20


def _sha256(stored: File) -> str:
    digest = hashlib.sha256()
    with stored.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def checked_file_response(
    request,
    *,
    obj: models.Model,
    stored: File,
    sha256: str,
    filename: str,
    content_type: str,
) -> HttpResponse:
    """``stored`` as a download named ``filename`` if its SHA-256 is ``sha256``; 404 when
    the file is gone, 409 when it differs; both audited for the second line."""
    try:
        actual = _sha256(stored)
    except FileNotFoundError as exc:
        logger.error("%s %s: stored file %s is missing", obj._meta.label, obj.pk, stored.name)
        audit_record(
            action=AuditEvent.Action.INTEGRITY_FAILED,
            request=request,
            obj=obj,
            details={"file": stored.name, "missing": True, "expected_sha256": sha256},
        )
        raise Http404 from exc
    if sha256 and actual != sha256:
        logger.error(
            "%s %s: stored %s does not match its SHA-256", obj._meta.label, obj.pk, stored.name
        )
        audit_record(
            action=AuditEvent.Action.INTEGRITY_FAILED,
            request=request,
            obj=obj,
            details={"file": stored.name, "expected_sha256": sha256},
        )
        return HttpResponse(
            _("The stored file no longer matches the SHA-256 recorded when it was stored."),
            status=409,
            content_type="text/plain; charset=utf-8",
        )
    return FileResponse(
        stored.open("rb"), as_attachment=True, filename=filename, content_type=content_type
    )
