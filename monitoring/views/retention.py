"""The retention review for the head: records past their period at the school, and disposing of one."""

from django.contrib import messages
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from altprov.roles import require_perm

from ..forms.retention import DisposeForm
from ..retention import REVIEW_LIMIT, RetentionError, describe, dispose, due_records, school_record


@require_http_methods(["GET", "HEAD"])
@require_perm("retention.review")
def retention_review(request: HttpRequest) -> HttpResponse:
    """Per kind of record: its period, what it counts from, how many are due, and the first 50."""
    today = timezone.localdate()
    lists = due_records(school_id=request.school.pk, today=today)
    return render(
        request,
        "monitoring/retention_review.html",
        {"lists": lists, "today": today, "limit": REVIEW_LIMIT},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@require_perm("retention.review")
def retention_dispose(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Delete one record past its period, with the reason; another school's record answers 404."""
    record_type, record = school_record(key=kind, pk=pk, school_id=request.school.pk)
    if record is None:
        raise Http404
    form = DisposeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        described = describe(record_type, record)
        try:
            dispose(record=record, by=request.user, reason=form.cleaned_data["reason"])
        except RetentionError as refused:
            messages.error(request, str(refused))
        except (ProtectedError, RestrictedError):
            messages.error(
                request,
                "Not disposed of: other records kept by the school depend on this one "
                "(for example child-protection records or signed documents). Nothing was deleted.",
            )
        else:
            messages.success(request, f"Disposed of ({record_type.label}): {described.label}.")
        return redirect("monitoring:retention_review")
    return render(
        request,
        "monitoring/retention_dispose.html",
        {"form": form, "record_type": record_type, "record": describe(record_type, record)},
    )
