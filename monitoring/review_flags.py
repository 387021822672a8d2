"""The "termly review not returned" flag: raised once the term a review was due by has ended.

One flag per review version (its key names the review), for the pastoral
team, who chase providers (policy: the Pastoral Team monitor the learner's
progress with the provider); the placement's visiting staff member is told
too. It resolves "Review returned" when the provider submits (at once, and
by the job should that have been missed) and "Placement ended" when the
placement is no longer active. A resolved key is never raised again.

Raising, announcing and resolving go through altprov.flags: the job may run
twice, or in two workers at once, and each flag is raised and told once. Its
queries do not grow with the number of reviews.
"""

from collections import defaultdict
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from altprov import flags
from altprov.models import Flag, Membership, Role
from altprov.notifications import Notice
from altprov.templatetags.altprov_tags import date_words
from placements.models import Status

from .models import ReviewStatus, TermlyReview

OVERDUE = flags.register(
    flags.FlagKind(name="termly_review_overdue", label="Termly review not returned", roles=(Role.PASTORAL,))
)
RETURNED = "Review returned"
ENDED = "Placement ended"
REPLACED = "A new version was asked for"


def overdue_key(review: TermlyReview) -> str:
    return f"termly-review-overdue:{review.pk}"


def _open_flags():
    return Flag.objects.open().filter(
        kind=OVERDUE.name, subject_type=ContentType.objects.get_for_model(TermlyReview)
    )


def resolve_returned(review_ids: list[int], *, now: datetime) -> int:
    """Resolve the overdue flags of reviews just submitted."""
    return flags.resolve(_open_flags().filter(subject_id__in=review_ids), reason=RETURNED, now=now)


def check_overdue_reviews(*, now: datetime | None = None) -> dict[str, int]:
    """Raise and tell the flags of reviews past their due date; resolve those whose work is done.

    Queries: the overdue reviews (1), raising (3), the open flags with their
    reviews (2), resolving (1), the pastoral staff (1) and telling (2+).
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    overdue = list(
        TermlyReview.objects.filter(
            status=ReviewStatus.REQUESTED,
            superseded_by__isnull=True,
            due_date__lt=today,
            placement__status=Status.ACTIVE,
        ).select_related("placement__learner", "placement__provider", "placement__visiting_staff", "term")
    )
    raised = flags.raise_flags(
        OVERDUE,
        [
            flags.FlagSpec(
                key=overdue_key(review),
                school_id=review.school_id,
                summary=f"Termly review not returned: {review.placement.learner.display_name} at "
                f"{review.placement.provider.name}, {review.term} (due {date_words(review.due_date)})",
                url=review.get_absolute_url(),
                subject=review,
            )
            for review in overdue
        ],
        now=now,
    )
    resolved = _resolve_done(now)
    new = [review for review in overdue if overdue_key(review) in raised.new]
    _tell(new, raised, now)
    return {"raised": len(new), "resolved": resolved}


def _resolve_done(now: datetime) -> int:
    open_flags = dict(_open_flags().values_list("pk", "subject_id"))
    if not open_flags:
        return 0
    reviews = (
        TermlyReview.objects.filter(pk__in=set(open_flags.values()))
        .select_related("placement", "superseded_by")
        .in_bulk()
    )
    reasons = {}
    for pk, review_id in open_flags.items():
        review = reviews.get(review_id)
        if review is None:
            continue
        if review.is_submitted:
            reasons[pk] = RETURNED
        elif review.placement.status != Status.ACTIVE:
            reasons[pk] = ENDED
        elif review.state(timezone.localdate(now)) == "superseded":
            reasons[pk] = REPLACED
    return flags.resolve_each(reasons, now=now)


def _tell(new: list[TermlyReview], raised: flags.Raised, now: datetime) -> None:
    if not new:
        return
    pastoral = defaultdict(list)
    for membership in Membership.objects.filter(
        school_id__in={r.school_id for r in new}, role=Role.PASTORAL, user__is_active=True
    ).select_related("user"):
        pastoral[membership.school_id].append(membership.user)
    tellings = []
    for review in new:
        flag = raised.flags[overdue_key(review)]
        context = {"review": review, "learner_name": review.placement.learner.display_name, "flag": flag}
        key = f"flag:{flag.pk}:raised"
        team = pastoral[review.school_id]
        tellings.append(
            flags.Telling(
                flag,
                Notice(
                    users=team,
                    school=flag.school,
                    key=key,
                    subject=flag.summary,
                    template="monitoring/email/review_overdue.txt",
                    context=context,
                    url=flag.url,
                ),
                "the pastoral team",
            )
        )
        visitor = review.placement.visiting_staff
        if visitor is not None and visitor.is_active and visitor not in team:
            tellings.append(
                flags.Telling(
                    flag,
                    Notice(
                        users=[visitor],
                        school=flag.school,
                        key=key,
                        subject=flag.summary,
                        template="monitoring/email/review_overdue.txt",
                        context=context,
                        url=flag.url,
                    ),
                    "the visiting staff member",
                )
            )
    flags.tell(tellings, now=now)
