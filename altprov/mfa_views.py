"""The second-factor pages: enrol, give a code, backup codes, manage, and the head's reset."""

from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import mfa
from .mfa_forms import CodeForm, ResetForm
from .models import Membership, SecondFactorReset, User
from .redirects import safe_next
from .roles import has_perm


def _secret(device: TOTPDevice) -> str:
    raw = b32encode(device.bin_key).decode()
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def mfa_setup(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator app: scan the QR code (or type the secret), then enter a code."""
    user = request.user
    if mfa.has_device(user):
        # A second app only after a code from the first (mfa_remove), never around it.
        return redirect("mfa_manage" if user.is_verified() else "mfa_verify")
    device = mfa.unconfirmed_app_device(user)
    form = CodeForm(
        request.POST or None,
        user=user,
        check=lambda _user, code: device if device.verify_token(mfa.normalise(code)) else None,
    )
    if request.method == "POST" and form.is_valid():
        mfa.confirm_app_device(device)
        mfa.record_code(request, device)
        request.session[mfa.NEW_CODES] = mfa.new_backup_codes(user)
        messages.success(request, "Your authenticator app is set up. Save your backup codes now.")
        return redirect(mfa.with_next("mfa_backup_codes", safe_next(request, reverse("home"))))
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "registration/mfa_setup.html",
        {
            "form": form,
            "qr_svg": qr.svg_inline(scale=4, title="QR code to scan with your authenticator app"),
            "secret": _secret(device),
            "next": safe_next(request, ""),
        },
    )


def _code_page(request: HttpRequest, *, step_up: bool) -> HttpResponse:
    user = request.user
    target = safe_next(request, reverse("home"))
    if not mfa.has_device(user):
        request.session[mfa.HAS_DEVICE] = False
        if settings.MFA_REQUIRED:
            return redirect(mfa.with_next("mfa_setup", target))
        return redirect(target)
    if user.is_verified() and not step_up:
        return redirect(target)
    form = CodeForm(request.POST or None, user=user, check=mfa.check_code, backup=True)
    if request.method == "POST" and form.is_valid():
        mfa.record_code(request, form.device)
        if isinstance(form.device, StaticDevice):
            left = mfa.backup_codes_left(user)
            messages.warning(
                request,
                f"You used a backup code: {left} left. "
                "Set up new backup codes from “Your second factor” before they run out.",
            )
        return redirect(target)
    return render(
        request,
        "registration/mfa_verify.html",
        {
            "form": form,
            "next": target,
            "step_up": step_up,
            "has_passkey": bool(mfa.passkeys(user)),
            "step_up_minutes": settings.MFA_STEP_UP_SECONDS // 60,
        },
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def mfa_verify(request: HttpRequest) -> HttpResponse:
    """After the password: the code from the app (or a backup code)."""
    return _code_page(request, step_up=False)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def mfa_confirm(request: HttpRequest) -> HttpResponse:
    """Confirm it's you: a fresh code before reading the safeguarding log (altprov.mfa.step_up_required)."""
    return _code_page(request, step_up=True)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def mfa_backup_codes(request: HttpRequest) -> HttpResponse:
    """The new backup codes, shown once: kept in the session only until the user says they are saved."""
    codes = request.session.get(mfa.NEW_CODES)
    target = safe_next(request, reverse("home"))
    if request.method == "POST":
        request.session.pop(mfa.NEW_CODES, None)
        return redirect(target)
    if not codes:
        return redirect("mfa_manage" if request.user.is_verified() else target)
    return render(
        request,
        "registration/mfa_backup_codes.html",
        {"codes": [mfa.show_code(code) for code in codes], "next": target},
    )


@never_cache
def mfa_backup_codes_download(request: HttpRequest) -> HttpResponse:
    codes = request.session.get(mfa.NEW_CODES)
    if not codes:
        raise Http404("No new backup codes to download.")
    lines = [
        f"altprov backup codes for {request.user.get_username()}",
        "Each code works once, in place of a code from your authenticator app.",
        "",
        *(mfa.show_code(code) for code in codes),
        "",
    ]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="altprov-backup-codes.txt"'
    return response


def _manage_page(request: HttpRequest, **forms) -> HttpResponse:
    user = request.user
    forms.setdefault("regenerate_form", CodeForm(user=user, check=mfa.check_code, prefix="regenerate"))
    forms.setdefault("remove_form", CodeForm(user=user, check=mfa.check_code, prefix="remove"))
    device = mfa.app_device(user)
    return render(
        request,
        "registration/mfa_manage.html",
        {
            "device": device,
            "codes_left": mfa.backup_codes_left(user) if device else 0,
            "passkeys": mfa.passkeys(user) if device else [],
            **forms,
        },
    )


def mfa_manage(request: HttpRequest) -> HttpResponse:
    """Your second factor: the app, the backup codes left, new codes, and removing the app."""
    return _manage_page(request)


@require_POST
def mfa_regenerate(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST, user=request.user, check=mfa.check_code, prefix="regenerate")
    if not mfa.has_device(request.user):
        return redirect("mfa_setup")
    if not form.is_valid():
        return _manage_page(request, regenerate_form=form)
    mfa.record_code(request, form.device)
    request.session[mfa.NEW_CODES] = mfa.new_backup_codes(request.user)
    messages.success(request, "New backup codes made: the old ones no longer work.")
    return redirect(mfa.with_next("mfa_backup_codes", reverse("mfa_manage")))


@require_POST
def mfa_remove(request: HttpRequest) -> HttpResponse:
    """Remove the app (to replace it with a new phone), after a code from it or a backup code."""
    form = CodeForm(request.POST, user=request.user, check=mfa.check_code, prefix="remove")
    if not mfa.has_device(request.user):
        return redirect("mfa_setup")
    if not form.is_valid():
        return _manage_page(request, remove_form=form)
    mfa.remove_second_factor(request.user)
    request.session[mfa.HAS_DEVICE] = False
    messages.success(request, "Your authenticator app and backup codes are removed.")
    return redirect("mfa_setup")


def _reset_school(request: HttpRequest):
    """The current school, if the user may reset second factors there (the head, or a superuser)."""
    school = request.school
    if school is None or not (
        request.user.is_superuser or has_perm(request.user, school.pk, "account.reset_mfa")
    ):
        raise PermissionDenied
    return school


def mfa_staff(request: HttpRequest) -> HttpResponse:
    """Staff at the school and whether each has a second factor; the head resets a lost one."""
    school = _reset_school(request)
    staff = (
        User.objects.filter(memberships__school=school)
        .distinct()
        .annotate(has_app=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))
        .prefetch_related(Prefetch("memberships", queryset=Membership.objects.filter(school=school)))
        .order_by("last_name", "first_name", "username")
    )
    resets = SecondFactorReset.objects.filter(school=school).select_related("user", "reset_by")[:50]
    return render(request, "registration/mfa_staff.html", {"staff": staff, "resets": resets})


@require_http_methods(["GET", "HEAD", "POST"])
def mfa_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """Reset one member of staff's second factor, with the reason, after a lost or replaced phone."""
    school = _reset_school(request)
    # Only staff of this school: anyone else answers 404, as another school's record does.
    target = get_object_or_404(User.objects.filter(memberships__school=school).distinct(), pk=pk)
    if target.pk == request.user.pk:
        messages.error(request, "Change your own second factor from “Your second factor”.")
        return redirect("mfa_manage")
    form = ResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        mfa.reset_second_factor(
            user=target, school=school, by=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(
            request,
            f"{target}'s second factor is reset: they set up a new authenticator app when they next sign in.",
        )
        return redirect("mfa_staff")
    return render(
        request,
        "registration/mfa_reset.html",
        {"form": form, "member": target, "has_app": mfa.has_device(target)},
    )
