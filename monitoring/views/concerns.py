"""The safeguarding log (KCSIE): any member of staff raises a concern; only the DSL and the head read it.

Every page showing a concern reads it through monitoring.concerns.read_concern,
which records the read. Pages of the log refuse (403) anyone who may read
concerns at none of their schools before any lookup, so a refusal never
depends on whether a concern exists: no count, no hint.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from altprov.access import BIGINT_MAX
from altprov.mfa import step_up_required
from altprov.roles import require_perm, school_ids
from placements.models import Learner

from ..concerns import (
    add_attachment,
    add_entry,
    close_concern,
    concern_url,
    raise_concern,
    raised_by_user,
    read_concern,
    visit_date,
)
from ..forms.concerns import AttachmentForm, CloseForm, EntryForm, RaiseConcernForm
from ..models import ConcernAttachment, ConcernSource, SafeguardingConcern

PAGE_SIZE = 50
READS_SHOWN = 50
# ConcernRead.what, as the "Read by" table says it.
READ_AS = {
    "concern": "Opened the concern",
    "entry": "Added to the chronology",
    "attachment upload": "Added a file",
    "attachment": "Downloaded a file",
    "close": "Closed the concern",
}


def _reader_somewhere(request: HttpRequest) -> None:
    if not school_ids(request.user, "concern.read"):
        raise PermissionDenied


def log_reader(view: Callable) -> Callable:
    """Only for those who may read the log at some school, then with a recent second factor.

    The refusal comes first, so whoever may not read the log is never asked for a code for it.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        _reader_somewhere(request)
        return step_up_required(view)(request, *args, **kwargs)

    return wrapped


@require_perm("concern.raise")
@require_http_methods(["GET", "HEAD", "POST"])
def concern_raise(request: HttpRequest) -> HttpResponse:
    school = request.school
    initial = {}
    learner_pk = request.GET.get("learner", "").strip()
    if learner_pk.isdigit():
        initial["learner"] = Learner.objects.filter(school=school, pk=int(learner_pk)).first()
    form = RaiseConcernForm(
        request.POST if request.method == "POST" else None, school=school, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        raise_concern(
            learner=form.cleaned_data["learner"],
            placement=form.cleaned_data["placement"],
            detail=form.cleaned_data["detail"],
            about_provider_staff=form.cleaned_data["about_provider_staff"],
            source=ConcernSource.STAFF,
            raised_by=request.user,
        )
        return redirect("monitoring:concern_sent")
    return render(request, "monitoring/concerns/raise.html", {"form": form})


@require_perm("concern.raise")
def concern_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "monitoring/concerns/sent.html")


@require_perm("concern.raise")
def concern_mine(request: HttpRequest) -> HttpResponse:
    return render(
        request, "monitoring/concerns/mine.html", {"raised": raised_by_user(request.user, request.school)}
    )


@require_perm("concern.read")
@step_up_required
def concern_list(request: HttpRequest) -> HttpResponse:
    school = request.school
    params = request.GET
    concerns = SafeguardingConcern.objects.filter(school=school).select_related("learner", "raised_by")
    status = params.get("status", "open")
    if status == "open":
        concerns = concerns.filter(closed_on__isnull=True)
    elif status == "closed":
        concerns = concerns.filter(closed_on__isnull=False)
    else:
        status = "all"
    learner = params.get("learner", "")
    if learner.isdigit():
        concerns = concerns.filter(learner_id=int(learner))
    else:
        learner = ""
    source = params.get("source", "")
    if source in ConcernSource.values:
        concerns = concerns.filter(source=source)
    else:
        source = ""
    lado = params.get("lado") == "yes"
    if lado:
        concerns = concerns.filter(about_provider_staff=True)
    concerns = concerns.defer("detail", "outcome")
    page = Paginator(concerns, PAGE_SIZE).get_page(params.get("page"))
    query = params.copy()
    query.pop("page", None)
    by_learner = (
        Learner.objects.filter(school=school, safeguarding_concerns__isnull=False)
        .annotate(
            total=Count("safeguarding_concerns"),
            open=Count("safeguarding_concerns", filter=Q(safeguarding_concerns__closed_on__isnull=True)),
            latest=Max("safeguarding_concerns__raised_at"),
        )
        .order_by("-open", "-latest", "legal_last_name")
        .only("pk", "preferred_name", "legal_first_name", "legal_last_name")
    )
    return render(
        request,
        "monitoring/concerns/list.html",
        {
            "page": page,
            "query": query.urlencode(),
            "by_learner": by_learner,
            "filters": {"status": status, "learner": learner, "source": source, "lado": lado},
            "source_choices": ConcernSource.choices,
        },
    )


def _reads(concern: SafeguardingConcern) -> list:
    reads = list(concern.reads.select_related("user")[:READS_SHOWN])
    for read in reads:
        read.read_as = READ_AS.get(read.what, read.what.capitalize())
    return reads


def _concern_page(request: HttpRequest, concern: SafeguardingConcern, **forms) -> HttpResponse:
    today = timezone.localdate()
    context = {
        "concern": concern,
        "entries": concern.entries.select_related("by"),
        "attachments": concern.attachments.select_related("uploaded_by"),
        "reads": _reads(concern),
        "read_count": concern.reads.count(),
        "visit_on": visit_date(concern),
        "entry_form": forms.get("entry_form") or EntryForm(concern=concern, today=today, prefix="entry"),
        "attachment_form": forms.get("attachment_form") or AttachmentForm(prefix="file"),
        "close_form": forms.get("close_form") or CloseForm(today=today, prefix="close"),
        "failed": next((name for name, form in forms.items() if form is not None), ""),
    }
    return render(request, "monitoring/concerns/detail.html", context)


@log_reader
def concern_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _concern_page(request, read_concern(request.user, pk))


@require_http_methods(["POST"])
@log_reader
def concern_entry_create(request: HttpRequest, pk: int) -> HttpResponse:
    concern = read_concern(request.user, pk, what="entry")
    form = EntryForm(request.POST, concern=concern, today=timezone.localdate(), prefix="entry")
    if concern.closed_on is not None:
        messages.error(request, "This concern is closed: its chronology can no longer be added to.")
        return redirect(concern_url(concern))
    if not form.is_valid():
        return _concern_page(request, concern, entry_form=form)
    add_entry(concern=concern, by=request.user, **form.cleaned_data)
    messages.success(request, "Added to the chronology.")
    return redirect(concern_url(concern) + "#chronology")


@require_http_methods(["POST"])
@log_reader
def concern_attachment_create(request: HttpRequest, pk: int) -> HttpResponse:
    concern = read_concern(request.user, pk, what="attachment upload")
    form = AttachmentForm(request.POST, request.FILES, prefix="file")
    if not form.is_valid():
        return _concern_page(request, concern, attachment_form=form)
    add_attachment(
        concern=concern,
        by=request.user,
        file=form.cleaned_data["file"],
        description=form.cleaned_data["description"],
    )
    messages.success(request, "The file was added.")
    return redirect(concern_url(concern) + "#files")


@require_http_methods(["POST"])
@log_reader
def concern_close(request: HttpRequest, pk: int) -> HttpResponse:
    concern = read_concern(request.user, pk, what="close")
    if concern.closed_on is not None:
        messages.info(request, "This concern is already closed.")
        return redirect(concern_url(concern))
    form = CloseForm(request.POST, today=timezone.localdate(), prefix="close")
    if not form.is_valid():
        return _concern_page(request, concern, close_form=form)
    close_concern(
        concern=concern,
        by=request.user,
        outcome=form.cleaned_data["outcome"],
        on=form.cleaned_data["closed_on"],
    )
    messages.success(request, "The concern is closed with its outcome.")
    return redirect(concern_url(concern))


@log_reader
def concern_file(request: HttpRequest, pk: int) -> FileResponse:
    """An attachment, to its concern's readers only (read recorded), never cached, downloaded not shown."""
    if not 0 < pk <= BIGINT_MAX:
        raise Http404
    attachment = ConcernAttachment.objects.filter(pk=pk).only("pk", "concern_id", "file").first()
    if attachment is None:
        raise Http404
    read_concern(request.user, attachment.concern_id, what="attachment")
    if not attachment.file:
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.file.name.rsplit("/", 1)[-1]
    )
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response
