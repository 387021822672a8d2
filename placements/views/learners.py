from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from altprov.history import history_rows
from altprov.roles import perms_at, require_perm

from .. import attention as attention_for
from ..access import get_learner_for_user, sees_learner_needs
from ..access_log import reads_of, record_read
from ..filters import LearnerFilterForm
from ..forms import AttainmentForm, ContactFormSet, LearnerForm
from ..models import Learner, Placement, Read, SenStatus, Status

PAGE_SIZE = 25


@require_perm("learner.view")
def learner_list(request: HttpRequest) -> HttpResponse:
    school = request.school
    params = request.GET
    form = LearnerFilterForm(params, school=school)
    chosen = form.chosen()
    form.tell_ignored(request)
    learners = Learner.objects.filter(school=school).search(chosen.get("q", ""))
    if "year" in chosen:
        learners = learners.filter(year_group=chosen["year"])
    if "sen" in chosen:
        learners = learners.filter(sen_status=chosen["sen"])
    if "looked_after" in chosen:
        learners = learners.filter(looked_after=True)
    if "provider" in chosen:
        learners = learners.placed_with(chosen["provider"].pk)
    if "status" in chosen:
        learners = learners.with_placement_status(chosen["status"])
    learners = learners.prefetch_related(
        Prefetch(
            "placements",
            Placement.objects.open().select_related("provider").order_by("start_date"),
            to_attr="open_placements",
        )
    )
    page = Paginator(learners, PAGE_SIZE).get_page(params.get("page"))
    query = params.copy()
    query.pop("page", None)
    return render(
        request,
        "placements/learner_list.html",
        {
            "page": page,
            "query": query.urlencode(),
            "providers": form.fields["provider"].queryset.only("pk", "name"),
            "sen_choices": SenStatus.choices,
            "status_choices": Status.choices,
            "years": range(1, 15),
            "filters": form.shown(),
            "attention": attention_for.learners(school),
        },
    )


def _save_learner(request, form, formset) -> Learner:
    with transaction.atomic():
        learner = form.save()
        formset.instance = learner
        formset.save()
    return learner


@require_perm("learner.edit")
def learner_create(request: HttpRequest) -> HttpResponse:
    school = request.school
    can = perms_at(request.user, school.pk)
    learner = Learner(school=school)
    form = LearnerForm(request.POST or None, instance=learner, school=school, can=can)
    formset = ContactFormSet(request.POST or None, instance=learner, prefix="contacts")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        learner = _save_learner(request, form, formset)
        messages.success(request, f"{learner} has been added.")
        return redirect(learner)
    return render(
        request, "placements/learner_form.html", {"form": form, "formset": formset, "title": "Add a learner"}
    )


def learner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    learner = get_learner_for_user(request.user, pk)
    can = perms_at(request.user, learner.school_id)
    hidden = () if "learner.safeguarding" in can else ("safeguarding_flag",)
    if "learner.passport.view" not in can:
        hidden += ("learner_passport",)
    placements = list(
        learner.placements.select_related("provider", "site").with_timetables().order_by("-start_date")
    )
    record_read(user=request.user, school=learner.school_id, what=_what_is_shown(can), learner=learner)
    return render(
        request,
        "placements/learner_detail.html",
        {
            "learner": learner,
            "can": can,
            "contacts": learner.contacts.all(),
            "placements": placements,
            "weekly_ap_hours": learner.weekly_ap_hours(placements),
            "history": history_rows(learner, hidden=hidden) if "history.view" in can else None,
            **(_vulnerable_words(learner) if sees_learner_needs(can) else {}),
        },
    )


def _what_is_shown(can: frozenset[str]) -> str:
    if "learner.safeguarding" in can:
        return Read.SAFEGUARDING
    if "learner.passport.view" in can:
        return Read.PASSPORT
    return Read.LEARNER


ACCESS_LOG_LIMIT = 500


def learner_access_log(request: HttpRequest, pk: int) -> HttpResponse:
    """Who has opened this learner's record, passport or concerns, and when (never what they saw)."""
    learner = get_learner_for_user(request.user, pk, perm="accesslog.view")
    reads = list(reads_of(learner)[: ACCESS_LOG_LIMIT + 1])
    record_read(user=request.user, school=learner.school_id, what=Read.ACCESS_LOG, learner=learner)
    return render(
        request,
        "placements/learner_access_log.html",
        {"learner": learner, "reads": reads[:ACCESS_LOG_LIMIT], "more": len(reads) > ACCESS_LOG_LIMIT},
    )


def _vulnerable_words(learner: Learner) -> dict:
    """The banner's words for a looked-after learner or one with a social worker.

    Drawn from the learner's needs, so given only to roles that see them
    (placements.access.NEEDS_PERMS).
    """
    parts = []
    if learner.looked_after:
        parts.append("looked-after")
    if learner.has_social_worker:
        parts.append("has a social worker")
    if not parts:
        return {}
    return {
        "vulnerable_title": f"Vulnerable learner: {' and '.join(parts)}",
        "vulnerable_text": "Looked-after child: the virtual school head must know about the placement."
        if learner.looked_after
        else "A social worker is involved with this learner and family.",
    }


def learner_edit(request: HttpRequest, pk: int) -> HttpResponse:
    learner = get_learner_for_user(request.user, pk, perm="learner.edit")
    can = perms_at(request.user, learner.school_id)
    form = LearnerForm(request.POST or None, instance=learner, school=learner.school, can=can)
    formset = ContactFormSet(request.POST or None, instance=learner, prefix="contacts")
    if request.method == "GET":
        record_read(user=request.user, school=learner.school_id, what=_what_is_shown(can), learner=learner)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        _save_learner(request, form, formset)
        messages.success(request, f"{learner}'s record has been updated.")
        return redirect(learner)
    return render(
        request,
        "placements/learner_form.html",
        {"form": form, "formset": formset, "learner": learner, "title": f"Edit {learner}"},
    )


def learner_attainment(request: HttpRequest, pk: int) -> HttpResponse:
    learner = get_learner_for_user(request.user, pk, perm="learner.attainment.edit")
    form = AttainmentForm(request.POST or None, instance=learner)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"{learner}'s attainment baseline has been saved.")
        return redirect(learner)
    return render(
        request,
        "placements/form_page.html",
        {"form": form, "title": f"Attainment baseline for {learner}", "back": learner},
    )
