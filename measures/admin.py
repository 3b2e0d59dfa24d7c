"""Countermeasures in the admin: readable with their history and permissions; written through
the compliance UI's services (status changes must pass the transition rules)."""

from django.contrib import admin

from governance.admin_base import ReadOnlyInline, ReadOnlyTrackedAdmin, TrackedAdmin
from measures.models import (
    Countermeasure,
    Evidence,
    Perspective,
    RecommendationReflection,
    RequiredItemCoverage,
    StatusEvent,
)


@admin.register(Perspective)
class PerspectiveAdmin(TrackedAdmin):
    list_display = ["name", "organization", "position", "code"]
    list_filter = ["organization"]
    search_fields = ["name", "code"]


class StatusEventInline(ReadOnlyInline):
    model = StatusEvent
    fields = [
        "status",
        "effective_on_date",
        "effective_on_date_precision",
        "occurrence_count",
        "phrase_override",
        "note",
        "recorded_by",
        "recorded_at",
    ]
    readonly_fields = fields


class SubItemInline(ReadOnlyInline):
    model = Countermeasure
    fk_name = "parent"
    fields = ["code", "position", "title", "nature", "verb"]
    readonly_fields = fields
    verbose_name_plural = "sub-items"


@admin.register(Countermeasure)
class CountermeasureAdmin(ReadOnlyTrackedAdmin):
    list_display = ["code", "short_title", "organization", "perspective", "nature", "owner_unit"]
    list_filter = ["organization", "perspective", "nature", "verb", "root_causes"]
    search_fields = ["code", "title", "detail"]
    list_select_related = ["organization", "perspective", "owner_unit"]
    inlines = [SubItemInline, StatusEventInline]


@admin.register(StatusEvent)
class StatusEventAdmin(ReadOnlyTrackedAdmin):
    list_display = ["measure", "status", "effective_on_date", "recorded_by", "recorded_at"]
    list_filter = ["status", "measure__organization"]
    search_fields = ["measure__code", "note"]
    list_select_related = ["measure", "recorded_by"]
    date_hierarchy = "effective_on_date"


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyTrackedAdmin):
    list_display = ["title", "measure", "original_name", "size", "uploaded_by", "uploaded_at"]
    search_fields = ["title", "original_name", "sha256"]
    exclude = ["file"]  # downloads go through the permission-checked UI, not the admin


@admin.register(RecommendationReflection)
class RecommendationReflectionAdmin(ReadOnlyTrackedAdmin):
    list_display = ["recommendation", "measure", "linked_by", "linked_at"]
    list_filter = ["recommendation__committee"]


@admin.register(RequiredItemCoverage)
class RequiredItemCoverageAdmin(ReadOnlyTrackedAdmin):
    list_display = ["required_item", "measure"]
    list_filter = ["required_item__action"]
