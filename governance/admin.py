"""Admin for role assignment and the reference data of organizations and committees."""

from __future__ import annotations

import copy

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance import services
from governance.admin_base import ReadOnlyInline, TrackedAdmin
from governance.models import (
    ROLE_LINES,
    Committee,
    CommitteeMembership,
    Meeting,
    Organization,
    OrgUnit,
    Recommendation,
    RegulatoryAction,
    RequiredItem,
    RoleAssignment,
)

User = get_user_model()


@admin.register(Organization)
class OrganizationAdmin(TrackedAdmin):
    list_display = ["code", "name", "short_name", "kind", "other_kinds", "archived_at"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "short_name"]


class RoleAssignmentInline(ReadOnlyInline):
    model = RoleAssignment
    fk_name = "org_unit"
    fields = ["user", "role", "valid_from", "valid_to"]
    readonly_fields = fields


@admin.register(OrgUnit)
class OrgUnitAdmin(TrackedAdmin):
    list_display = ["indented_name", "organization", "unit_type", "line", "code"]
    list_filter = ["organization", "line", "unit_type"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]
    inlines = [RoleAssignmentInline]

    @admin.display(description=gettext_lazy("name"), ordering="path")
    def indented_name(self, obj: OrgUnit) -> str:
        return f"{'　' * obj.depth}{obj.name}"

    fixed_after_creation = ("organization", "parent", "code")  # moving a subtree: not here

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.clean = _unit_form_clean(form.clean)
        return form

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        created = services.org_unit_create(
            organization=obj.organization,
            parent=obj.parent,
            code=obj.code,
            name=obj.name,
            unit_type=obj.unit_type,
            line=obj.line,
            actor=request.user,
            reason=_("Added in the admin"),
        )
        obj.pk, obj.path = created.pk, created.path


def _unit_form_clean(original):
    """Refuse a change of line while someone holds a role that does not belong there."""

    def clean(form):
        data = original(form)
        line = data.get("line")
        if form.instance.pk and line and line != form.instance.line:
            clashing = RoleAssignment.objects.filter(
                org_unit=form.instance, archived_at__isnull=True
            ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=timezone.localdate()))
            roles = {a.get_role_display() for a in clashing if line not in ROLE_LINES[a.role]}
            if roles:
                form.add_error(
                    "line",
                    _(
                        "End these assignments first; their roles do not belong in that line: "
                        "%(roles)s"
                    )
                    % {"roles": "、".join(sorted(roles))},
                )
        return data

    return clean


class ValidityFilter(admin.SimpleListFilter):
    title = gettext_lazy("validity today")
    parameter_name = "validity"

    def lookups(self, request, model_admin):
        return [
            ("current", _("current")),
            ("ended", _("ended")),
            ("future", _("not started yet")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "current":
            return queryset.active_on(today)
        if self.value() == "ended":
            return queryset.filter(valid_to__lt=today)
        if self.value() == "future":
            return queryset.filter(valid_from__gt=today)
        return queryset


class RoleAssignmentForm(forms.ModelForm):
    class Meta:
        model = RoleAssignment
        fields = ["user", "role", "org_unit", "valid_from", "valid_to", "note"]

    def clean(self):
        data = super().clean()
        if not self.errors:
            candidate = copy.copy(self.instance)
            for name, value in data.items():
                setattr(candidate, name, value)
            try:
                services.role_assignment_check_overlap(candidate)
            except ValidationError as exc:
                self.add_error(None, exc)
        return data


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(TrackedAdmin):
    form = RoleAssignmentForm
    list_display = [
        "user",
        "user_full_name",
        "role",
        "org_unit",
        "organization",
        "valid_from",
        "valid_to",
        "is_current",
    ]
    list_filter = [ValidityFilter, "role", "org_unit__organization", "org_unit__line"]
    search_fields = [
        "user__username",
        "user__first_name",
        "user__last_name",
        "user__email",
        "org_unit__name",
        "org_unit__code",
    ]
    autocomplete_fields = ["user", "org_unit"]
    date_hierarchy = "valid_from"
    list_select_related = ["user", "org_unit__organization"]
    actions = ["end_today"]

    @admin.display(description=gettext_lazy("name"))
    def user_full_name(self, obj: RoleAssignment) -> str:
        return obj.user.get_full_name()

    @admin.display(description=gettext_lazy("organization"), ordering="org_unit__organization")
    def organization(self, obj: RoleAssignment):
        return obj.org_unit.organization

    @admin.display(description=gettext_lazy("current"), boolean=True)
    def is_current(self, obj: RoleAssignment) -> bool:
        return obj.is_active_on(timezone.localdate())

    def get_readonly_fields(self, request, obj=None):
        # Who, what and where are the assignment; a different one is a new assignment.
        return ["user", "role", "org_unit"] if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            services.role_update(
                assignment=obj,
                valid_from=obj.valid_from,
                valid_to=obj.valid_to,
                note=obj.note,
                actor=request.user,
                reason=_("Changed in the admin"),
            )
            return
        created = services.role_assign(
            user=obj.user,
            role=obj.role,
            org_unit=obj.org_unit,
            valid_from=obj.valid_from,
            valid_to=obj.valid_to,
            note=obj.note,
            actor=request.user,
            reason=_("Assigned in the admin"),
        )
        obj.pk = created.pk

    @admin.action(description=gettext_lazy("End the selected assignments today"))
    def end_today(self, request, queryset):
        today = timezone.localdate()
        ended, refused = 0, []
        for assignment in queryset.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=today)):
            try:
                services.role_end(assignment=assignment, last_day=today, actor=request.user)
                ended += 1
            except ValidationError as exc:
                refused.append(f"{assignment}: {' '.join(exc.messages)}")
        if ended:
            self.message_user(
                request, _("%(n)d assignments end today.") % {"n": ended}, messages.SUCCESS
            )
        for message in refused:
            self.message_user(request, message, messages.ERROR)


class CommitteeMembershipInline(admin.TabularInline):
    model = CommitteeMembership
    extra = 0
    can_delete = False
    autocomplete_fields = ["user"]
    fields = [
        "display_name",
        "user",
        "affiliation",
        "position",
        "is_external",
        "valid_from",
        "valid_to",
    ]


class MeetingInline(admin.TabularInline):
    model = Meeting
    extra = 0
    can_delete = False
    fields = ["number", "held_on", "title"]


@admin.register(Committee)
class CommitteeAdmin(TrackedAdmin):
    list_display = ["name", "organization", "kind", "scope_list"]
    list_filter = ["kind", "organization"]
    search_fields = ["name", "code"]
    filter_horizontal = ["scope"]
    inlines = [CommitteeMembershipInline, MeetingInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("scope")

    @admin.display(description=gettext_lazy("organizations in scope"))
    def scope_list(self, obj: Committee) -> str:
        return "、".join(str(o) for o in obj.scope.all())


@admin.register(CommitteeMembership)
class CommitteeMembershipAdmin(TrackedAdmin):
    fixed_after_creation = ("committee",)
    list_display = ["display_name", "committee", "position", "is_external", "user", "valid_from"]
    list_filter = ["committee", "position", "is_external"]
    search_fields = ["display_name", "affiliation", "user__username"]
    autocomplete_fields = ["user"]


@admin.register(Meeting)
class MeetingAdmin(TrackedAdmin):
    fixed_after_creation = ("committee",)
    list_display = ["committee", "number", "held_on", "title"]
    list_filter = ["committee"]
    search_fields = ["title", "summary"]


class RecommendationForm(forms.ModelForm):
    class Meta:
        model = Recommendation
        fields = ["committee", "meeting", "number", "text", "received_on"]

    def clean(self):
        data = super().clean()
        committee, meeting = data.get("committee"), data.get("meeting")
        if committee and meeting and meeting.committee_id != committee.pk:
            self.add_error("meeting", _("The meeting belongs to another committee."))
        received = data.get("received_on")
        if meeting and meeting.held_on and received and received < meeting.held_on:
            self.add_error(
                "received_on", _("The recommendation is dated before the meeting that made it.")
            )
        return data


@admin.register(Recommendation)
class RecommendationAdmin(TrackedAdmin):
    form = RecommendationForm
    fixed_after_creation = ("committee",)
    list_display = ["committee", "number", "received_on", "short_text"]
    list_filter = ["committee"]
    search_fields = ["text"]
    readonly_fields = ["recorded_by"]

    @admin.display(description=gettext_lazy("recommendation"))
    def short_text(self, obj: Recommendation) -> str:
        return obj.text[:60]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        created = services.recommendation_record(
            committee=obj.committee,
            meeting=obj.meeting,
            number=obj.number,
            text=obj.text,
            received_on=obj.received_on,
            actor=request.user,
        )
        obj.pk = created.pk


class RequiredItemInline(admin.TabularInline):
    model = RequiredItem
    extra = 0
    can_delete = False
    fields = ["number", "text"]


@admin.register(RegulatoryAction)
class RegulatoryActionAdmin(TrackedAdmin):
    list_display = [
        "reference",
        "organization",
        "authority",
        "action_type",
        "issued_on",
        "response_due",
    ]
    list_filter = ["authority", "action_type", "organization"]
    search_fields = ["reference", "title", "summary"]
    date_hierarchy = "issued_on"
    inlines = [RequiredItemInline]


class UserRoleInline(ReadOnlyInline):
    model = RoleAssignment
    fk_name = "user"
    fields = ["role", "org_unit", "valid_from", "valid_to"]
    readonly_fields = fields
    verbose_name_plural = gettext_lazy("role assignments (change them under Role assignments)")


@admin.register(User)
class ThreelinesUserAdmin(UserAdmin):
    inlines = [UserRoleInline]
    fieldsets = (*UserAdmin.fieldsets, (gettext_lazy("Mails"), {"fields": ("language",)}))
    # Access groups and permissions are derived from role assignments; one added here by
    # hand would give access until the next sync undid it.
    readonly_fields = ("groups", "user_permissions")

    def has_delete_permission(self, request, obj=None):
        # People leave by ending their roles and deactivating the account; their name stays
        # on everything they recorded.
        return False
