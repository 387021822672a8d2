from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from altprov import flags
from altprov.models import Role
from altprov.roles import PERMISSIONS, roles_at

from ..home import home_summary

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


# Who may see each kind of personal data, read from PERMISSIONS so that the
# privacy notice cannot drift from what the application enforces.
SEEN_BY = [
    ("Learners' names, dates of birth, year groups and contacts", "learner.view"),
    ("Looked-after and social worker status, SEN support and the learner passport", "learner.passport.view"),
    ("Whether a learner is flagged for safeguarding", "learner.safeguarding"),
    ("Attendance marks and figures", "attendance.view"),
    ("Attendance interventions and notes", "attendance.intervene"),
    ("Placements (the provider, timetable and targets)", "placement.view"),
    ("Placement costs and provider rates", "placement.cost.view"),
    ("Provider evidence files (which may hold staff vetting checks)", "provider.evidence"),
    ("The history of changes to records", "history.view"),
]


def _role_names(perm: str) -> str:
    names = [label for value, label in Role.choices if value in PERMISSIONS[perm]]
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]


@login_not_required
def help_page(request: HttpRequest) -> HttpResponse:
    return render(request, "monitoring/pages/help.html")


@login_not_required
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "monitoring/pages/accessibility.html")


@login_not_required
def privacy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "monitoring/pages/privacy.html",
        {"seen_by": [(what, _role_names(perm)) for what, perm in SEEN_BY]},
    )
