from django.contrib import admin
from django.urls import path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Threelines administration")
admin.site.site_title = _("Threelines")
admin.site.index_title = _("Roles and reference data")

urlpatterns = [
    path("admin/", admin.site.urls),
]
