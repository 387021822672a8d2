"""The second factor for staff sign-in: an authenticator app (TOTP) with backup codes.

After the password, a member of staff who has enrolled is asked for a code
from the app; when settings.MFA_REQUIRED is on (whenever DEBUG is off) one
who has not enrolled is sent to enrol before any other page. Until then
SecondFactorMiddleware lets through only the second-factor pages, signing
out and the pages that need no login (links, /healthz, the footer's pages).

Reading the safeguarding log asks for a code again when the last one is
older than settings.MFA_STEP_UP_SECONDS (`step_up_required`), so a session
left open on a shared laptop does not open the log to whoever sits down.

Whether the user has a device is noted in the session at login, so that an
ordinary page costs no query for it; the second-factor pages read the
devices themselves.
"""

import secrets
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

import django_otp
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from .models import School, SecondFactorReset

HAS_DEVICE = "mfa_has_device"
VERIFIED_AT = "mfa_verified_at"
NEW_CODES = "mfa_new_backup_codes"

APP_NAME = "Authenticator app"
BACKUP_NAME = "Backup codes"

# Pages an authenticated user who has not yet given a code may open.
OPEN_BEFORE_CODE = frozenset(
    {
        "mfa_verify",
        "mfa_setup",
        "mfa_backup_codes",
        "mfa_backup_codes_download",
        "logout",
        # Passkeys at the code page (altprov.passkeys).
        "otp_webauthn:credential-authentication-begin",
        "otp_webauthn:credential-authentication-complete",
        "otp_webauthn:js-i18n-catalog",
    }
)


def device_classes() -> tuple:
    """Every kind of second factor a user may hold: removing or resetting takes them all."""
    return (TOTPDevice, StaticDevice, WebAuthnCredential)


def app_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def passkeys(user) -> list[WebAuthnCredential]:
    return list(WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at"))


def backup_codes_left(user) -> int:
    device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    return device.token_set.count() if device else 0


@receiver(user_logged_in)
def _note_device_at_login(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[HAS_DEVICE] = has_device(user)


def normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "")


def check_code(user, code: str) -> TOTPDevice | StaticDevice | None:
    """The device that accepts `code`: the app first, then a backup code (used up by this).

    Each device counts its own failures and refuses for a while after
    several (django-otp's throttling), so guessing is slow. Locked rows: two
    requests cannot both spend one backup code or one app code.
    """
    code = normalise(code)
    if not code:
        return None
    with transaction.atomic():
        for model in (TOTPDevice, StaticDevice):
            for device in model.objects.filter(user=user, confirmed=True).select_for_update():
                if device.verify_token(code):
                    return device
    return None


def record_code(request: HttpRequest, device) -> None:
    """The user gave a good code now: the session is verified, and step-up's clock starts again."""
    django_otp.login(request, device)
    request.session[HAS_DEVICE] = True
    request.session[VERIFIED_AT] = timezone.now().timestamp()


def unconfirmed_app_device(user) -> TOTPDevice:
    """The app being set up: the same secret on every reload until a code confirms it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_NAME, confirmed=False)
    return device


@transaction.atomic
def confirm_app_device(device: TOTPDevice) -> None:
    """The code matched: this app becomes the user's one app device."""
    TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])


def new_backup_code() -> str:
    # Digits only, so that the one code box (inputmode numeric) takes both kinds.
    return f"{secrets.randbelow(10**10):010d}"


@transaction.atomic
def new_backup_codes(user) -> list[str]:
    """Replace the user's backup codes with settings.MFA_BACKUP_CODES new single-use ones."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_NAME, confirmed=True)
    codes = [new_backup_code() for _ in range(settings.MFA_BACKUP_CODES)]
    device.token_set.bulk_create([device.token_set.model(device=device, token=code) for code in codes])
    return codes


def show_code(code: str) -> str:
    return f"{code[:5]} {code[5:]}" if len(code) == 10 else code


@transaction.atomic
def remove_second_factor(user) -> None:
    for model in device_classes():
        model.objects.filter(user=user).delete()


@transaction.atomic
def reset_second_factor(*, user, school: School, by, reason: str) -> SecondFactorReset:
    """Remove a member of staff's app and backup codes (a lost phone), recording who, when and why.

    Their open sessions lose their verification with the device, so they
    next set up a new app (or, in demo mode, carry on without one).
    """
    remove_second_factor(user)
    return SecondFactorReset.objects.create(
        user=user, school=school, reset_by=by, reason=reason.strip(), reset_at=timezone.now()
    )


def with_next(url_name: str, target: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': target})}"


class SecondFactorMiddleware:
    """Before a code, a signed-in user reaches only the second-factor pages and public ones.

    After django_otp's OTPMiddleware (which sets user.is_verified()) and
    LoginRequiredMiddleware (which sends anonymous users to the login).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if not getattr(view_func, "login_required", True):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_BEFORE_CODE:
            return None
        target = request.get_full_path() if request.method in ("GET", "HEAD") else reverse("home")
        if request.session.get(HAS_DEVICE):
            return redirect(with_next("mfa_verify", target))
        if settings.MFA_REQUIRED:
            return redirect(with_next("mfa_setup", target))
        return None


def step_up_due(request: HttpRequest) -> bool:
    """True when the last code is older than settings.MFA_STEP_UP_SECONDS.

    A user who has not given a code in this session got past the middleware
    only without a device and with the second factor not required (the
    demo): nothing to ask them for.
    """
    if not request.user.is_verified():
        return False
    at = request.session.get(VERIFIED_AT)
    if at is None:
        return True
    return timezone.now().timestamp() - at > settings.MFA_STEP_UP_SECONDS


def _back_here(request: HttpRequest) -> str:
    """Where to return after the code: this page, or for a form the page it was sent from."""
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    referer = request.headers.get("referer", "")
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return reverse("home")


def step_up_required(view: Callable) -> Callable:
    """Ask for a code again before this view when the last one is older than the step-up limit."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if step_up_due(request):
            return redirect(with_next("mfa_confirm", _back_here(request)))
        return view(request, *args, **kwargs)

    return wrapped
