"""The school a user is working in: one by default, a switcher for several."""

from django.http import HttpRequest

from .models import School
from .roles import perms_at, role_map

SESSION_KEY = "current_school_id"


class CurrentSchoolMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        request.school = None
        request.schools = []
        if request.user.is_authenticated:
            ids = role_map(request.user)
            if ids:
                request.schools = list(School.objects.filter(pk__in=ids))
                chosen = request.session.get(SESSION_KEY)
                request.school = next((s for s in request.schools if s.pk == chosen), request.schools[0])
        return self.get_response(request)


def school_context(request: HttpRequest) -> dict:
    school = getattr(request, "school", None)
    user = getattr(request, "user", None)
    return {
        "current_school": school,
        "user_schools": getattr(request, "schools", []),
        "can": perms_at(user, school.pk) if school and user else frozenset(),
    }
