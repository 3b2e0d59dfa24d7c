"""Writes on countermeasures: create, update, record progress, verify, reopen, link, attach.

Every function is keyword-only, atomic, refuses what would break the plan's invariants with a
``ValidationError`` in the user's language (nothing is written then), and records who did it
and why in the history."""

from measures.services.changes import (
    change_request_decide,
    change_request_submit,
    change_request_withdraw,
)
from measures.services.plan import (
    countermeasure_archive,
    countermeasure_create,
    countermeasure_move,
    countermeasure_set_required_items,
    countermeasure_update,
    perspective_create,
    perspective_update,
    recommendation_link_measure,
    required_item_link_measure,
)
from measures.services.records import MAX_EVIDENCE_BYTES, comment_add, evidence_attach
from measures.services.status import (
    countermeasure_record_status,
    countermeasure_reopen,
    countermeasure_verify_effectiveness,
)

__all__ = [
    "MAX_EVIDENCE_BYTES",
    "change_request_decide",
    "change_request_submit",
    "change_request_withdraw",
    "comment_add",
    "countermeasure_archive",
    "countermeasure_create",
    "countermeasure_move",
    "countermeasure_record_status",
    "countermeasure_reopen",
    "countermeasure_set_required_items",
    "countermeasure_update",
    "countermeasure_verify_effectiveness",
    "evidence_attach",
    "perspective_create",
    "perspective_update",
    "recommendation_link_measure",
    "required_item_link_measure",
]
