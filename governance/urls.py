from django.urls import path

from governance import views

urlpatterns = [
    path("accounts/login/", views.login, name="login"),
    path("accounts/logout/", views.logout, name="logout"),
    path("accounts/logout-everywhere/", views.logout_everywhere, name="logout-everywhere"),
    path("accounts/", views.account, name="account"),
    path("accounts/deputies/", views.deputy_appoint, name="deputy-appoint"),
    path("accounts/deputies/<int:pk>/end/", views.deputy_end, name="deputy-end"),
    path("accounts/two-factor/setup/", views.otp_setup, name="otp-setup"),
    path("accounts/two-factor/", views.otp_verify, name="otp-verify"),
    path("audit/", views.audit_list, name="audit-list"),
    path("audit/export.csv", views.audit_export, name="audit-export"),
    path("responsibility/", views.responsibility, name="responsibility"),
    path("organizations/<int:pk>/terms/", views.organization_terms, name="organization-terms"),
    # The language switch (POST, CSRF-protected; a cookie, and the person's mail language).
    path("language/", views.set_language, name="set-language"),
    # Load balancers and monitoring: the database and the broker answer (no sign-in).
    path("healthz", views.health, name="health"),
]
