"""URLs of the retention review (included under /monitoring/ in the monitoring namespace)."""

from django.urls import path

from ..views import retention

urlpatterns: list = [
    path("retention/", retention.retention_review, name="retention_review"),
    path("retention/<slug:kind>/<int:pk>/dispose/", retention.retention_dispose, name="retention_dispose"),
]
