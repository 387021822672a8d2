"""A provider reporting "closed today" on its register link.

The closure stops the day's expectations, but the school must still know
where each learner expected there is (policy: Attendance and Safeguarding):
the admin assistants are told at once and the learners go on Today's
"contact parents" list; when one of them is looked-after, has a social
worker or carries a safeguarding flag, the pastoral lead and the DSL are told
too, and only the DSL's message says who and why.

A closure the provider reported is told apart from one staff recorded by its
reason and by its creation in the history with no user (a link has no
account), so no column is needed to know who reported it and when.
"""

from datetime import date

from django.db.models import Case, DateTimeField, OuterRef, QuerySet, Subquery, When
from django.urls import reverse
from django.utils import timezone

from altprov.models import Role, School
from altprov.notifications import notify, staff_with_role
from altprov.templatetags.altprov_tags import date_words
from placements.models import Learner, Provider, ProviderClosure

from .missing import resolve_complete_flags
from .recording import is_vulnerable, why_vulnerable

CLOSED_REASON = "Reported closed by the provider on the register link"


def with_report_time(closures: QuerySet) -> QuerySet:
    """Annotate each closure's `reported_at`: when the provider reported it on its link, else None."""
    created = ProviderClosure.history.filter(
        id=OuterRef("pk"), history_type="+", history_user__isnull=True
    ).values("history_date")[:1]
    return closures.annotate(
        reported_at=Case(
            When(reason=CLOSED_REASON, then=Subquery(created)), default=None, output_field=DateTimeField()
        )
    )


def report_closed(*, school: School, provider: Provider, day: date, placement_ids) -> ProviderClosure:
    """Record the closure, resolve the day's flags and tell the school who was expected there."""
    closure = ProviderClosure.objects.create(
        provider=provider, school=school, start_date=day, end_date=day, reason=CLOSED_REASON
    )
    resolve_complete_flags(day=day, school_id=school.pk, provider_id=provider.pk, resolution=CLOSED_REASON)
    learners = list(
        Learner.objects.filter(placements__pk__in=placement_ids)
        .distinct()
        .order_by("legal_last_name", "legal_first_name", "pk")
    )
    context = {
        "provider": provider,
        "day": day,
        "at": timezone.localtime(),
        "count": len(learners),
    }
    subject = f"{provider.name} reported closed today ({date_words(day)})"
    url = reverse("attendance:today")
    key = f"provider-closed:{closure.pk}"
    notify(
        users=staff_with_role(school, Role.ADMIN),
        school=school,
        key=f"{key}:admin",
        subject=subject,
        template="attendance/email/provider_closed.txt",
        context=context,
        url=url,
    )
    vulnerable = [(learner, why_vulnerable(learner)) for learner in learners if is_vulnerable(learner)]
    if vulnerable:
        notify(
            users=staff_with_role(school, Role.PASTORAL),
            school=school,
            key=f"{key}:pastoral",
            subject=subject,
            template="attendance/email/provider_closed_pastoral.txt",
            context=context,
            url=url,
        )
        notify(
            users=staff_with_role(school, Role.DSL),
            school=school,
            key=f"{key}:dsl",
            subject=f"{provider.name} closed today: vulnerable learner(s) to account for",
            template="attendance/email/provider_closed_dsl.txt",
            context={**context, "vulnerable": vulnerable},
            url=url,
        )
    return closure
