"""URLs of concerns (included under /monitoring/ in the monitoring namespace)."""

from django.urls import path

from ..views import choosers, concerns

urlpatterns: list = [
    path("concerns/", concerns.concern_list, name="concern_list"),
    path("concerns/new/", concerns.concern_raise, name="concern_raise"),
    path("concerns/sent/", concerns.concern_sent, name="concern_sent"),
    path("concerns/mine/", concerns.concern_mine, name="concern_mine"),
    path("concerns/<int:pk>/", concerns.concern_detail, name="concern_detail"),
    path("concerns/<int:pk>/entries/", concerns.concern_entry_create, name="concern_entry_create"),
    path("concerns/<int:pk>/files/", concerns.concern_attachment_create, name="concern_attachment_create"),
    path("concerns/<int:pk>/close/", concerns.concern_close, name="concern_close"),
    path("concerns/files/<int:pk>/", concerns.concern_file, name="concern_file"),
    # Searches of the concern and incident forms' choosers (JSON for their script).
    path("search/learners/", choosers.report_learner_search, name="report_learner_search"),
    path("search/placements/", choosers.report_placement_search, name="report_placement_search"),
]
