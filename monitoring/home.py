"""The figures on each person's home page."""

from datetime import date

from placements.models import EvidenceType, Learner, Placement, Provider, Status


def home_summary(user, school, *, today: date) -> dict:
    placements = Placement.objects.filter(school=school)
    counts = dict.fromkeys(Status.values, 0)
    for status in placements.values_list("status", flat=True):
        counts[status] += 1
    types = list(EvidenceType.objects.all())
    used = Provider.objects.filter(placements__school=school, placements__status=Status.ACTIVE).distinct()
    evidence_problems = [
        p for p in used.prefetch_related("evidence_items") if p.evidence_problems(types, today=today)
    ]
    return {
        "counts": counts,
        "learners": Learner.objects.filter(school=school).count(),
        "active_today": placements.active(on=today).count(),
        "evidence_problems": evidence_problems,
        "awaiting_decision": placements.filter(status__in=[Status.REFERRED, Status.PLANNING, Status.AGREED])
        .select_related("learner", "provider")
        .order_by("start_date")[:10],
    }
