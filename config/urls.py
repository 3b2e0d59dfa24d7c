from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from governance.admin_site import admin_only

admin.site.site_header = _("Threelines administration")
admin.site.site_title = _("Threelines")
admin.site.index_title = _("Roles and reference data")
admin_only(admin.site)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("governance.urls")),
    path("", include("incidents.urls")),
    path("", include("measures.urls")),
    path("", include("monitoring.urls")),
    path("", include("internalaudit.urls")),
    path("", include("registry.urls")),
    path("", include("reports.urls")),
    path("", include("reminders.urls")),
    path("", include("plans.urls")),
]
