"""URLs of visits (included under /monitoring/ in the monitoring namespace)."""

from django.urls import path

from ..views import visits

urlpatterns: list = [
    path("visits/", visits.visit_list, name="visit_list"),
    path("placements/<int:pk>/visits/new/", visits.visit_start, name="visit_start"),
    path("visits/<int:pk>/", visits.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/edit/", visits.visit_edit, name="visit_edit"),
    path("visits/<int:pk>/draft/", visits.visit_draft, name="visit_draft"),
    path("visits/<int:pk>/pdf/", visits.visit_pdf, name="visit_pdf"),
]
