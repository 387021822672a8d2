"""The register grid: every learner's sessions over a week or a chosen range."""

from datetime import timedelta

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateformat import format as date_format

from altprov.roles import require_perm

from ..forms.staff import DateRangeForm, this_week
from ..register_grid import build_grid

WORDS = "l j F Y"  # dates in a sentence: "Monday 30 November 2026"


@require_perm("attendance.view")
def register_grid(request: HttpRequest) -> HttpResponse:
    school = request.school
    start, end = this_week(timezone.localdate())
    form = DateRangeForm(request.GET or None, initial={"start": start, "end": end})
    if form.is_bound:
        if form.is_valid():
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        else:
            messages.error(
                request,
                f"Those dates cannot be shown: showing {date_format(start, WORDS)} "
                f"to {date_format(end, WORDS)} instead.",
            )
    span = timedelta(days=(end - start).days + 1)
    step = timedelta(days=7) if span <= timedelta(days=7) else span
    return render(
        request,
        "attendance/register_grid.html",
        {
            "grid": build_grid(school=school, start=start, end=end),
            "today": timezone.localdate(),
            "form": form,
            "start": start,
            "end": end,
            "previous": (start - step, end - step),
            "next": (start + step, end + step),
        },
    )
