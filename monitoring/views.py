from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from altprov import flags
from altprov.roles import roles_at

from .home import home_summary

NEEDS_DOING_SHOWN = 20


def home(request: HttpRequest) -> HttpResponse:
    school = request.school
    context = {
        "summary": home_summary(request.user, school, today=timezone.localdate()) if school else None,
        "needs_doing": (
            list(
                flags.needs_doing(request.user, school.pk, roles_at(request.user, school.pk))[
                    :NEEDS_DOING_SHOWN
                ]
            )
            if school
            else []
        ),
        "unread": list(request.user.notifications.filter(read_at__isnull=True).order_by("-created_at")[:10]),
    }
    return render(request, "monitoring/home.html", context)
