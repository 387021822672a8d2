"""URLs of incidents (included under /monitoring/ in the monitoring namespace)."""

from django.urls import path

from ..views import incidents

urlpatterns: list = [
    path("incidents/", incidents.incident_list, name="incident_list"),
    path("incidents/new/", incidents.incident_report, name="incident_report"),
    path("incidents/<int:pk>/", incidents.incident_detail, name="incident_detail"),
    path("incidents/<int:pk>/decide/", incidents.incident_decide, name="incident_decide"),
]
