from django.urls import path

from .views import calendar, learners, placements, providers

app_name = "placements"
urlpatterns = [
    path("learners/", learners.learner_list, name="learner_list"),
    path("learners/new/", learners.learner_create, name="learner_create"),
    path("learners/<int:pk>/", learners.learner_detail, name="learner_detail"),
    path("learners/<int:pk>/edit/", learners.learner_edit, name="learner_edit"),
    path("learners/<int:pk>/attainment/", learners.learner_attainment, name="learner_attainment"),
    path("providers/", providers.provider_list, name="provider_list"),
    path("providers/new/", providers.provider_create, name="provider_create"),
    path("providers/<int:pk>/", providers.provider_detail, name="provider_detail"),
    path("providers/<int:pk>/edit/", providers.provider_edit, name="provider_edit"),
    path("providers/<int:pk>/sites/new/", providers.site_create, name="site_create"),
    path("providers/<int:pk>/evidence/new/", providers.evidence_create, name="evidence_create"),
    path("providers/<int:pk>/approve/", providers.provider_approve, name="provider_approve"),
    path("providers/<int:pk>/withdraw/", providers.provider_withdraw, name="provider_withdraw"),
    path("providers/<int:pk>/reviews/new/", providers.review_create, name="review_create"),
    path("providers/<int:pk>/closures/new/", providers.closure_create, name="provider_closure_create"),
    path(
        "providers/<int:pk>/closures/<int:closure_pk>/delete/",
        providers.closure_delete,
        name="provider_closure_delete",
    ),
    path("evidence/<int:pk>/file/", providers.evidence_file, name="evidence_file"),
    path("placements/", placements.placement_list, name="placement_list"),
    path("placements/new/", placements.placement_create, name="placement_create"),
    path("placements/where/", placements.where_is, name="where_is"),
    path("placements/<int:pk>/", placements.placement_detail, name="placement_detail"),
    path("placements/<int:pk>/edit/", placements.placement_edit, name="placement_edit"),
    path("placements/<int:pk>/targets/", placements.placement_targets, name="placement_targets"),
    path("placements/<int:pk>/meeting/", placements.placement_meeting, name="placement_meeting"),
    path("placements/<int:pk>/agree/", placements.placement_agree, name="placement_agree"),
    path("placements/<int:pk>/activate/", placements.placement_activate, name="placement_activate"),
    path("placements/<int:pk>/end/", placements.placement_end, name="placement_end"),
    path("placements/<int:pk>/cease/", placements.placement_cease, name="placement_cease"),
    path(
        "placements/<int:pk>/authorise-cost/",
        placements.placement_authorise_cost,
        name="placement_authorise_cost",
    ),
    path("calendar/", calendar.calendar_overview, name="calendar_overview"),
    path("calendar/terms/new/", calendar.term_create, name="term_create"),
    path("calendar/terms/<int:pk>/edit/", calendar.term_edit, name="term_edit"),
    path("calendar/closures/new/", calendar.closure_create, name="closure_create"),
    path("calendar/closures/<int:pk>/delete/", calendar.closure_delete, name="closure_delete"),
]
