"""The admin assistant's day: the Today page and the work done from it (recording marks a provider
gave by phone or email, resending or revoking its register link, chasing it, closing a flag)."""

import hashlib
from datetime import date, timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import condition, require_POST

from altprov.links import revoke
from altprov.models import School
from altprov.redirects import safe_next
from altprov.roles import perms_at, require_perm
from altprov.templatetags.altprov_tags import date_words, day_words
from placements.models import Placement, Provider, ProviderClosure
from placements.schedule import expected_sessions

from ..access import get_flag_for_user, get_link_for_user
from ..daily_links import email_register_link
from ..forms.lists import TodayFilterForm
from ..forms.marks import SessionRow
from ..forms.staff import (
    ChaseForm,
    CloseFlagForm,
    ExtraSessionForm,
    RecordMarksForm,
    StaffMarksFormSet,
    changes,
    learner_session,
)
from ..missing import close_flag, cutoffs
from ..models import AttendanceMark, ChaseNote
from ..recording import record_marks
from ..today import today_page
from ..today_version import data_version

POLL_SECONDS = 60
# Providers that reported, are closed or not yet due, per page: at a local authority's
# scale the whole list is hundreds of rows, re-sent every minute.
PAGE_SIZE = 25
# Told apart from a reason the user typed, should another entry land between
# the form's check and the save (record_marks amends rather than overwrites).
CONCURRENT_REASON = "Entered by staff while another mark for the session arrived"


FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)


def _day_param(request: HttpRequest, default: date) -> date:
    value = request.GET.get("day", "")
    if not value:
        return default
    try:
        day = date.fromisoformat(value)
    except ValueError:
        messages.error(request, f"“{value}” is not a date (use YYYY-MM-DD): showing {date_words(default)}.")
        return default
    # Registers are kept six years; a date far outside any school year is a typo (and
    # the page's previous and next day must stay inside the calendar).
    if not FIRST_DAY <= day <= LAST_DAY:
        messages.error(
            request, f"{date_words(day)} is outside the registers kept: showing {date_words(default)}."
        )
        return default
    return day


def _today_url(day: date | None = None) -> str:
    url = reverse("attendance:today")
    if day is not None and day != timezone.localdate():
        url += f"?day={day.isoformat()}"
    return url


def _provider_at(school: School, pk: int) -> Provider:
    """A provider with a placement at the school: the directory is shared, its learners are not."""
    return get_object_or_404(Provider.objects.filter(placements__school=school).distinct(), pk=pk)


def _poll_etag(request: HttpRequest) -> str | None:
    """The live part's version, for htmx's polling only: a full page load must still show the
    messages waiting for it, so it is never answered 304."""
    if not request.htmx:
        return None
    try:
        day = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return None
    version = data_version(school=request.school, day=day, now=timezone.localtime())
    # What the user may do changes the buttons shown; the filters change the rows.
    who = repr((request.user.pk, sorted(perms_at(request.user, request.school.pk)), request.get_full_path()))
    return f"{version}-{hashlib.sha256(who.encode()).hexdigest()[:16]}"


@require_perm("attendance.view")
@condition(etag_func=_poll_etag)
def today(request: HttpRequest) -> HttpResponse:
    # The whole row: the middleware's has only the name, and the cut-offs are needed.
    school = request.school
    now = timezone.now()
    local_today = timezone.localdate(now)
    day = _day_param(request, local_today)
    page = today_page(school=school, day=day, now=now)
    form = TodayFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    others = Paginator(
        page.others(
            status=filters.get("status", ""),
            q=filters.get("q", ""),
            year_group=filters.get("year_group"),
            provider=filters.get("provider"),
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    poll = query.copy()
    poll["day"] = day.isoformat()
    if others.number > 1:
        poll["page"] = str(others.number)
    context = {
        "page": page,
        "others": others,
        "form": form,
        "filtered": any(v not in ("", None) for v in filters.values()),
        "query": query.urlencode(),
        "poll_url": f"{request.path}?{poll.urlencode()}",
        "day": day,
        "is_today": day == local_today,
        "now": now,
        "cutoffs": cutoffs(school),
        "poll_seconds": POLL_SECONDS,
        "previous_day": day - timedelta(days=3 if day.weekday() == 0 else 1),
        "next_day": day + timedelta(days=3 if day.weekday() == 4 else 1),
    }
    # The same URL answers the page and, polled by htmx, just its live part.
    template = "attendance/_today_providers.html" if request.htmx else "attendance/today.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    # Never stored (altprov.security makes every page no-store): static/js/today.js
    # sends the ETag back itself, so an unchanged poll costs a 304.
    patch_cache_control(response, private=True, no_store=True)
    return response


def _mark_rows(school: School, provider: Provider, day: date) -> list[SessionRow]:
    """The provider's expected sessions on `day`, and any marks it already has (extra sessions too)."""
    placements = {
        p.pk: p
        for p in Placement.objects.filter(school=school, provider=provider)
        .attending_between(day, day)
        .select_related("learner")
    }
    expected = {
        (e.placement_id, e.session)
        for e in expected_sessions(day, day, placements=Placement.objects.filter(pk__in=placements))
    }
    marks = {
        (m.placement_id, m.session): m
        for m in AttendanceMark.objects.filter(
            school=school, date=day, placement__provider=provider
        ).select_related("placement__learner", "entered_by")
    }
    rows = []
    for key in expected | set(marks):
        mark = marks.get(key)
        placement = mark.placement if mark else placements[key[0]]
        rows.append(SessionRow(day, key[1], placement, mark, extra=key not in expected))
    rows.sort(
        key=lambda r: (
            r.placement.learner.legal_last_name,
            r.placement.learner.legal_first_name,
            r.placement.pk,
            r.session,
        )
    )
    return rows


@require_perm("attendance.record")
def record_marks_view(request: HttpRequest, pk: int) -> HttpResponse:
    school = request.school
    provider = _provider_at(school, pk)
    local_today = timezone.localdate()
    day = _day_param(request, local_today)
    rows = _mark_rows(school, provider, day)
    which = request.POST.get("form", "marks") if request.method == "POST" else ""
    posted = request.POST if which == "marks" else None
    form = RecordMarksForm(posted)
    rest_present = posted is not None and posted.get("rest") == "present"
    formset = StaffMarksFormSet(posted, rows=rows, form_kwargs={"rest_present": rest_present})
    extra_form = ExtraSessionForm(
        request.POST if which == "extra" else None,
        prefix="extra",
        placements=Placement.objects.filter(school=school, provider=provider)
        .attending_between(date.min, date.max)
        .select_related("learner")
        .order_by("learner__legal_last_name", "learner__legal_first_name", "pk"),
        initial={"day": min(day, local_today)},
    )

    if which == "marks" and _record_rows(request, school, day, form, formset):
        return redirect(_today_url(day))
    if which == "extra" and extra_form.is_valid():
        data = extra_form.cleaned_data
        record_marks(
            school=school,
            entries=[extra_form.entry(data["placement"], data["day"], data["session"])],
            source=data["source"],
            by=request.user,
            extra=extra_form.is_extra,
        )
        what = "an extra session" if extra_form.is_extra else "a timetabled session"
        messages.success(
            request,
            f"Recorded {what}: {learner_session(data['placement'], data['session'])} "
            f"{day_words(data['day'], 'on')}.",
        )
        return redirect(
            f"{reverse('attendance:record_marks', args=[provider.pk])}?day={data['day'].isoformat()}"
        )

    closure = ProviderClosure.objects.filter(
        school=school, provider=provider, start_date__lte=day, end_date__gte=day
    ).first()
    return render(
        request,
        "attendance/record_marks.html",
        {
            "provider": provider,
            "day": day,
            "is_future": day > local_today,
            "form": form,
            "formset": formset,
            "extra_form": extra_form,
            "closure": closure,
            "previous_day": day - timedelta(days=3 if day.weekday() == 0 else 1),
            "next_day": day + timedelta(days=3 if day.weekday() == 4 else 1),
        },
    )


def _record_rows(
    request: HttpRequest, school: School, day: date, form: RecordMarksForm, formset: StaffMarksFormSet
) -> bool:
    """Validate and record the posted marks; False (with the errors on the forms) if they cannot be."""
    # Both are validated, so each shows its own errors.
    marks_valid = formset.is_valid()
    valid = form.is_valid() and marks_valid
    if day > timezone.localdate():
        form.add_error(None, "Attendance cannot be recorded for a day that has not happened yet.")
        return False
    if not valid:
        return False
    entries, changed = [], []
    for session_form in formset:
        entry, mark = session_form.row_entry(), session_form.row.mark
        if entry is None:
            continue
        if mark is None:
            entries.append(entry)
        elif changes(mark, entry):
            entries.append(entry)
            changed.append(f"{learner_session(entry.placement, entry.session)} ({mark.code})")
    reason = form.cleaned_data["reason"].strip()
    if changed and not reason:
        form.add_error(
            "reason",
            f"You changed a mark already recorded: {', '.join(changed)}. "
            "Give a reason; the old value is kept.",
        )
        return False
    if not entries:
        form.add_error(None, "Nothing to record: choose present, late or absent for at least one session.")
        return False
    result = record_marks(
        school=school,
        entries=entries,
        source=form.cleaned_data["source"],
        by=request.user,
        reason=reason or CONCURRENT_REASON,
    )
    parts = []
    if result.created:
        parts.append(f"{len(result.created)} mark{'s' if len(result.created) != 1 else ''} recorded")
    if result.amended:
        parts.append(f"{len(result.amended)} amended")
    messages.success(request, f"{', '.join(parts) or 'Nothing changed'} for {day_words(day)}.")
    return True


@require_POST
@require_perm("attendance.record")
def resend_link(request: HttpRequest, pk: int) -> HttpResponse:
    school = request.school
    provider = _provider_at(school, pk)
    # Checked before the link is issued: nothing is sent for a request that cannot finish.
    back = safe_next(request, _today_url())
    url = email_register_link(school=school, provider=provider, by=request.user)
    messages.success(
        request,
        f"A new register link is on its way to {provider.attendance_contact_email}; "
        f"the provider's older links no longer work. To read it out or send it another way: {url}",
    )
    return redirect(back)


@require_POST
@require_perm("attendance.record")
def chase(request: HttpRequest, pk: int) -> HttpResponse:
    school = request.school
    provider = _provider_at(school, pk)
    form = ChaseForm(request.POST)
    if form.is_valid():
        ChaseNote.objects.create(
            school=school,
            provider=provider,
            day=timezone.localdate(),
            by=request.user,
            note=form.cleaned_data["note"],
        )
        messages.success(request, f"Chase of {provider} noted.")
        return redirect(_today_url())
    return render(
        request,
        "placements/form_page.html",
        {"form": form, "title": f"Note a chase of {provider}", "back_url": _today_url()},
    )


@require_POST
def revoke_link(request: HttpRequest, pk: int) -> HttpResponse:
    link = get_link_for_user(request.user, pk)
    back = safe_next(request, _today_url())
    revoke(link, by=request.user)
    messages.success(
        request,
        f"The register link for {link.subject or link.school} created "
        f"{day_words(link.created_at, 'on')} at {timezone.localtime(link.created_at):%H:%M} no longer works.",
    )
    return redirect(back)


def close_flag_view(request: HttpRequest, pk: int) -> HttpResponse:
    flag = get_flag_for_user(request.user, pk)
    if flag.resolved_at is not None:
        messages.info(request, f"That flag is already closed: {flag.resolution}")
        return redirect(_today_url(flag.day))
    form = CloseFlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        close_flag(flag=flag, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, f"The {flag.session} flag for {flag.provider} is closed.")
        return redirect(_today_url(flag.day))
    return render(request, "attendance/today_close_flag.html", {"flag": flag, "form": form})
