"""The admin base every business model uses: history, object permissions, no deletes."""

from django.contrib import admin
from django.utils.translation import gettext as _
from guardian.admin import GuardedModelAdminMixin
from simple_history.admin import SimpleHistoryAdmin

from governance.history import save_tracked


class TrackedAdmin(GuardedModelAdminMixin, SimpleHistoryAdmin):
    """History button, guardian's object-permission page, and no hard deletes.

    Saves record the administrator and a change reason in the history.
    """

    actions = None  # no bulk delete

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        save_tracked(
            obj,
            actor=request.user,
            reason=_("Changed in the admin") if change else _("Added in the admin"),
            validate=False,  # the admin form has validated it
        )


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
