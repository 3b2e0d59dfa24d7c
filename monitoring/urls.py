from django.urls import path

from monitoring import views

urlpatterns = [
    path("monitoring/", views.monitoring_list, name="monitoring-list"),
    path("monitoring/new/", views.activity_create, name="monitoring-create"),
    path("monitoring/<int:pk>/", views.activity_detail, name="monitoring-detail"),
    path("monitoring/<int:pk>/edit/", views.activity_edit, name="monitoring-edit"),
    path("monitoring/<int:pk>/runs/new/", views.run_create, name="monitoring-run-create"),
    path("monitoring/runs/<int:pk>/", views.run_detail, name="monitoring-run"),
    path("monitoring/runs/<int:pk>/file/", views.run_file, name="monitoring-run-file"),
    path(
        "monitoring/runs/<int:pk>/exceptions/",
        views.exception_raise,
        name="monitoring-exception-raise",
    ),
    path("monitoring/exceptions/<int:pk>/", views.exception_detail, name="monitoring-exception"),
    path(
        "monitoring/exceptions/<int:pk>/respond/",
        views.exception_respond,
        name="monitoring-exception-respond",
    ),
    path(
        "monitoring/exceptions/<int:pk>/link/",
        views.exception_link,
        name="monitoring-exception-link",
    ),
    path(
        "monitoring/exceptions/<int:pk>/new-measure/",
        views.exception_new_measure,
        name="monitoring-exception-new-measure",
    ),
    path(
        "monitoring/exceptions/<int:pk>/close/",
        views.exception_close,
        name="monitoring-exception-close",
    ),
]
