"""Termly reviews shown on a placement's page.

The placement page belongs to placements, which may not import monitoring
(the layers run monitoring -> attendance -> placements -> altprov); its
template loads this library instead.
"""

from django import template
from django.utils import timezone

from ..models import TermlyReview

register = template.Library()


@register.inclusion_tag("monitoring/reviews/_placement_reviews.html")
def placement_reviews(placement, can) -> dict:
    """The placement's termly reviews, newest first, every version. Queries: 1 (0 without the right)."""
    if "monitoring.view" not in can:
        return {"shown": False}
    today = timezone.localdate()
    reviews = (
        TermlyReview.objects.filter(placement=placement)
        .select_related("term", "superseded_by")
        .order_by("-due_date", "-version")
    )
    return {"shown": True, "rows": [(review, review.state(today)) for review in reviews]}
