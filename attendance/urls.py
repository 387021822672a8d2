from django.urls import path

from .views import amendments, exports, followup, register, today, unexplained

app_name = "attendance"
urlpatterns = [
    # The admin assistant's day.
    path("", today.today, name="today"),
    path("providers/<int:pk>/record/", today.record_marks_view, name="record_marks"),
    path("providers/<int:pk>/resend/", today.resend_link, name="resend_link"),
    path("providers/<int:pk>/chase/", today.chase, name="chase"),
    path("links/<int:pk>/revoke/", today.revoke_link, name="revoke_link"),
    path("flags/<int:pk>/close/", today.close_flag_view, name="close_flag"),
    path("register/", register.register_grid, name="register_grid"),
    path("register.csv", register.register_grid_csv, name="register_grid_csv"),
    path("marks/<int:pk>/amend/", amendments.amend_mark_view, name="amend_mark"),
    path("unexplained/", unexplained.unexplained, name="unexplained"),
    # Figures and follow-up.
    path("follow-up/", followup.follow_up, name="follow_up"),
    path("learners/<int:pk>/", followup.learner_attendance, name="learner_attendance"),
    path("learners/<int:pk>/interventions/new/", followup.intervention_create, name="intervention_create"),
    path(
        "learners/<int:pk>/parent-contacts/new/", followup.parent_contact_create, name="parent_contact_create"
    ),
    path("export/marks.csv", exports.export_marks, name="export_marks"),
    path("export/summary.csv", exports.export_summary, name="export_summary"),
]
