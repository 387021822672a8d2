"""URLs of meetings (included under /monitoring/ in the monitoring namespace)."""

from django.urls import path

from ..views import meetings

urlpatterns: list = [
    path("placements/<int:pk>/meetings/new/", meetings.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("cease-decisions/<int:pk>/", meetings.cease_decision, name="cease_decision"),
    path(
        "placements/<int:pk>/agreement-reviews/new/",
        meetings.agreement_review_create,
        name="agreement_review_create",
    ),
    path("actions/", meetings.action_list, name="action_list"),
    path("actions/<int:pk>/done/", meetings.action_done, name="action_done"),
]
