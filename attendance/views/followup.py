"""Attendance figures and follow-up: the pastoral team's list, a learner's
attendance page, interventions, contact with parents/carers."""

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from altprov.roles import perms_at, require_perm
from placements.access import get_learner_for_user
from placements.models import Term
from placements.schedule import expected_sessions

from ..codes import CODES, COUNTS_CSS, UNMARKED_CSS, Counts
from ..figures import (
    BAND_CSS,
    Figures,
    Period,
    figures_for,
    follow_up_list,
    follow_up_rows,
    school_year_so_far,
    term_so_far,
    this_term,
)
from ..forms.followup import InterventionForm, ParentContactForm
from ..models import AttendanceMark, Intervention, MarkAmendment, ParentContact

SESSIONS = ("AM", "PM")
# Learners per page of the follow-up list.
FOLLOW_UP_PAGE_SIZE = 50
WEEKDAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri"]

KEY = [
    ("B", COUNTS_CSS[Counts.ATTENDED], "Attended (B, K, L)"),
    ("I", COUNTS_CSS[Counts.AUTHORISED], "Authorised absence (for example I, M, C2)"),
    ("N", COUNTS_CSS[Counts.UNAUTHORISED], "Unauthorised absence (for example N, O, G)"),
    ("D", COUNTS_CSS[Counts.NOT_COUNTED], "Not a possible session (for example D, Y1, #)"),
    ("?", UNMARKED_CSS, "Expected, not yet marked"),
    ("○", "", "Expected, still to come"),
    ("–", "", "Not expected (no session timetabled, half term, a closure, or outside the placement)"),
]


@require_perm("attendance.intervene")
def follow_up(request: HttpRequest) -> HttpResponse:
    school = request.school
    today = timezone.localdate()
    term = this_term(school.pk, today)
    period = term_so_far(term, today) if term else None
    listed = follow_up_list(school=school, period=period, today=today) if period else []
    # A page of learners at a time, lowest attendance first: only the page's rows are looked up.
    page = Paginator(listed, FOLLOW_UP_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "attendance/follow_up.html",
        {
            "term": term,
            "period": period,
            "page": page,
            "rows": follow_up_rows(school=school, today=today, listed=page.object_list),
            "target": school.attendance_target,
            "today": today,
        },
    )


@dataclass
class Cell:
    session: str
    text: str
    css: str
    description: str
    # The session a message sent the reader to (an alert's link), outlined.
    highlight: bool = False


def _cell(day: date, session: str, marks, expected: set, today: date) -> Cell:
    if marks:
        codes = [m.code for m in marks]
        counts = CODES[codes[0]].counts if codes[0] in CODES else Counts.NOT_COUNTED
        meanings = "; ".join(f"{m.code} – {m.meaning} ({m.placement.provider})" for m in marks)
        return Cell(session, "/".join(codes), COUNTS_CSS[counts], meanings)
    if (day, session) in expected:
        if day <= today:
            return Cell(session, "?", UNMARKED_CSS, "Expected, not yet marked")
        return Cell(session, "○", "", "Expected, still to come")
    return Cell(session, "–", "text-body-secondary", "Not expected")


def term_calendar(
    term: Term, marks, expected: set, today: date, highlight: tuple[date, str] | None = None
) -> list[dict]:
    """Weeks of the term as rows, Monday to Friday, AM and PM per day."""
    by_session = defaultdict(list)
    for mark in marks:
        by_session[(mark.date, mark.session)].append(mark)
    weeks = []
    monday = term.start_date - timedelta(days=term.start_date.weekday())
    while monday <= term.end_date:
        days = []
        for offset in range(5):
            day = monday + timedelta(days=offset)
            cells = [_cell(day, s, by_session.get((day, s)), expected, today) for s in SESSIONS]
            for cell in cells:
                cell.highlight = (day, cell.session) == highlight
            days.append({"day": day, "cells": cells, "is_today": day == today})
        half_term = term.half_term_start <= monday + timedelta(days=4) and monday <= term.half_term_end
        weeks.append({"monday": monday, "days": days, "half_term": half_term})
        monday += timedelta(days=7)
    return weeks


def _highlighted(request: HttpRequest) -> tuple[date, str] | None:
    """The session an alert links to (`?day=2026-11-30&session=AM`); anything malformed is ignored."""
    day, session = request.GET.get("day", ""), request.GET.get("session", "")
    if session not in SESSIONS or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
        return None
    try:
        return date.fromisoformat(day), session
    except ValueError:
        return None


def _chosen_term(
    request: HttpRequest, school_id: int, today: date, highlight: tuple[date, str] | None = None
) -> Term | None:
    wanted = request.GET.get("term", "")
    if not wanted:
        around = highlight[0] if highlight else today
        return Term.objects.filter(
            school_id=school_id, start_date__lte=around, end_date__gte=around
        ).first() or this_term(school_id, today)
    if not wanted.isdigit():
        raise Http404
    term = Term.objects.filter(school_id=school_id, pk=int(wanted)).first()
    if term is None:
        raise Http404
    return term


def _summary(learner_id: int, period: Period, target, *, unmarked_until: date | None = None) -> dict:
    figures = Figures()
    if period.start <= period.end:  # a term still to come has no figures yet
        found = figures_for([learner_id], period.start, period.end, unmarked_until=unmarked_until)
        figures = found.get(learner_id) or Figures()
    band = figures.band(target)
    return {"period": period, "figures": figures, "band": band, "css": BAND_CSS.get(band, "rag-grey")}


def learner_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    learner = get_learner_for_user(request.user, pk, perm="attendance.view")
    can = perms_at(request.user, learner.school_id)
    today = timezone.localdate()
    target = learner.school.attendance_target
    highlight = _highlighted(request)
    term = _chosen_term(request, learner.school_id, today, highlight)
    context = {
        "learner": learner,
        "can": can,
        "target": target,
        "term": term,
        "terms": Term.objects.filter(school_id=learner.school_id).order_by("-start_date"),
        "key": KEY,
        "interventions": Intervention.objects.filter(
            school_id=learner.school_id, learner=learner
        ).select_related("by"),
        "contacts": ParentContact.objects.filter(school_id=learner.school_id, learner=learner).select_related(
            "by", "contact"
        ),
    }
    if term is not None:
        marks = list(
            AttendanceMark.objects.for_learner(learner)
            .between(term.start_date, term.end_date)
            .select_related("placement__provider")
        )
        expected = {
            (e.day, e.session)
            for e in expected_sessions(term.start_date, term.end_date, placements=learner.placements.all())
        }
        used = {m.code for m in marks}
        summaries = [
            _summary(learner.pk, term_so_far(term, today), target, unmarked_until=today),
            _summary(learner.pk, school_year_so_far(term, today), target),
        ]
        context |= {
            "weeks": term_calendar(term, marks, expected, today, highlight),
            "highlight": highlight,
            "summaries": summaries,
            "weekday_names": WEEKDAY_NAMES,
            "codes_used": [(code, CODES[code].meaning) for code in CODES if code in used],
            "amendments": MarkAmendment.objects.filter(
                mark__placement__learner=learner, mark__date__range=(term.start_date, term.end_date)
            )
            .select_related("by", "mark")
            .order_by("-at", "-pk"),
        }
    return render(request, "attendance/learner_attendance.html", context)


def intervention_create(request: HttpRequest, pk: int) -> HttpResponse:
    learner = get_learner_for_user(request.user, pk, perm="attendance.intervene")
    intervention = Intervention(school=learner.school, learner=learner, by=request.user)
    form = InterventionForm(request.POST or None, instance=intervention, today=timezone.localdate())
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"The intervention for {learner} has been recorded.")
        return redirect("attendance:learner_attendance", pk=learner.pk)
    return render(
        request,
        "placements/form_page.html",
        {
            "form": form,
            "title": f"Record an attendance intervention for {learner}",
            "back_url": reverse("attendance:learner_attendance", args=[learner.pk]),
        },
    )


def parent_contact_create(request: HttpRequest, pk: int) -> HttpResponse:
    learner = get_learner_for_user(request.user, pk, perm="attendance.contact")
    contact = ParentContact(school=learner.school, learner=learner, by=request.user)
    # The follow-up list's prompt says which absence the call is about.
    initial = {"about": request.GET.get("about", "")[:300]}
    form = ParentContactForm(request.POST or None, instance=contact, learner=learner, initial=initial)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"The contact with {learner}'s parents/carers has been recorded.")
        return redirect("attendance:learner_attendance", pk=learner.pk)
    return render(
        request,
        "placements/form_page.html",
        {
            "form": form,
            "title": f"Record contact with {learner}'s parents/carers",
            "back_url": reverse("attendance:learner_attendance", args=[learner.pk]),
        },
    )
