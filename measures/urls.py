from django.urls import path

from measures import views

urlpatterns = [
    path("api/measures/<int:pk>/", views.measure_detail, name="api-measure"),
    path("api/measures/<int:pk>/status/", views.measure_record_status, name="api-measure-status"),
    path("api/measures/<int:pk>/verify/", views.measure_verify, name="api-measure-verify"),
    path("evidence/<int:pk>/download/", views.evidence_download, name="evidence-download"),
]
