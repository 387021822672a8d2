"""The register grid: every learner's sessions over a week or a chosen range, a page of
placements at a time, and the whole range as CSV."""

from datetime import date, timedelta

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateformat import format as date_format

from altprov.roles import require_perm

from ..export import csv_lines
from ..forms.lists import RegisterFilterForm
from ..forms.staff import DateRangeForm, this_week
from ..register_grid import build_grid, grid_csv_rows

WORDS = "l j F Y"  # dates in a sentence: "Monday 30 November 2026"


def _choices(request: HttpRequest) -> tuple[DateRangeForm, RegisterFilterForm, date, date, dict]:
    """The dates and filters asked for; a bad value is said and this week (or no filter) shown."""
    start, end = this_week(timezone.localdate())
    dates = DateRangeForm(request.GET or None, initial={"start": start, "end": end})
    if dates.is_bound and ("start" in request.GET or "end" in request.GET):
        if dates.is_valid():
            start, end = dates.cleaned_data["start"], dates.cleaned_data["end"]
        else:
            messages.error(
                request,
                f"Those dates cannot be shown: showing {date_format(start, WORDS)} "
                f"to {date_format(end, WORDS)} instead.",
            )
    elif dates.is_bound:
        dates = DateRangeForm(initial={"start": start, "end": end})
    filters = RegisterFilterForm(request.GET)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    return dates, filters, start, end, {"q": chosen.get("q", ""), "year_group": chosen.get("year_group")}


@require_perm("attendance.view")
def register_grid(request: HttpRequest) -> HttpResponse:
    school = request.school
    form, filters, start, end, chosen = _choices(request)
    span = timedelta(days=(end - start).days + 1)
    step = timedelta(days=7) if span <= timedelta(days=7) else span
    query = request.GET.copy()
    query.pop("page", None)
    query["start"], query["end"] = start.isoformat(), end.isoformat()
    around = query.copy()
    around.pop("start", None)
    around.pop("end", None)
    return render(
        request,
        "attendance/register_grid.html",
        {
            "grid": build_grid(school=school, start=start, end=end, page=request.GET.get("page"), **chosen),
            "today": timezone.localdate(),
            "form": form,
            "filters": filters,
            "filtered": any(chosen.values()),
            "start": start,
            "end": end,
            "previous": (start - step, end - step),
            "next": (start + step, end + step),
            "query": query.urlencode(),
            "around": around.urlencode(),
        },
    )


@require_perm("attendance.export")
def register_grid_csv(request: HttpRequest) -> HttpResponse:
    """The grid's whole range and every placement matching its filters, for a spreadsheet."""
    _, _, start, end, chosen = _choices(request)
    rows = grid_csv_rows(school=request.school, start=start, end=end, **chosen)
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="register-{start:%Y-%m-%d}-to-{end:%Y-%m-%d}.csv"'
    )
    return response
