from django.urls import path

from measures import api, views, views_governance, views_incidents

urlpatterns = [
    path("", views.dashboard, name="home"),
    path("measures/", views.measure_list, name="measure-list"),
    path("measures/export.xlsx", views.measure_export, name="measure-export"),
    path("measures/<int:pk>/", views.measure_detail, name="measure-detail"),
    path("measures/<int:pk>/status/", views.measure_status_update, name="measure-status"),
    path("measures/<int:pk>/verify/", views.measure_verify_effectiveness, name="measure-verify"),
    path("measures/<int:pk>/reopen/", views.measure_reopen, name="measure-reopen"),
    path("measures/<int:pk>/comments/", views.measure_comment, name="measure-comment"),
    path("measures/<int:pk>/evidence/", views.measure_evidence_upload, name="measure-evidence"),
    path("incidents/", views_incidents.incident_list, name="incident-list"),
    path("incidents/<int:pk>/", views_incidents.incident_page, name="incident-detail"),
    path("root-causes/", views_incidents.root_cause_matrix, name="root-causes"),
    path("committees/", views_governance.committee_list, name="committee-list"),
    path("committees/<int:pk>/", views_governance.committee_detail, name="committee-detail"),
    path("regulatory-actions/", views_governance.regulatory_list, name="regulatory-list"),
    path("api/measures/<int:pk>/", api.measure_detail, name="api-measure"),
    path("api/measures/<int:pk>/status/", api.measure_record_status, name="api-measure-status"),
    path("api/measures/<int:pk>/verify/", api.measure_verify, name="api-measure-verify"),
    path("evidence/<int:pk>/download/", api.evidence_download, name="evidence-download"),
]
