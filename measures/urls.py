from django.urls import path

from measures import api
from measures.views import committees, dashboard, detail, incidents, lists

urlpatterns = [
    path("", dashboard.dashboard, name="home"),
    path("measures/", lists.measure_list, name="measure-list"),
    path("measures/export.xlsx", lists.measure_export, name="measure-export"),
    path("measures/<int:pk>/", detail.measure_detail, name="measure-detail"),
    path("measures/<int:pk>/status/", detail.measure_status_update, name="measure-status"),
    path("measures/<int:pk>/verify/", detail.measure_verify_effectiveness, name="measure-verify"),
    path("measures/<int:pk>/reopen/", detail.measure_reopen, name="measure-reopen"),
    path("measures/<int:pk>/comments/", detail.measure_comment, name="measure-comment"),
    path("measures/<int:pk>/evidence/", detail.measure_evidence_upload, name="measure-evidence"),
    path("incidents/", incidents.incident_list, name="incident-list"),
    path("incidents/<int:pk>/", incidents.incident_page, name="incident-detail"),
    path("root-causes/", incidents.root_cause_matrix, name="root-causes"),
    path("committees/", committees.committee_list, name="committee-list"),
    path("committees/<int:pk>/", committees.committee_detail, name="committee-detail"),
    path("regulatory-actions/", committees.regulatory_list, name="regulatory-list"),
    path("api/measures/<int:pk>/", api.measure_detail, name="api-measure"),
    path("api/measures/<int:pk>/status/", api.measure_record_status, name="api-measure-status"),
    path("api/measures/<int:pk>/verify/", api.measure_verify, name="api-measure-verify"),
    path("evidence/<int:pk>/download/", api.evidence_download, name="evidence-download"),
]
