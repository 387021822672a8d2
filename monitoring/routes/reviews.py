"""URLs of reviews (included under /monitoring/ in the monitoring namespace)."""

from django.urls import path

from ..views import reviews

urlpatterns: list = [
    path("reviews/", reviews.review_list, name="review_list"),
    path("reviews/<int:pk>/", reviews.review_detail, name="review_detail"),
    path("reviews/<int:pk>/response/", reviews.review_respond, name="review_respond"),
    path("reviews/<int:pk>/new-version/", reviews.review_new_version, name="review_new_version"),
    path("reviews/<int:pk>/send-again/", reviews.review_resend, name="review_resend"),
    path("reviews/<int:pk>/pdf/", reviews.review_pdf, name="review_pdf"),
]
