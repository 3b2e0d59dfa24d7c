from django.contrib import admin
from django.utils.translation import gettext_lazy

from governance.admin_base import TrackedAdmin
from incidents.models import AffectedSystem, Incident, IncidentMetric, RootCause


class IncidentMetricInline(admin.TabularInline):
    model = IncidentMetric
    extra = 0
    can_delete = False
    fields = [
        "position",
        "label",
        "count",
        "unit",
        "period_start_on",
        "period_start_on_precision",
        "period_end_on",
        "period_end_on_precision",
        "note",
    ]


@admin.register(Incident)
class IncidentAdmin(TrackedAdmin):
    list_display = ["label", "title", "organization"]
    list_display_links = ["label", "title"]
    list_filter = ["organization"]
    search_fields = ["title", "summary"]
    filter_horizontal = ["organizations_involved", "systems"]
    inlines = [IncidentMetricInline]

    def save_formset(self, request, form, formset, change):
        for instance in formset.save(commit=False):
            TrackedAdmin.save_model(self, request, instance, form, change)
        formset.save_m2m()


@admin.register(AffectedSystem)
class AffectedSystemAdmin(TrackedAdmin):
    list_display = ["name", "organization", "operator"]
    list_filter = ["organization"]
    search_fields = ["name", "code"]


@admin.register(RootCause)
class RootCauseAdmin(TrackedAdmin):
    list_display = ["label", "title", "short_title", "organization", "measure_count"]
    list_display_links = ["label", "title"]
    list_filter = ["organization"]
    search_fields = ["title", "explanation"]
    filter_horizontal = ["incidents"]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(measures=Count("countermeasures"))

    @admin.display(description=gettext_lazy("countermeasures"), ordering="measures")
    def measure_count(self, obj) -> int:
        return obj.measures
