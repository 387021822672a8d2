"""Termly reviews: the provider's Alternative Provision Termly Review, asked for by link.

Policy, "Monitoring Academic Progress, Behaviour and Pastoral Welfare": the
provider completes a Termly Review for each learner each term. A school
setting (School.review_notice_days, 14 by default) says how many days before
a term ends each provider is sent a link to the form, one per learner placed
there; the provider's lead contact receives it. The form comes prefilled
with what the school already knows (provision, dates, attendance so far).

Reminders go 7 days and 1 day before the due date (the last day of the
term), each with a fresh link that switches off the one before; after the
term a flag asks the pastoral team to chase it (monitoring/review_flags.py).

Once submitted a review is locked. A change is a new version: a copy of the
answers, asked for again by a new link; the old version is kept.

The daily job may run twice, or in two workers at once: a review is created
once per placement and term (a unique constraint), and a request or reminder
is emailed only by the run whose claim its row carries (one conditional
UPDATE), so each is sent once. Its queries do not grow with the number of
placements.
"""

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date

from altprov.links import LinkRequest, issue_links, link_url
from altprov.models import LinkPurpose, LinkToken, Role
from altprov.notifications import Notice, notify_all, render_text, staff_with_role
from attendance.figures import Figures
from attendance.models import AttendanceMark
from placements.models import Placement, Status, Term

from .models import ReviewStatus, TermlyReview
from .review_flags import check_overdue_reviews, resolve_returned

# A link works for three weeks after the due date, so a late provider can
# still return the review while the school chases it.
LINK_LIFETIME_AFTER_DUE = timedelta(days=21)
# Reminders, in days before the due date, latest last.
REMINDERS = (7, 1)
# A new version asked for after the term has ended is due two weeks later.
NEW_VERSION_DUE_IN = timedelta(days=14)
LONGEST_NOTICE = 60

ANSWERS = (
    "completed_by_name",
    "attendance_percent",
    "attendance_commentary",
    "punctuality",
    "attitude_to_learning",
    "skills_covered",
    "next_targets",
    "other_comments",
)


class ReviewLocked(Exception):
    """The review was submitted (or replaced by a new version) meanwhile."""


def link_expiry(due_date: date) -> datetime:
    """Midnight (Europe/London) at the end of the 21st day after the due date."""
    return timezone.make_aware(
        datetime.combine(due_date + LINK_LIFETIME_AFTER_DUE + timedelta(days=1), time.min)
    )


def words(day: date) -> str:
    return format_date(day, "l j F Y")


def dates_attended(placement: Placement, term: Term) -> str:
    start = max(placement.start_date, term.start_date)
    end = term.end_date if placement.end_date is None else min(placement.end_date, term.end_date)
    return f"{format_date(start, 'j F Y')} to {format_date(end, 'j F Y')}"


def provision_attended(placement: Placement) -> str:
    return f"{placement.provider.name}, {placement.site.name}"


def attendance_so_far(placements: list[Placement], terms: dict[int, Term], today: date) -> dict[int, Figures]:
    """Placement id -> its marks' figures over its school's term up to today, in one query."""
    if not placements:
        return {}
    within = Q()
    for term in terms.values():
        within |= Q(school_id=term.school_id, date__range=(term.start_date, min(term.end_date, today)))
    rows = (
        AttendanceMark.objects.filter(within, placement_id__in=[p.pk for p in placements])
        .values_list("placement_id", "code")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found: dict[int, Figures] = {}
    for placement_id, code, n in rows:
        found.setdefault(placement_id, Figures()).add(code, n)
    return found


def _reminded_already(due_date: date, today: date) -> int | None:
    """The reminders whose time has come by the time the request goes: the request stands for them."""
    left = (due_date - today).days
    passed = [days for days in REMINDERS if left <= days]
    return passed[-1] if passed else None


# Emailing links ----------------------------------------------------------------


@dataclass(frozen=True)
class _Email:
    subject: str
    template: str


EMAILS = {
    "request": _Email("termly review for {name}, due {due}", "monitoring/email/review_request.txt"),
    "reminder": _Email(
        "reminder: termly review for {name}, due {due}", "monitoring/email/review_reminder.txt"
    ),
    "again": _Email("termly review for {name}, due {due}", "monitoring/email/review_request.txt"),
    "version": _Email(
        "please update the termly review for {name}, due {due}", "monitoring/email/review_new_version.txt"
    ),
}


def email_links(reviews: list[TermlyReview], *, kind: str, key: str, by=None, replace: bool) -> None:
    """Issue each review a link and email it to the provider's lead contact, in a few queries.

    Call inside the transaction that changed the reviews: the outbox sends
    after commit, and a failure leaves no link without its email. `key`
    is formatted with `pk` and names the message (one per review and key).
    `reviews` need placement, its learner, provider and site, and school loaded.
    """
    reviews = [r for r in reviews if r.placement.provider.lead_contact_email.strip()]
    issued = issue_links(
        purpose=LinkPurpose.TERMLY_REVIEW,
        requests=[
            LinkRequest(
                school=review.school,
                subject=review,
                recipient_name=review.placement.provider.lead_contact_name,
                recipient_email=review.placement.provider.lead_contact_email,
                expires_at=link_expiry(review.due_date),
            )
            for review in reviews
        ],
        by=by,
        replace=replace,
    )
    email = EMAILS[kind]
    notices = []
    for review, (link, token) in zip(reviews, issued):
        provider = review.placement.provider
        context = {
            "review": review,
            "learner_name": review.placement.learner.display_name,
            "provider": provider,
            "contact_name": provider.lead_contact_name,
            "link_url": link_url(token),
            "due": words(review.due_date),
            "last_day": words(timezone.localtime(link.expires_at - timedelta(microseconds=1)).date()),
            "school": review.school,
        }
        subject = email.subject.format(name=context["learner_name"], due=format_date(review.due_date, "j F"))
        notices.append(
            Notice(
                users=[],
                school=review.school,
                key=key.format(pk=review.pk),
                subject=f"{review.school.name}: {subject}",
                body=render_text(email.template, context),
                addresses=[provider.lead_contact_email.strip()],
                secret=True,
            )
        )
    notify_all(notices)


def _with_related(queryset):
    return queryset.select_related(
        "school", "term", "placement__learner", "placement__provider", "placement__site"
    )


# The daily job ---------------------------------------------------------------


def request_termly_reviews(*, now: datetime | None = None) -> dict[str, int]:
    """The daily job: the Termly Reviews whose time has come, the reminders, the overdue flags.

    Queries (however many schools and placements): terms ending soon (1),
    placements still to be asked (1), their attendance (1), creating the
    reviews (1), claiming them (1), loading the claimed ones (1), their
    links (2) and emails (2); the reminders the same again.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    terms = {
        term.school_id: term
        for term in Term.objects.filter(
            end_date__gte=today, end_date__lte=today + timedelta(days=LONGEST_NOTICE), start_date__lte=today
        )
        .select_related("school")
        .order_by("end_date")
        if term.end_date <= today + timedelta(days=term.school.review_notice_days)
    }
    requested = 0
    if terms:
        requested = _request(terms, now, today)
    reminded = send_reminders(now=now)
    overdue = check_overdue_reviews(now=now)
    return {
        "requested": requested,
        "reminded": reminded,
        "overdue": overdue["raised"],
        "resolved": overdue["resolved"],
    }


def _request(terms: dict[int, Term], now: datetime, today: date) -> int:
    due = Q()
    for term in terms.values():
        due |= Q(school_id=term.school_id, start_date__lte=term.end_date) & ~Exists(
            TermlyReview.objects.filter(placement=OuterRef("pk"), term=term)
        )
    placements = list(
        Placement.objects.filter(due, status=Status.ACTIVE)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .select_related("provider", "site")
        .order_by("pk")
    )
    if not placements:
        return 0
    figures = attendance_so_far(placements, terms, today)
    TermlyReview.objects.bulk_create(
        [
            TermlyReview(
                school_id=p.school_id,
                placement=p,
                term=terms[p.school_id],
                due_date=terms[p.school_id].end_date,
                provision_attended=provision_attended(p),
                dates_attended=dates_attended(p, terms[p.school_id]),
                attendance_percent=(figures.get(p.pk) or Figures()).rounded_percent,
                reminded_days_before=_reminded_already(terms[p.school_id].end_date, today),
            )
            for p in placements
        ],
        ignore_conflicts=True,
    )
    claim = secrets.token_hex(16)
    with transaction.atomic():
        TermlyReview.objects.filter(
            placement__in=placements, version=1, requested_at__isnull=True, claim=""
        ).update(claim=claim, requested_at=now)
        claimed = list(_with_related(TermlyReview.objects.filter(claim=claim)).order_by("pk"))
        # bulk_create (ignore_conflicts: two runs at once) writes no history; each review this
        # run claimed gets its "Created" row, as requested, here.
        TermlyReview.history.bulk_history_create(claimed, default_change_reason="Requested from the provider")
        email_links(claimed, kind="request", key="termly-review:{pk}:request", replace=False)
    return len(claimed)


def send_reminders(*, now: datetime | None = None) -> int:
    """Email the 7-day and 1-day reminders, each with a fresh link, once per review and reminder."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    waiting = TermlyReview.objects.filter(
        status=ReviewStatus.REQUESTED,
        superseded_by__isnull=True,
        requested_at__isnull=False,
        due_date__gte=today,
        due_date__lte=today + timedelta(days=REMINDERS[0]),
        placement__status=Status.ACTIVE,
    )
    claim = secrets.token_hex(16)
    sent = 0
    with transaction.atomic():
        # A claim by conditional update, without a history row: which reminder went is
        # the job's bookkeeping (the outbox keeps each email), not a change to the review.
        for days in REMINDERS:
            waiting.filter(due_date__lte=today + timedelta(days=days)).filter(
                Q(reminded_days_before__isnull=True) | Q(reminded_days_before__gt=days)
            ).update(reminded_days_before=days, claim=claim)
        claimed = list(_with_related(TermlyReview.objects.filter(claim=claim)).order_by("pk"))
        for days in REMINDERS:
            batch = [r for r in claimed if r.reminded_days_before == days]
            if batch:
                email_links(batch, kind="reminder", key=f"termly-review:{{pk}}:reminder-{days}", replace=True)
                sent += len(batch)
    return sent


# Staff actions ---------------------------------------------------------------


def send_again(*, review: TermlyReview, by) -> None:
    """ "Send the link again": a new link to the provider's lead contact; the old ones stop working."""
    with transaction.atomic():
        review = _with_related(TermlyReview.objects.select_for_update(of=("self",))).get(pk=review.pk)
        if review.is_submitted or TermlyReview.objects.filter(supersedes=review).exists():
            raise ReviewLocked
        sent = LinkToken.objects.about(TermlyReview, [review.pk]).count()
        email_links([review], kind="again", key=f"termly-review:{{pk}}:again-{sent}", by=by, replace=True)


@transaction.atomic
def new_version(*, review: TermlyReview, by, now: datetime | None = None) -> TermlyReview:
    """ "Ask the provider to change it": a copy of the answers, asked for again; the old version is kept.

    The old version's links stop working: its page would only show what is
    no longer the school's record.
    """
    now = now or timezone.now()
    old = _with_related(TermlyReview.objects.select_for_update(of=("self",))).get(pk=review.pk)
    if not old.is_submitted or TermlyReview.objects.filter(supersedes=old).exists():
        raise ReviewLocked
    today = timezone.localdate(now)
    copy = TermlyReview.objects.create(
        school=old.school,
        placement=old.placement,
        term=old.term,
        version=old.version + 1,
        supersedes=old,
        requested_at=now,
        due_date=max(old.due_date, today + NEW_VERSION_DUE_IN),
        provision_attended=old.provision_attended,
        dates_attended=old.dates_attended,
        **{name: getattr(old, name) for name in ANSWERS},
    )
    copy.reminded_days_before = _reminded_already(copy.due_date, today)
    copy.save(update_fields=["reminded_days_before"])
    LinkToken.objects.about(TermlyReview, [old.pk]).usable(now).update(revoked_at=now, revoked_by=by)
    email_links([copy], kind="version", key="termly-review:{pk}:request", by=by, replace=True)
    return copy


@transaction.atomic
def respond(*, review: TermlyReview, by, text: str, now: datetime | None = None) -> None:
    """The school's response to a returned review: who wrote it and when are recorded."""
    review = TermlyReview.objects.select_for_update().get(pk=review.pk)
    review.school_response = text
    review.school_response_by = by
    review.school_response_at = now or timezone.now()
    review.save(update_fields=["school_response", "school_response_by", "school_response_at"])


@transaction.atomic
def submit(*, review: TermlyReview, answers: dict, now: datetime | None = None) -> TermlyReview:
    """The provider returns the review: it is locked from now on, and its overdue flag resolves."""
    now = now or timezone.now()
    review = TermlyReview.objects.select_for_update().get(pk=review.pk)
    if review.is_submitted or TermlyReview.objects.filter(supersedes=review).exists():
        raise ReviewLocked
    for name in ANSWERS:
        setattr(review, name, answers.get(name, getattr(review, name)))
    review.status = ReviewStatus.SUBMITTED
    review.submitted_at = now
    review.save(update_fields=[*ANSWERS, "status", "submitted_at"])
    resolve_returned([review.pk], now=now)
    _tell_returned(review)
    return review


def _tell_returned(review: TermlyReview) -> None:
    """The pastoral team and the visiting member of staff learn the review is back, to read and answer."""
    placement = Placement.objects.select_related("school", "learner", "provider", "visiting_staff").get(
        pk=review.placement_id
    )
    users = {user.pk: user for user in staff_with_role(placement.school, Role.PASTORAL)}
    if placement.visiting_staff and placement.visiting_staff.is_active:
        users[placement.visiting_staff.pk] = placement.visiting_staff
    notify_all(
        [
            Notice(
                users=list(users.values()),
                school=placement.school,
                key=f"termly-review:{review.pk}:returned",
                subject=f"Termly review returned: {placement.learner}",
                template="monitoring/email/review_returned.txt",
                context={"review": review, "placement": placement},
                url=reverse("monitoring:review_detail", args=[review.pk]),
            )
        ]
    )


def reissue_review_link(link: LinkToken) -> None:
    """ "Email me a fresh link" from an expired or withdrawn link: to the provider's lead contact only.

    The fresh link opens the review's current version, while the placement
    is active; it never switches off a link the provider is using.
    """
    review = TermlyReview.objects.filter(pk=link.subject_id, school=link.school).first()
    if review is None or link.subject_type.model_class() is not TermlyReview:
        return
    while True:
        later = TermlyReview.objects.filter(supersedes=review).first()
        if later is None:
            break
        review = later
    if review.placement.status != Status.ACTIVE and not review.is_submitted:
        return
    with transaction.atomic():
        review = _with_related(TermlyReview.objects).get(pk=review.pk)
        sent = LinkToken.objects.about(TermlyReview, [review.pk]).count()
        email_links([review], kind="again", key=f"termly-review:{{pk}}:fresh-{sent}", replace=False)
