from django.urls import path

from measures import api
from measures.views import authoring, changes, committees, dashboard, detail, incidents, lists

urlpatterns = [
    path("", dashboard.dashboard, name="home"),
    path("measures/", lists.measure_list, name="measure-list"),
    path("measures/export.xlsx", lists.measure_export, name="measure-export"),
    path("measures/new/", authoring.measure_create, name="measure-create"),
    path("measures/<int:pk>/", detail.measure_detail, name="measure-detail"),
    path("measures/<int:pk>/edit/", authoring.measure_edit, name="measure-edit"),
    path("measures/<int:pk>/withdraw/", authoring.measure_archive, name="measure-archive"),
    path("measures/<int:pk>/move/", authoring.measure_move, name="measure-move"),
    path("measures/<int:pk>/reflect/", authoring.measure_reflect, name="measure-reflect"),
    path(
        "measures/<int:pk>/change-requests/",
        changes.change_request_create,
        name="change-request-create",
    ),
    path("change-requests/", changes.change_request_list, name="change-request-list"),
    path(
        "change-requests/<int:pk>/decide/",
        changes.change_request_decide,
        name="change-request-decide",
    ),
    path(
        "change-requests/<int:pk>/withdraw/",
        changes.change_request_withdraw,
        name="change-request-withdraw",
    ),
    path("perspectives/", authoring.perspective_list, name="perspective-list"),
    path("perspectives/<int:pk>/edit/", authoring.perspective_edit, name="perspective-edit"),
    path("root-causes/new/", authoring.root_cause_create, name="root-cause-create"),
    path("root-causes/<int:pk>/edit/", authoring.root_cause_edit, name="root-cause-edit"),
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
