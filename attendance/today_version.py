"""A version of a school's Today page for one day, so the page's polling costs one query when
nothing changed (answered 304 Not Modified, which htmx does not swap in).

Everything the page shows comes from rows with a time of their own (or a history
row that has one): the newest of each, and a count where a row can disappear, is
the version. One query, whatever the number of providers and learners.
"""

import hashlib
from datetime import date, datetime

from django.db.models import Count, Max, Q, Subquery
from django.db.models.functions import Coalesce, Greatest

from altprov.models import FlagNotice, LinkPurpose, LinkToken, School
from placements.models import Learner, Placement, PlacementTimetable, ProviderClosure

from .missing import cutoffs
from .models import AttendanceMark, ChaseNote, MarkAmendment, MissingReport, ParentContact


def _newest(qs, group: str, **aggregate):
    """A one-value subquery: the aggregate over `qs`, all of whose rows share `group`."""
    ((name, value),) = aggregate.items()
    return Subquery(qs.order_by().values(group).annotate(**{name: value}).values(name)[:1])


def data_version(*, school: School, day: date, now: datetime) -> str:
    """What the Today page for `school` and `day` depends on, as a short hash.

    The clock is part of it too: a provider turns from "due" to "missing" when a
    cut-off passes with nothing changed in the database, and a link expires.
    """
    marks = AttendanceMark.objects.filter(school=school, date=day)
    reports = MissingReport.objects.filter(school=school, day=day)
    links = LinkToken.objects.filter(school=school, purpose=LinkPurpose.PROVIDER_REGISTER)
    parts = {
        "marks": _newest(marks, "school", v=Count("pk")),
        "marked": _newest(marks, "school", v=Max("entered_at")),
        "amended": _newest(
            MarkAmendment.objects.filter(mark__school=school, mark__date=day), "mark__school", v=Max("at")
        ),
        "flags": _newest(reports, "school", v=Count("pk")),
        "flagged": _newest(
            reports,
            "school",
            v=Max(Greatest("flag__raised_at", Coalesce("flag__escalated_at", "flag__raised_at"))),
        ),
        "resolved": _newest(reports, "school", v=Max("flag__resolved_at")),
        "unresolved": _newest(reports, "school", v=Count("pk", filter=Q(flag__resolved_at=None))),
        "told": _newest(
            FlagNotice.objects.filter(flag__missing_report__school=school, flag__missing_report__day=day),
            "flag__missing_report__school",
            v=Max("at"),
        ),
        "chased": _newest(ChaseNote.objects.filter(school=school, day=day), "school", v=Max("at")),
        "contacted": _newest(
            ParentContact.objects.filter(school=school, at__date=day), "school", v=Max("at")
        ),
        "contacts": _newest(
            ParentContact.objects.filter(school=school, at__date=day), "school", v=Count("pk")
        ),
        "links": _newest(links, "school", v=Max("created_at")),
        "revoked": _newest(links, "school", v=Max("revoked_at")),
        "opened": _newest(links, "school", v=Max("last_used_at")),
        "usable": _newest(links.usable(now), "school", v=Count("pk")),
        "closures": _newest(ProviderClosure.history.filter(school=school), "school", v=Max("history_date")),
        "placements": _newest(Placement.history.filter(school=school), "school", v=Max("history_date")),
        "learners": _newest(Learner.history.filter(school=school), "school", v=Max("history_date")),
        "timetables": _newest(
            PlacementTimetable.history.filter(placement__school=school),
            "placement__school",
            v=Max("history_date"),
        ),
    }
    named = {f"v_{name}": value for name, value in parts.items()}
    values = School.objects.filter(pk=school.pk).annotate(**named).values_list(*named).get()
    # Compared as text: "10:00" and time(10, 0) both read the same way.
    clock = "99" if day < now.date() else "" if day > now.date() else f"{now:%H:%M:%S}"
    passed = [session for session, times in cutoffs(school).items() for t in times if clock >= str(t)]
    text = repr((school.pk, day.isoformat(), values, passed))
    return hashlib.sha256(text.encode()).hexdigest()[:32]
