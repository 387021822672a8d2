from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from . import links, views
from .forms import ThrottledPasswordResetForm
from .logfilters import LINK_PREFIX

urlpatterns = [
    # The home page belongs to the top layer; a dotted string, so the base imports no app.
    path("", include("monitoring.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("school/switch/", views.switch_school, name="switch_school"),
    path("school/settings/", views.school_settings, name="school_settings"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    # Public, so that signing out after the session expired does not ask for a login first.
    path("accounts/logout/", login_not_required(auth_views.LogoutView.as_view()), name="logout"),
    path(
        "accounts/password-reset/",
        auth_views.PasswordResetView.as_view(form_class=ThrottledPasswordResetForm),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # Every link for people without an account, whatever it is for (altprov.links).
    path(f"{LINK_PREFIX[1:]}<str:token>/", links.link_page, name="link_page"),
    path(f"{LINK_PREFIX[1:]}<str:token>/fresh/", links.link_fresh, name="link_fresh"),
    path(f"{LINK_PREFIX[1:]}<str:token>/<slug:page_name>/", links.link_page, name="link_subpage"),
    path("admin/", admin.site.urls),
    path("attendance/", include("attendance.urls")),
    path("", include("placements.urls")),
]
