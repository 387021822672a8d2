import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .forms import SchoolSettingsForm
from .history import history_rows
from .redirects import safe_next
from .roles import perms_at, require_perm
from .schools import SESSION_KEY

logger = logging.getLogger(__name__)


@require_POST
def switch_school(request: HttpRequest) -> HttpResponse:
    try:
        chosen = int(request.POST.get("school", ""))
    except ValueError:
        chosen = None
    school = next((s for s in request.schools if s.pk == chosen), None)
    if school is None:
        messages.error(request, "You do not have a role at that school.")
    else:
        request.session[SESSION_KEY] = school.pk
        messages.success(request, f"You are now working in {school.name}.")
    return redirect(safe_next(request, reverse("home")))


@login_not_required
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    checks: dict[str, str] = {}
    healthy = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception:
        logger.exception("Health check: database did not answer")
        checks["database"] = "error"
        healthy = False
    if settings.REDIS_URL:
        try:
            import redis

            redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping()
            checks["redis"] = "ok"
        except Exception:
            logger.exception("Health check: Redis did not answer")
            checks["redis"] = "error"
            healthy = False
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)


def notifications(request: HttpRequest) -> HttpResponse:
    items = request.user.notifications.select_related("school").order_by("-created_at")[:100]
    return render(request, "altprov/notifications.html", {"items": items})


@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    mine = request.user.notifications.filter(read_at__isnull=True)
    if request.POST.get("id", "").isdigit():
        mine = mine.filter(pk=int(request.POST["id"]))
    count = mine.update(read_at=timezone.now())
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked as read.")
    return redirect("notifications")


@require_perm("school.settings")
def school_settings(request: HttpRequest) -> HttpResponse:
    school = request.school
    form = SchoolSettingsForm(request.POST or None, instance=school)
    if request.method == "POST" and form.is_valid():
        school._history_user = request.user
        form.save()
        messages.success(request, f"{school.name}'s settings have been saved.")
        return redirect("school_settings")
    can = perms_at(request.user, school.pk)
    return render(
        request,
        "altprov/school_settings.html",
        {
            "form": form,
            "title": f"{school.name}: settings",
            "history": history_rows(school) if "history.view" in can else None,
        },
    )
