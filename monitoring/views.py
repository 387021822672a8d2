from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .home import home_summary


def home(request: HttpRequest) -> HttpResponse:
    school = request.school
    context = {
        "summary": home_summary(request.user, school, today=timezone.localdate()) if school else None,
        "unread": list(request.user.notifications.filter(read_at__isnull=True).order_by("-created_at")[:10]),
    }
    return render(request, "monitoring/home.html", context)
