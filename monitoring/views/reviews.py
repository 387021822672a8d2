"""Termly reviews: the provider's form (by link) and the staff pages."""

from contextlib import suppress

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from altprov.models import LinkToken
from altprov.pdf import pdf_response
from altprov.roles import perms_at, require_perm
from attendance.figures import this_term
from placements.access_log import record_read
from placements.models import Read, Term

from ..access import get_review_for_user
from ..forms.reviews import ProviderReviewForm, SchoolResponseForm
from ..models import TermlyReview
from ..reviews import ReviewLocked, new_version, respond, send_again, submit

# The list's order of states: what needs chasing first.
STATE_ORDER = {"overdue": 0, "waiting": 1, "returned": 2}
STATE_LABELS = {
    "overdue": "Overdue",
    "waiting": "Waiting",
    "returned": "Returned",
    "superseded": "Superseded",
}


# The provider's page -----------------------------------------------------------


def _review_of(link: LinkToken) -> TermlyReview:
    """The review a link is for: of the link's school, and a review at all (else not valid)."""
    if link.subject_type_id != ContentType.objects.get_for_model(TermlyReview).pk:
        raise Http404
    review = (
        TermlyReview.objects.filter(pk=link.subject_id, school=link.school)
        .select_related("term", "placement__learner", "placement__provider", "superseded_by")
        .first()
    )
    if review is None:
        raise Http404
    return review


@require_http_methods(["GET", "HEAD", "POST"])
def review_link(request: HttpRequest, link: LinkToken) -> HttpResponse:
    """The provider's Termly Review: the form until it is sent, then a thank-you with the answers.

    It shows only what the form needs: the learner's name, the provision,
    dates and attendance the school holds, and the school's phone number.
    The school's response is never shown here.
    """
    review = _review_of(link)
    context = {"review": review, "school": link.school, "learner_name": review.placement.learner.display_name}
    if review.is_submitted or review.state(timezone.localdate()) == "superseded":
        return render(request, "monitoring/reviews/link_done.html", context)
    form = ProviderReviewForm(request.POST or None, instance=review)
    if request.method == "POST" and form.is_valid():
        # Sent meanwhile (a double tap): the page now shows what was sent.
        with suppress(ReviewLocked):
            submit(review=review, answers=form.cleaned_data)
        return redirect(request.path)
    return render(request, "monitoring/reviews/link_form.html", context | {"form": form})


# Staff pages -------------------------------------------------------------------


@require_perm("monitoring.view")
def review_list(request: HttpRequest) -> HttpResponse:
    """This term's reviews (or another term's): overdue, waiting and returned, latest versions only.

    Queries: the school's terms (1), the reviews with learner and provider (1).
    """
    school = request.school
    today = timezone.localdate()
    terms = list(Term.objects.filter(school=school).order_by("-start_date"))
    chosen = request.GET.get("term", "")
    term = next((t for t in terms if str(t.pk) == chosen), None)
    if term is None:
        current = this_term(school.pk, today)
        term = next((t for t in terms if current and t.pk == current.pk), None)
    rows = []
    if term is not None:
        reviews = (
            TermlyReview.objects.filter(school=school, term=term, superseded_by__isnull=True)
            .select_related("placement__learner", "placement__provider", "superseded_by")
            .order_by(
                "due_date", "placement__learner__legal_last_name", "placement__learner__legal_first_name"
            )
        )
        rows = sorted(
            ((review, review.state(today)) for review in reviews), key=lambda row: STATE_ORDER[row[1]]
        )
    counts = {state: sum(1 for _, s in rows if s == state) for state in STATE_ORDER}
    return render(
        request,
        "monitoring/reviews/list.html",
        {
            "terms": terms,
            "term": term,
            "rows": [(review, state, STATE_LABELS[state]) for review, state in rows],
            "counts": counts,
            "can": perms_at(request.user, school.pk),
        },
    )


def _versions(review: TermlyReview) -> list[TermlyReview]:
    return list(
        TermlyReview.objects.filter(placement_id=review.placement_id, term_id=review.term_id)
        .select_related("superseded_by")
        .order_by("version")
    )


def _detail(
    request: HttpRequest, review: TermlyReview, response_form=None, status: int = 200
) -> HttpResponse:
    can = perms_at(request.user, review.school_id)
    today = timezone.localdate()
    state = review.state(today)
    if response_form is None and review.is_submitted and state != "superseded":
        response_form = SchoolResponseForm(instance=review)
    return render(
        request,
        "monitoring/reviews/detail.html",
        {
            "review": review,
            "state": state,
            "state_label": STATE_LABELS[state],
            "versions": _versions(review),
            "response_form": response_form,
            "can": can,
            "links": LinkToken.objects.about(TermlyReview, [review.pk]).order_by("-created_at")[:5],
            "now": timezone.now(),
        },
        status=status,
    )


def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_review_for_user(request.user, pk))


@require_POST
def review_respond(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_review_for_user(request.user, pk, perm="monitoring.review")
    if not review.is_submitted or review.state(timezone.localdate()) == "superseded":
        messages.error(request, "Only the latest returned version takes a school response.")
        return redirect(review)
    form = SchoolResponseForm(request.POST, instance=review)
    if not form.is_valid():
        return _detail(request, review, response_form=form)
    respond(review=review, by=request.user, text=form.cleaned_data["school_response"])
    messages.success(request, "The school's response is saved.")
    return redirect(review)


@require_POST
def review_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_review_for_user(request.user, pk, perm="monitoring.review")
    try:
        copy = new_version(review=review, by=request.user)
    except ReviewLocked:
        messages.error(request, "Only the latest returned version can be changed.")
        return redirect(review)
    messages.success(
        request,
        f"Version {copy.version} was sent to {review.placement.provider.lead_contact_name} at "
        f"{review.placement.provider.name}, with the answers so far, to change and send back.",
    )
    return redirect(copy)


@require_POST
def review_resend(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_review_for_user(request.user, pk, perm="monitoring.review")
    try:
        send_again(review=review, by=request.user)
    except ReviewLocked:
        messages.error(request, "This review was returned or replaced: there is no link to send.")
        return redirect(review)
    messages.success(
        request,
        f"A new link was emailed to {review.placement.provider.lead_contact_name} at "
        f"{review.placement.provider.name}; the earlier link no longer works.",
    )
    return redirect(review)


def review_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_review_for_user(request.user, pk)
    record_read(
        user=request.user,
        school=review.school_id,
        what=Read.EXPORT,
        learner=review.placement.learner,
        subject=review,
        detail="termly review PDF",
    )
    return pdf_response(
        "pdf/termly_review.html",
        {"review": review, "school": review.school, "state": review.state(timezone.localdate())},
        filename=f"termly-review-{review.pk}-v{review.version}.pdf",
    )
