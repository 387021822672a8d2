"""The visits panel on the placement's page (placements may not import monitoring;
its template loads this library instead)."""

from django import template
from django.utils import timezone

from ..models import Visit, VisitStatus
from ..visit_plan import plan_visits

register = template.Library()


@register.inclusion_tag("monitoring/visits/_placement_visits.html", takes_context=True)
def placement_visits(context, placement, can) -> dict:
    """Each half term's state and the visits, for roles with monitoring.view.

    Queries: the visit plan (7) and the visits with their staff (1).
    """
    if "monitoring.view" not in can:
        return {"shown": False}
    user = context["request"].user
    plan = plan_visits([placement], today=timezone.localdate())[placement.pk]
    visits = list(
        Visit.objects.filter(placement=placement)
        .filter(status=VisitStatus.SUBMITTED)
        .select_related("staff")
        .order_by("-visited_on", "-pk")
    )
    draft = (
        Visit.objects.filter(placement=placement, status=VisitStatus.DRAFT, created_by=user)
        .values_list("pk", flat=True)
        .first()
        if "monitoring.visit" in can
        else None
    )
    return {
        "shown": True,
        "placement": placement,
        "plan": plan,
        "visits": visits,
        "draft": draft,
        "can": can,
        "csrf_token": context.get("csrf_token"),
        "visitable": placement.status in ("active", "ended"),
    }
