from django.urls import path

from registry import views

urlpatterns = [
    path("registry/", views.registry_list, name="registry-list"),
    path("registry/exposures/", views.exposure_list, name="registry-exposures"),
    path("registry/systems/new/", views.registration_create, name="registry-system-create"),
    path("registry/systems/<int:pk>/", views.registration_detail, name="registry-system"),
    path("registry/systems/<int:pk>/edit/", views.registration_edit, name="registry-system-edit"),
    path("registry/systems/<int:pk>/items/new/", views.item_create, name="registry-item-create"),
    path("registry/items/<int:pk>/edit/", views.item_edit, name="registry-item-edit"),
    path("registry/items/<int:pk>/reach/new/", views.reach_create, name="registry-reach-create"),
    path("registry/items/<int:pk>/propose/", views.proposal_create, name="registry-propose"),
    path("registry/reach/<int:pk>/edit/", views.reach_edit, name="registry-reach-edit"),
    path(
        "registry/proposals/<int:pk>/decide/",
        views.proposal_decide,
        name="registry-proposal-decide",
    ),
]
