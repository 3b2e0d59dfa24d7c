from django.urls import path

from reports import views

urlpatterns = [
    path("committees/<int:pk>/reports/", views.committee_reports, name="committee-reports"),
    path("committees/<int:pk>/reports/new/", views.report_create, name="report-create"),
    path("reports/<int:pk>/", views.report_detail, name="report-detail"),
    path("reports/<int:pk>/report.pdf", views.report_download, name="report-download"),
    path("reports/<int:pk>/tables.xlsx", views.report_tables, name="report-tables"),
    path("lines/", views.lines_panel, name="lines-panel"),
]
