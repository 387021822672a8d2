"""What needs attention, the one line at the top of a list page (before its filters).

Each item is a count in words and, where a filter of the page shows exactly
those rows, the link to it: "2 referrals waiting for a planning meeting".
"""

from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse

from altprov.models import School
from altprov.templatetags.altprov_tags import day_words

from .models import EvidenceStatus, Placement, Status

# Provider closures this near are worth a line on the calendar.
CLOSURES_WITHIN_DAYS = 14
# A term ending this near with none after it: the next one should be set up.
NEXT_TERM_WITHIN_DAYS = 42


@dataclass(frozen=True)
class Attention:
    words: str
    url: str = ""


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _filtered(url_name: str, **params: str) -> str:
    return f"{reverse(url_name)}?{urlencode(params)}"


# Open placements waiting on the school, each status with what it waits for.
WAITING = [
    (Status.REFERRED, ("referral", "referrals"), "waiting for a planning meeting"),
    (Status.PLANNING, ("placement", "placements"), "waiting to be agreed"),
    (Status.AGREED, ("agreed placement", "agreed placements"), "waiting to start"),
]


def placements(school: School) -> list[Attention]:
    """Placements waiting for the next step, in one query."""
    counts = Placement.objects.filter(school=school).aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status, _, _ in WAITING}
    )
    return [
        Attention(
            f"{_plural(counts[status], *names)} {waiting}",
            _filtered("placements:placement_list", status=status),
        )
        for status, names, waiting in WAITING
        if counts[status]
    ]


def learners(school: School) -> list[Attention]:
    """Learners whose placement waits for the next step, in one query."""
    counts = Placement.objects.filter(school=school).aggregate(
        **{status: Count("learner", filter=Q(status=status), distinct=True) for status, _, _ in WAITING}
    )
    words = {
        Status.REFERRED: "referred, waiting for a planning meeting",
        Status.PLANNING: "with a placement waiting to be agreed",
        Status.AGREED: "with an agreed placement waiting to start",
    }
    return [
        Attention(
            f"{_plural(counts[status], 'learner', 'learners')} {words[status]}",
            _filtered("placements:learner_list", status=status),
        )
        for status, _, _ in WAITING
        if counts[status]
    ]


def providers(states: list[tuple[str, str]]) -> list[Attention]:
    """From (evidence status, approval state) of every provider: lapsed approvals, then evidence to chase."""
    items = []
    lapsed = sum(1 for _, approval in states if approval == "Lapsed")
    if lapsed:
        items.append(Attention(f"{_plural(lapsed, 'provider’s approval', 'providers’ approvals')} lapsed"))
    for status, words in [
        (EvidenceStatus.EXPIRED, "with expired evidence"),
        (EvidenceStatus.MISSING, "with evidence missing"),
        (EvidenceStatus.EXPIRING, "with evidence expiring within 30 days"),
    ]:
        n = sum(1 for evidence, _ in states if evidence == status)
        if n:
            items.append(
                Attention(
                    f"{_plural(n, 'provider', 'providers')} {words}",
                    _filtered("placements:provider_list", evidence=status),
                )
            )
    return items


def calendar(terms, provider_closures, *, today: date, can_edit: bool) -> list[Attention]:
    """No term from today on (or the last one ending soon), and provider closures in the next two weeks."""
    items = []
    last = max((t.end_date for t in terms), default=None)
    add_term = reverse("placements:term_create") if can_edit else ""
    if last is None or last < today:
        items.append(
            Attention("No term is set up from today: expected attendance cannot be worked out", add_term)
        )
    elif last <= today + timedelta(days=NEXT_TERM_WITHIN_DAYS):
        items.append(
            Attention(f"The last term set up ends {day_words(last, 'on')}: add the next one", add_term)
        )
    soon = [c for c in provider_closures if c.start_date <= today + timedelta(days=CLOSURES_WITHIN_DAYS)]
    if soon:
        items.append(
            Attention(
                f"{_plural(len(soon), 'provider closure', 'provider closures')} in the next two weeks",
                "#pclosures-heading",
            )
        )
    return items
