"""Countermeasures (再発防止策), their status events, evidence and traces to what they answer."""

from measures.models.changes import ChangeRequest
from measures.models.events import LatestEvent, StatusEvent, StatusRun, StoredState, StoredStep
from measures.models.plan import (
    VERB_JA,
    VERB_PROGRESSIVE_JA,
    Countermeasure,
    Nature,
    Perspective,
    Verb,
)
from measures.models.records import (
    Comment,
    Evidence,
    RecommendationReflection,
    RequiredItemCoverage,
    evidence_upload_to,
)

__all__ = [
    "VERB_JA",
    "VERB_PROGRESSIVE_JA",
    "ChangeRequest",
    "Comment",
    "Countermeasure",
    "Evidence",
    "LatestEvent",
    "Nature",
    "Perspective",
    "RecommendationReflection",
    "RequiredItemCoverage",
    "StatusEvent",
    "StatusRun",
    "StoredState",
    "StoredStep",
    "Verb",
    "evidence_upload_to",
]
