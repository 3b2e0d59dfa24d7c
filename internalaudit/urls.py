from django.urls import path

from internalaudit import views

urlpatterns = [
    path("internal-audit/", views.audit_list, name="internal-audit"),
    path("internal-audit/plans/new/", views.plan_create, name="audit-plan-create"),
    path("internal-audit/plans/<int:pk>/edit/", views.plan_edit, name="audit-plan-edit"),
    path(
        "internal-audit/engagements/new/", views.engagement_create, name="audit-engagement-create"
    ),
    path("internal-audit/engagements/<int:pk>/", views.engagement_detail, name="audit-engagement"),
    path(
        "internal-audit/engagements/<int:pk>/edit/",
        views.engagement_edit,
        name="audit-engagement-edit",
    ),
    path(
        "internal-audit/engagements/<int:pk>/findings/",
        views.finding_create,
        name="audit-finding-create",
    ),
    path("internal-audit/findings/<int:pk>/", views.finding_detail, name="audit-finding"),
    path("internal-audit/findings/<int:pk>/edit/", views.finding_edit, name="audit-finding-edit"),
    path(
        "internal-audit/findings/<int:pk>/respond/",
        views.finding_respond,
        name="audit-finding-respond",
    ),
    path(
        "audit/findings/<int:pk>/follow-up/",
        views.finding_follow_up,
        name="audit-finding-follow-up",
    ),
    path(
        "internal-audit/findings/<int:pk>/close/", views.finding_close, name="audit-finding-close"
    ),
]
