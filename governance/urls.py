from django.urls import path
from django.views.i18n import set_language

from governance import views
from governance.decorators import public_view

urlpatterns = [
    path("accounts/login/", views.login, name="login"),
    path("accounts/logout/", views.logout, name="logout"),
    path("accounts/logout-everywhere/", views.logout_everywhere, name="logout-everywhere"),
    path("accounts/", views.account, name="account"),
    path("accounts/two-factor/setup/", views.otp_setup, name="otp-setup"),
    path("accounts/two-factor/", views.otp_verify, name="otp-verify"),
    path("audit/", views.audit_list, name="audit-list"),
    path("audit/export.csv", views.audit_export, name="audit-export"),
    path("responsibility/", views.responsibility, name="responsibility"),
    # Django's language switch (POST, CSRF-protected; remembered in a cookie).
    path("language/", public_view(set_language), name="set-language"),
]
