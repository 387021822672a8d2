from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from altprov.roles import perms_at, require_perm
from altprov.templatetags.altprov_tags import day_words

from .. import attention as attention_for
from ..access import get_closure_for_user, get_term_for_user
from ..forms import SchoolClosureForm, TermForm
from ..models import ProviderClosure, SchoolClosure, Term
from ..schedule_changes import school_schedule_changed


@require_perm("calendar.view")
def calendar_overview(request: HttpRequest) -> HttpResponse:
    school = request.school
    today = timezone.localdate()
    terms = list(Term.objects.filter(school=school).order_by("start_date"))
    provider_closures = list(
        ProviderClosure.objects.filter(school=school, end_date__gte=today).select_related("provider")
    )
    return render(
        request,
        "placements/calendar.html",
        {
            "terms": terms,
            "closures": SchoolClosure.objects.filter(school=school, date__gte=today.replace(month=1, day=1)),
            "provider_closures": provider_closures,
            "attention": attention_for.calendar(
                terms,
                provider_closures,
                today=today,
                can_edit="calendar.edit" in perms_at(request.user, school.pk),
            ),
        },
    )


@require_perm("calendar.edit")
def term_create(request: HttpRequest) -> HttpResponse:
    form = TermForm(request.POST or None, instance=Term(school=request.school))
    if request.method == "POST" and form.is_valid():
        term = form.save()
        school_schedule_changed(school_id=term.school_id, start=term.start_date, end=term.end_date)
        messages.success(request, f"{term} has been added.")
        return redirect("placements:calendar_overview")
    return render(
        request,
        "placements/form_page.html",
        {"form": form, "title": "Add a term", "back_url": reverse("placements:calendar_overview")},
    )


def term_edit(request: HttpRequest, pk: int) -> HttpResponse:
    term = get_term_for_user(request.user, pk)
    before = (term.start_date, term.end_date)
    form = TermForm(request.POST or None, instance=term)
    if request.method == "POST" and form.is_valid():
        form.save()
        school_schedule_changed(
            school_id=term.school_id,
            start=min(before[0], term.start_date),
            end=max(before[1], term.end_date),
        )
        messages.success(request, f"{term} has been updated.")
        return redirect("placements:calendar_overview")
    return render(
        request,
        "placements/form_page.html",
        {"form": form, "title": f"Edit {term}", "back_url": reverse("placements:calendar_overview")},
    )


@require_perm("calendar.edit")
def closure_create(request: HttpRequest) -> HttpResponse:
    form = SchoolClosureForm(request.POST or None, instance=SchoolClosure(school=request.school))
    if request.method == "POST" and form.is_valid():
        closure = form.save()
        school_schedule_changed(school_id=closure.school_id, start=closure.date, end=closure.date)
        messages.success(request, f"The closure {day_words(closure.date, 'on')} is recorded.")
        return redirect("placements:calendar_overview")
    return render(
        request,
        "placements/form_page.html",
        {
            "form": form,
            "title": "Record a school closure",
            "back_url": reverse("placements:calendar_overview"),
        },
    )


@require_POST
def closure_delete(request: HttpRequest, pk: int) -> HttpResponse:
    closure = get_closure_for_user(request.user, pk)
    closure.delete()
    school_schedule_changed(school_id=closure.school_id, start=closure.date, end=closure.date)
    messages.success(request, f"The closure {day_words(closure.date, 'on')} has been removed.")
    return redirect("placements:calendar_overview")
