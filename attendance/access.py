"""Scoped lookups for attendance records: another school's record answers 404,
one at the user's school that their role may not act on answers 403."""

from django.shortcuts import get_object_or_404

from altprov.models import Flag, LinkToken
from altprov.roles import check_perm, school_ids

from .models import AttendanceMark


def _scoped(queryset, user, pk: int, perm: str):
    obj = get_object_or_404(queryset.filter(school_id__in=school_ids(user)), pk=pk)
    check_perm(user, obj.school_id, perm)
    return obj


def get_mark_for_user(user, pk: int, *, perm: str = "attendance.record") -> AttendanceMark:
    queryset = AttendanceMark.objects.select_related(
        "school", "placement__learner", "placement__provider", "entered_by"
    )
    return _scoped(queryset, user, pk, perm)


def get_flag_for_user(user, pk: int, *, perm: str = "attendance.record") -> Flag:
    return _scoped(Flag.objects.select_related("provider", "resolved_by"), user, pk, perm)


def get_link_for_user(user, pk: int, *, perm: str = "attendance.record") -> LinkToken:
    return _scoped(LinkToken.objects.all(), user, pk, perm)
