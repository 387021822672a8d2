"""Scoped lookups for attendance records: another school's record answers 404,
one at the user's school that their role may not act on answers 403."""

from altprov.access import get_for_user
from altprov.models import LinkToken

from .models import AttendanceMark, MissingReport


def get_mark_for_user(user, pk: int, *, perm: str = "attendance.record") -> AttendanceMark:
    queryset = AttendanceMark.objects.select_related(
        "school", "placement__learner", "placement__provider", "entered_by"
    )
    return get_for_user(queryset, user, pk, perm=perm)


def get_flag_for_user(user, pk: int, *, perm: str = "attendance.record") -> MissingReport:
    """A missing-report flag, by its flag id."""
    queryset = MissingReport.objects.select_related("provider", "flag__resolved_by")
    return get_for_user(queryset, user, pk, perm=perm)


def get_link_for_user(user, pk: int, *, perm: str = "attendance.record") -> LinkToken:
    return get_for_user(LinkToken.objects.all(), user, pk, perm=perm)
