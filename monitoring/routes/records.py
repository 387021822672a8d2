"""URLs of a learner's records as a whole (included under /monitoring/ in the monitoring namespace)."""

from django.urls import path

from ..views import records

urlpatterns: list = [
    path("learners/<int:pk>/subject-access/", records.subject_access, name="subject_access"),
]
