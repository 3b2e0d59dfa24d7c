from django.urls import path

from plans import views

urlpatterns = [
    path("plan/import/", views.plan_import, name="plan-import"),
    path("plan/imports/<int:pk>/", views.plan_import_run, name="plan-import-run"),
    path("plan/imports/<int:pk>/confirm/", views.plan_import_confirm, name="plan-import-confirm"),
    path("plan/template.xlsx", views.plan_template, name="plan-template"),
    path("plan/<int:pk>/export.xlsx", views.plan_export, name="plan-export"),
]
