"""Passkeys (WebAuthn) as a second factor, through django-otp-webauthn.

A passkey is added from "Your second factor" once the app is set up (the
registration pages are closed to a session that has not given a code), and
then works at the code page in place of the app's code: on a school laptop
with Windows Hello or a security key that is one touch. The password is
still asked first (settings.OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN is off).

The package's own script files are served from static; its configuration
reaches them as JSON (json_script), so no inline script runs and a strict
Content-Security-Policy holds.
"""

from django.urls import path
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import views as webauthn

from . import mfa


class CompletePasskey(webauthn.CompleteCredentialAuthenticationView):
    """A passkey counts as a fresh code: the session is verified and step-up's clock starts again."""

    def complete_auth(self, device):
        user = super().complete_auth(device)
        mfa.record_code(self.request, device)
        return user


app_name = "otp_webauthn"
urlpatterns = [
    path(
        "registration/begin/",
        webauthn.BeginCredentialRegistrationView.as_view(),
        name="credential-registration-begin",
    ),
    path(
        "registration/complete/",
        webauthn.CompleteCredentialRegistrationView.as_view(),
        name="credential-registration-complete",
    ),
    path(
        "authentication/begin/",
        webauthn.BeginCredentialAuthenticationView.as_view(),
        name="credential-authentication-begin",
    ),
    path("authentication/complete/", CompletePasskey.as_view(), name="credential-authentication-complete"),
    path(
        "jsi18n/",
        JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]),
        name="js-i18n-catalog",
    ),
]
