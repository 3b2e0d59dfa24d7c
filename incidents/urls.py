from django.urls import path

from incidents import views

urlpatterns = [
    path("api/incidents/<int:pk>/", views.incident_detail, name="api-incident"),
    path("api/root-causes/<int:pk>/", views.root_cause_detail, name="api-root-cause"),
]
