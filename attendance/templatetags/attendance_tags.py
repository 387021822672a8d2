"""Attendance shown on other apps' pages.

The learner's record belongs to placements, which may not import attendance
(the layers run monitoring -> attendance -> placements -> altprov); its
template loads this library instead, so the attendance app computes its own
panel.
"""

from django import template
from django.utils import timezone

from .. import codes
from ..figures import BAND_CSS, Band, figures_for, term_so_far, this_term
from ..models import Intervention, ParentContact

register = template.Library()


@register.inclusion_tag("attendance/_learner_summary.html")
def learner_attendance_summary(learner, can) -> dict:
    """This term's attendance so far and where the follow-up stands.

    Queries: the term (1), the marks grouped by code (1), sessions not yet
    marked (6), the last intervention (1) and the last contact with parents (1).
    """
    today = timezone.localdate()
    target = learner.school.attendance_target
    term = this_term(learner.school_id, today)
    context = {"learner": learner, "can": can, "term": term, "target": target}
    if term is None:
        return context
    period = term_so_far(term, today)
    figures = figures_for([learner.pk], period.start, period.end, unmarked_until=today).get(learner.pk)
    band = figures.band(target) if figures else None
    return context | {
        "period": period,
        "figures": figures,
        "band": band,
        "band_css": BAND_CSS.get(band, "rag-grey"),
        "needs_follow_up": band is not None and band != Band.AT_TARGET,
        "last_intervention": Intervention.objects.filter(school_id=learner.school_id, learner=learner)
        .order_by("-date", "-pk")
        .first(),
        "last_contact": ParentContact.objects.filter(school_id=learner.school_id, learner=learner)
        .order_by("-at", "-pk")
        .first(),
    }


@register.filter
def code_css(code: str) -> str:
    """A mark's cell colour by what its code means: attended, authorised, unauthorised, not counted."""
    return codes.code_css(code)
