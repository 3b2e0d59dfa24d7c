from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _
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


class IncidentForm(forms.ModelForm):
    class Meta:
        model = Incident
        fields = [
            "organization",
            "number",
            "title",
            "summary",
            "organizations_involved",
            "systems",
            "notes",
        ]

    def clean(self):
        data = super().clean()
        org = data.get("organization") or self.instance.organization
        if org is None:
            return data
        if any(system.organization_id != org.pk for system in data.get("systems") or []):
            self.add_error("systems", _("A system belongs to another organization."))
        involved = data.get("organizations_involved")
        if involved is not None and org not in involved:
            self.add_error(
                "organizations_involved",
                _("The organization that owns the incident is always involved in it."),
            )
        return data


class RootCauseForm(forms.ModelForm):
    class Meta:
        model = RootCause
        fields = ["organization", "number", "title", "short_title", "explanation", "incidents"]

    def clean(self):
        data = super().clean()
        org = data.get("organization") or self.instance.organization
        for incident in data.get("incidents") or []:
            if org and not incident.organizations_involved.filter(pk=org.pk).exists():
                self.add_error(
                    "incidents",
                    _("Incident %(label)s does not involve this organization.")
                    % {"label": incident.label},
                )
        return data


@admin.register(Incident)
class IncidentAdmin(TrackedAdmin):
    form = IncidentForm
    list_display = ["label", "title", "organization"]
    list_display_links = ["label", "title"]
    list_filter = ["organization"]
    search_fields = ["title", "summary"]
    filter_horizontal = ["organizations_involved", "systems"]
    inlines = [IncidentMetricInline]


@admin.register(AffectedSystem)
class AffectedSystemAdmin(TrackedAdmin):
    list_display = ["name", "organization", "operator"]
    list_filter = ["organization"]
    search_fields = ["name", "code"]


@admin.register(RootCause)
class RootCauseAdmin(TrackedAdmin):
    form = RootCauseForm
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
