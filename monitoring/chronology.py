"""A learner's or a placement's monitoring chronology: one list, newest first.

Visits (submitted), termly reviews (returned), incidents, review meetings,
agreement reviews and actions (agreed and done). Safeguarding concerns are
listed only for the roles that read the DSL's log (`concern.read`: the DSL
and the head teacher); for everyone else they are not queried at all, so
nothing on the page counts or hints at them. No line carries safeguarding
detail: a concern is "Safeguarding concern raised", nothing more.

A fixed number of queries, one per kind of record, however many there are.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from altprov.templatetags.altprov_tags import date_words
from placements.models import Learner, Placement

from .models import (
    Action,
    AgreementReview,
    Incident,
    ReviewMeeting,
    ReviewStatus,
    SafeguardingConcern,
    TermlyReview,
    Visit,
    VisitStatus,
)

# Kind -> the status tag's colour class (static/css/pages.css).
KINDS = {
    "Visit": "tag-planning",
    "Termly review": "tag-agreed",
    "Incident": "tag-lapsed",
    "Review meeting": "tag-referred",
    "Agreement review": "tag-withdrawn",
    "Action agreed": "tag-not-approved",
    "Action done": "tag-active",
    "Safeguarding concern": "tag-ceased",
}
# Which kind comes first on the same day: the record before the actions agreed at it.
ORDER = {kind: n for n, kind in enumerate(KINDS)}


@dataclass(frozen=True)
class Item:
    on: date
    kind: str
    summary: str
    url: str | None = None
    pk: int = 0

    @property
    def css(self) -> str:
        return KINDS[self.kind]


def url_or_none(name: str, *args) -> str | None:
    """The page's URL, or None while that page does not exist (parts of monitoring are built apart)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _day(value: datetime | date | None) -> date | None:
    if isinstance(value, datetime):
        return timezone.localdate(value)
    return value


def _where(placement: Placement, with_provider: bool) -> str:
    return f" at {placement.provider}" if with_provider else ""


def chronology(
    *, can: frozenset[str], learner: Learner | None = None, placement: Placement | None = None
) -> list[Item]:
    """Everything recorded about the learner (all placements) or one placement, newest first.

    Queries: visits, termly reviews, incidents, review meetings, agreement
    reviews, actions (6), and concerns (1) for `concern.read` roles only.
    """
    if (learner is None) == (placement is None):
        raise ValueError("Give a learner or a placement.")
    scope = {"placement": placement} if placement is not None else {"placement__learner": learner}
    many = placement is None  # a learner's list names each placement's provider
    opens = "monitoring.view" in can
    items: list[Item] = []

    for visit in Visit.objects.filter(status=VisitStatus.SUBMITTED, **scope).select_related(
        "placement__provider", "staff"
    ):
        who = visit.staff.get_full_name() or visit.staff.get_username()
        attendance = (
            f"; attendance {visit.attendance_percent}%" if visit.attendance_percent is not None else ""
        )
        items.append(
            Item(
                visit.visited_on or _day(visit.submitted_at),
                "Visit",
                f"Visit by {who}{_where(visit.placement, True)}{attendance}",
                url_or_none("monitoring:visit_detail", visit.pk) if opens else None,
                visit.pk,
            )
        )

    for review in TermlyReview.objects.filter(status=ReviewStatus.SUBMITTED, **scope).select_related(
        "placement__provider", "term"
    ):
        version = f" (version {review.version})" if review.version > 1 else ""
        items.append(
            Item(
                _day(review.submitted_at),
                "Termly review",
                f"Termly review for {review.term} returned by {review.placement.provider}{version}"
                + ("; school responded" if review.school_response else ""),
                url_or_none("monitoring:review_detail", review.pk) if opens else None,
                review.pk,
            )
        )

    for incident in Incident.objects.filter(**scope).select_related("placement__provider"):
        state = "course of action decided" if incident.decided_at else "waiting for a decision"
        items.append(
            Item(
                _day(incident.occurred_at),
                "Incident",
                f"Serious incident{_where(incident.placement, True)}: {state}",
                url_or_none("monitoring:incident_detail", incident.pk) if opens else None,
                incident.pk,
            )
        )

    for meeting in ReviewMeeting.objects.filter(**scope).select_related("placement__provider"):
        items.append(
            Item(
                meeting.held_on,
                "Review meeting",
                f"Review meeting{_where(meeting.placement, many)}: "
                f"progress {meeting.get_outcome_display().lower()}",
                url_or_none("monitoring:meeting_detail", meeting.pk) if opens else None,
                meeting.pk,
            )
        )

    for review in AgreementReview.objects.filter(**scope).select_related("placement__provider"):
        change = "changes to the agreement needed" if review.changes_needed else "no changes needed"
        items.append(
            Item(
                review.held_on,
                "Agreement review",
                f"Agreement reviewed{_where(review.placement, many)}: {change}",
                None,
                review.pk,
            )
        )

    for action in Action.objects.filter(**scope).select_related(
        "placement__provider", "owner", "meeting", "visit", "incident"
    ):
        source = _action_source(action, opens)
        where = _where(action.placement, many)
        items.append(
            Item(
                _agreed_on(action),
                "Action agreed",
                f"{action.description} ({action.get_side_display().lower()}{where}; {action.owner_label}; "
                f"due {date_words(action.due_date)})",
                source,
                action.pk,
            )
        )
        if action.done_on:
            items.append(
                Item(
                    action.done_on,
                    "Action done",
                    f"{action.description}: {action.done_note}",
                    source,
                    action.pk,
                )
            )

    if "concern.read" in can:
        for concern in SafeguardingConcern.objects.filter(
            **({"placement": placement} if placement is not None else {"learner": learner})
        ).only("raised_at", "closed_on", "source"):
            closed = f"; closed {date_words(concern.closed_on)}" if concern.closed_on else ""
            items.append(
                Item(
                    _day(concern.raised_at),
                    "Safeguarding concern",
                    f"Safeguarding concern raised ({concern.get_source_display().lower()}){closed}",
                    url_or_none("monitoring:concern_detail", concern.pk),
                    concern.pk,
                )
            )

    items.sort(key=lambda item: (item.on, -ORDER[item.kind], item.pk), reverse=True)
    return items


def _agreed_on(action: Action) -> date:
    """The day of the visit, meeting or incident that agreed the action; else the day it was recorded."""
    if action.meeting_id:
        return action.meeting.held_on
    if action.visit_id and action.visit.visited_on:
        return action.visit.visited_on
    if action.incident_id:
        return _day(action.incident.occurred_at)
    return _day(action.created_at)


def _action_source(action: Action, opens: bool) -> str | None:
    """Where an action was agreed, if the viewer may open it."""
    if not opens:
        return None
    if action.meeting_id:
        return url_or_none("monitoring:meeting_detail", action.meeting_id)
    if action.visit_id:
        return url_or_none("monitoring:visit_detail", action.visit_id)
    if action.incident_id:
        return url_or_none("monitoring:incident_detail", action.incident_id)
    return None
