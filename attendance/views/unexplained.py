"""Absences still without a reason after five school days."""

from bisect import bisect_right
from datetime import timedelta

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from altprov.roles import require_perm
from placements.schedule import school_days

from ..forms.lists import SinceForm
from ..models import AttendanceMark

UNEXPLAINED_AFTER_SCHOOL_DAYS = 5
# The list reads from this far back unless the user asks for an earlier day: at a
# local authority's scale years of registers would otherwise be scanned each time.
DEFAULT_WEEKS = 8


@require_perm("attendance.view")
def unexplained(request: HttpRequest) -> HttpResponse:
    """Absences still awaiting a reason (N) after five school days: each needs a reason or a decision."""
    school = request.school
    local_today = timezone.localdate()
    # A year back always holds five school days, even across the summer holiday.
    days = school_days([school.pk], local_today - timedelta(days=366), local_today)[school.pk]
    since = local_today - timedelta(weeks=DEFAULT_WEEKS)
    form = SinceForm(request.GET or None, initial={"since": since})
    if form.is_bound and form.is_valid() and form.cleaned_data["since"]:
        since = form.cleaned_data["since"]
    marks = AttendanceMark.objects.none()
    cutoff = None
    if len(days) >= UNEXPLAINED_AFTER_SCHOOL_DAYS:
        # Five school days have passed since a mark made before this day.
        cutoff = days[-UNEXPLAINED_AFTER_SCHOOL_DAYS]
        marks = (
            AttendanceMark.objects.filter(school=school, date__gte=since, date__lt=cutoff)
            .awaiting_reason()
            .select_related("placement__learner", "placement__provider")
            .order_by("date", "session", "placement__learner__legal_last_name", "pk")
        )
    page = Paginator(marks, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    for mark in page:
        mark.school_days_since = len(days) - bisect_right(days, mark.date)
    return render(
        request,
        "attendance/unexplained.html",
        {
            "page": page,
            "cutoff": cutoff,
            "has_calendar": bool(days),
            "after": UNEXPLAINED_AFTER_SCHOOL_DAYS,
            "form": form,
            "since": since,
            "query": query.urlencode(),
        },
    )
