"""A subject access export: everything held about one learner, for the head or the DSL."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from placements.access import get_learner_for_user

from ..subject_access import subject_access_zip, zip_name


@require_http_methods(["GET", "POST"])
def subject_access(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what the export holds; POST: the ZIP (logged in the learner's access log)."""
    learner = get_learner_for_user(request.user, pk, perm="learner.subject_access")
    if request.method == "GET":
        return render(request, "monitoring/subject_access.html", {"learner": learner})
    response = HttpResponse(
        subject_access_zip(learner=learner, user=request.user), content_type="application/zip"
    )
    response["Content-Disposition"] = f'attachment; filename="{zip_name(learner, timezone.localdate())}"'
    response["Cache-Control"] = "private, no-store"
    return response
