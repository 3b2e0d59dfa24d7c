"""Evidence and comments on a measure."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import refusal
from core.history import save_tracked
from measures.models import (
    Comment,
    Countermeasure,
    Evidence,
    StatusEvent,
)
from measures.services.status import refuse_archived

MAX_EVIDENCE_BYTES = 25 * 1024 * 1024
MAX_COMMENT_CHARS = 4000
# What evidence may be (PDF, Office, images, text, zip), by extension, with the type it is
# served as.
EVIDENCE_TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ppt": "application/vnd.ms-powerpoint",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".txt": "text/plain",
    ".csv": "text/csv",
    ".zip": "application/zip",
}


@transaction.atomic
def evidence_attach(
    *,
    measure: Countermeasure,
    uploaded: UploadedFile,
    title: str,
    actor,
    status_event: StatusEvent | None = None,
) -> Evidence:
    """Store a file as evidence for ``measure`` under its SHA-256."""
    refuse_archived(measure)
    extension = Path(uploaded.name or "").suffix.lower()
    if extension not in EVIDENCE_TYPES:
        raise refusal(
            "file",
            _("Attach a file of one of these types: %(types)s.")
            % {"types": " ".join(sorted(EVIDENCE_TYPES))},
            code="file_type",
        )
    if uploaded.size > MAX_EVIDENCE_BYTES:
        raise refusal(
            "file",
            _("The file is larger than %(mb)s MB.") % {"mb": MAX_EVIDENCE_BYTES >> 20},
            code="too_large",
        )
    if status_event is not None and status_event.measure_id != measure.pk:
        raise ValidationError(
            _("The status event belongs to another measure."), code="event_mismatch"
        )
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    evidence = Evidence(
        measure=measure,
        status_event=status_event,
        title=title,
        original_name=uploaded.name or "",
        # The type its extension names, not the one the browser claimed.
        content_type=EVIDENCE_TYPES[extension],
        size=uploaded.size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    uploaded.seek(0)
    evidence.file.save(evidence.sha256, uploaded, save=False)
    save_tracked(evidence, actor=actor, reason=_("Evidence attached"))
    return evidence


@transaction.atomic
def comment_add(*, measure: Countermeasure, body: str, actor) -> Comment:
    """Add a comment to a measure (anyone who may see the measure)."""
    refuse_archived(measure)
    if not body.strip():
        raise refusal("body", _("Write the comment."), code="empty")
    if len(body.strip()) > MAX_COMMENT_CHARS:
        raise refusal(
            "body",
            _("A comment holds at most %(n)s characters.") % {"n": MAX_COMMENT_CHARS},
            code="too_long",
        )
    comment = Comment(measure=measure, body=body.strip(), author=actor)
    save_tracked(comment, actor=actor, reason=_("Comment added"))
    return comment
