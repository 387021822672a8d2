"""The MIS export: session marks and a summary per learner, as CSV."""

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.utils import timezone

from altprov.roles import require_perm
from placements.access_log import record_read
from placements.models import Read

from ..export import ExportRangeError, csv_lines, export_range, filename, marks_rows, summary_rows


def _csv_response(lines, name: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _bad_range(error: ExportRangeError) -> HttpResponseBadRequest:
    return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")


@require_perm("attendance.export")
def export_marks(request: HttpRequest) -> HttpResponse:
    try:
        start, end = export_range(request.GET, school_id=request.school.pk, today=timezone.localdate())
    except ExportRangeError as error:
        return _bad_range(error)
    rows = marks_rows(school_id=request.school.pk, start=start, end=end)
    name = filename("marks", start, end)
    record_read(user=request.user, school=request.school, what=Read.EXPORT, detail=name)
    return _csv_response(csv_lines(rows), name)


@require_perm("attendance.export")
def export_summary(request: HttpRequest) -> HttpResponse:
    try:
        start, end = export_range(request.GET, school_id=request.school.pk, today=timezone.localdate())
    except ExportRangeError as error:
        return _bad_range(error)
    rows = summary_rows(school=request.school, start=start, end=end)
    name = filename("summary", start, end)
    record_read(user=request.user, school=request.school, what=Read.EXPORT, detail=name)
    return _csv_response(csv_lines(rows), name)
