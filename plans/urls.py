from django.urls import path

from plans import views

urlpatterns = [
    path("plan/import/", views.plan_import, name="plan-import"),
    path("plan/template.xlsx", views.plan_template, name="plan-template"),
    path("plan/<int:pk>/export.xlsx", views.plan_export, name="plan-export"),
]
