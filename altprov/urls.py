from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from . import links, mfa_views, views
from .forms import ThrottledPasswordResetForm
from .logfilters import LINK_PREFIX

# A self-contained page with a reference that is also in the log line (altprov/errors.py).
handler500 = "altprov.errors.server_error"

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
    # The second factor (altprov.mfa): the pages a user reaches before giving a code, then the rest.
    path("accounts/second-factor/code/", mfa_views.mfa_verify, name="mfa_verify"),
    path("accounts/second-factor/confirm/", mfa_views.mfa_confirm, name="mfa_confirm"),
    path("accounts/second-factor/set-up/", mfa_views.mfa_setup, name="mfa_setup"),
    path("accounts/second-factor/backup-codes/", mfa_views.mfa_backup_codes, name="mfa_backup_codes"),
    path(
        "accounts/second-factor/backup-codes/download/",
        mfa_views.mfa_backup_codes_download,
        name="mfa_backup_codes_download",
    ),
    path("accounts/second-factor/", mfa_views.mfa_manage, name="mfa_manage"),
    path("accounts/second-factor/new-backup-codes/", mfa_views.mfa_regenerate, name="mfa_regenerate"),
    path("accounts/second-factor/remove/", mfa_views.mfa_remove, name="mfa_remove"),
    path("school/second-factor/", mfa_views.mfa_staff, name="mfa_staff"),
    path("school/second-factor/<int:pk>/reset/", mfa_views.mfa_reset, name="mfa_reset"),
    path("accounts/passkeys/", include("altprov.passkeys")),
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
