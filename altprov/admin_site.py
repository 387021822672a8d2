"""Django's admin, asking for the second factor as the rest of the site does (altprov.mfa).

SecondFactorMiddleware already stops an unverified user before the admin;
this check holds even if the admin were reached another way, as
django_otp.admin.OTPAdminSite does, with the demo's exemption for a user
without a device while the second factor is not required.
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest


class SecondFactorAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        if not super().has_permission(request):
            return False
        if request.user.is_verified():
            return True
        from .mfa import HAS_DEVICE

        return not settings.MFA_REQUIRED and not request.session.get(HAS_DEVICE)


class SecondFactorAdminConfig(AdminConfig):
    default_site = "altprov.admin_site.SecondFactorAdminSite"
