"""The admin base every business model uses: history, object permissions, no deletes."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.admin import GuardedModelAdminMixin
from guardian.models import GroupObjectPermission
from simple_history.admin import SimpleHistoryAdmin

from core.history import save_tracked
from governance import permissions
from governance.models import Committee


class TrackedAdmin(GuardedModelAdminMixin, SimpleHistoryAdmin):
    """History button, guardian's object-permission page, and no hard deletes.

    Saves record the administrator and a change reason in the history.
    """

    actions = None  # no bulk delete
    # Fields that place a record in an organization cannot change once it exists: the
    # records that point at it would end up across the firewall.
    fixed_after_creation: tuple[str, ...] = ("organization",)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            names = {f.name for f in self.model._meta.get_fields()}
            fields += [f for f in self.fixed_after_creation if f in names and f not in fields]
        return fields

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Reverting to an old version would bypass the services and their checks: the
        # history is for reading only.
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return True

    def obj_perms_manage_view(self, request, object_pk):
        """Who holds which permission on the object: derived from roles, shown, never edited
        here (a hand-made grant would bypass the firewall and vanish at the next sync)."""
        if request.method != "GET" or not self.has_view_permission(request):
            raise PermissionDenied
        obj = get_object_or_404(self.get_queryset(request), pk=unquote(object_pk))
        rows = (
            GroupObjectPermission.objects.filter(
                content_type=ContentType.objects.get_for_model(obj), object_pk=str(obj.pk)
            )
            .select_related("group__access__org_unit__organization", "permission")
            .order_by("group__name", "permission__codename")
        )
        grants: dict = {}
        for row in rows:
            grants.setdefault(row.group, []).append(row.permission.name)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Permissions on %(object)s") % {"object": obj},
            "object": obj,
            "opts": self.model._meta,
            "grants": [
                (group, perms, list(group.user_set.order_by("username")))
                for group, perms in grants.items()
            ],
        }
        return TemplateResponse(request, "admin/derived_permissions.html", context)

    def obj_perms_manage_user_view(self, request, object_pk, user_id):
        raise PermissionDenied

    def obj_perms_manage_group_view(self, request, object_pk, group_id):
        raise PermissionDenied

    def save_model(self, request, obj, form, change):
        save_tracked(obj, actor=request.user, reason=admin_reason(obj), validate=False)

    def save_formset(self, request, form, formset, change):
        for instance in formset.save(commit=False):
            save_tracked(instance, actor=request.user, reason=admin_reason(instance))
        formset.save_m2m()

    def save_related(self, request, form, formsets, change):
        """After the record and its links are saved, bring derived access in line: guarded
        records get their object permissions, roster changes their members' groups."""
        super().save_related(request, form, formsets, change)
        obj = form.instance
        if isinstance(obj, Committee):  # its scope decides who reads its reports too
            permissions.access_sync_committee(obj, actor=request.user)
        elif type(obj) in {spec.model for spec in permissions.guarded_models()}:
            permissions.access_sync_objects(type(obj), [obj.pk], actor=request.user)
        for user in _people_touched(obj, formsets):
            permissions.access_sync_user(user, today=timezone.localdate(), actor=request.user)


def _people_touched(obj, formsets) -> set:
    """People whose committee membership was added or changed in this save."""
    people = {getattr(obj, "user", None)} if hasattr(obj, "committee_id") else set()
    for formset in formsets:
        for form in formset.forms:
            user = getattr(form.instance, "user", None)
            if user is not None and hasattr(form.instance, "committee_id"):
                people.add(user)
    people.discard(None)
    return people


def admin_reason(obj) -> str:
    """The history reason of a save in the admin (validated by the admin form already)."""
    return _("Added in the admin") if obj._state.adding else _("Changed in the admin")


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyTrackedAdmin(TrackedAdmin):
    """Records written by the compliance UI's services: visible here, changed there."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
