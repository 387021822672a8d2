from collections.abc import Callable

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from altprov.history import COST_FIELDS, history_rows
from altprov.roles import perms_at, require_perm, school_ids
from altprov.templatetags.altprov_tags import day_words

from .. import attention as attention_for
from ..access import get_placement_for_user, sees_learner_needs
from ..filters import PlacementFilterForm
from ..forms import (
    CeasePlacementForm,
    EndPlacementForm,
    PlacementForm,
    PlanningMeetingForm,
    TargetFormSet,
    WhereForm,
)
from ..models import Placement, Status, TransitionError
from ..models.placements import OPEN_STATUSES
from ..registration import provider_registration_warnings
from ..schedule import expected_at

PAGE_SIZE = 25


@require_perm("placement.view")
def placement_list(request: HttpRequest) -> HttpResponse:
    school = request.school
    params = request.GET
    form = PlacementFilterForm(params, school=school)
    chosen = form.chosen()
    form.tell_ignored(request)
    placements = (
        Placement.objects.filter(school=school)
        .select_related("learner", "provider", "site", "visiting_staff")
        .with_timetables()
    )
    if chosen.get("status") in Status.values:
        placements = placements.filter(status=chosen["status"])
    elif chosen.get("status") != "all":
        placements = placements.open()
    if "provider" in chosen:
        placements = placements.filter(provider=chosen["provider"])
    if "visiting" in chosen:
        placements = placements.filter(visiting_staff=chosen["visiting"])
    page = Paginator(placements.order_by("status", "learner__legal_last_name", "pk"), PAGE_SIZE).get_page(
        params.get("page")
    )
    query = params.copy()
    query.pop("page", None)
    return render(
        request,
        "placements/placement_list.html",
        {
            "page": page,
            "query": query.urlencode(),
            "filters": form.shown(),
            "status_choices": Status.choices,
            "providers": form.fields["provider"].queryset.only("pk", "name"),
            "visitors": form.fields["visiting"].queryset,
            "attention": attention_for.placements(school),
        },
    )


@require_perm("placement.edit")
def placement_create(request: HttpRequest) -> HttpResponse:
    school = request.school
    can = perms_at(request.user, school.pk)
    initial = {"start_date": timezone.localdate()}
    if request.GET.get("learner", "").isdigit():
        initial["learner"] = int(request.GET["learner"])
    form = PlacementForm(
        request.POST or None,
        instance=Placement(school=school),
        school=school,
        can=can,
        user=request.user,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        placement = form.save()
        messages.success(request, f"Referral recorded: {placement}. Hold the planning meeting next.")
        return redirect(placement)
    return render(
        request, "placements/placement_form.html", {"form": form, "title": "Refer a learner to a provider"}
    )


def placement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    placement = get_placement_for_user(request.user, pk)
    can = perms_at(request.user, placement.school_id)
    needs = sees_learner_needs(can)
    problems = placement.activation_problems(sees_needs=needs) if placement.status == Status.AGREED else []
    lapsed = placement.lapsed_approval()
    return render(
        request,
        "placements/placement_detail.html",
        {
            "placement": placement,
            "can": can,
            "targets": placement.targets.all(),
            "timetable_versions": placement.timetable_versions(),
            "current_timetable": placement.timetable,
            "timeline": placement.status_changes.select_related("changed_by"),
            "activation_problems": problems,
            "lapsed": lapsed,
            "warnings": placement.registration_warnings(sees_needs=needs)
            + provider_registration_warnings(placement.provider, school=placement.school, sees_needs=needs)
            + placement.part_time_problems(),
            "history": history_rows(placement, hidden=() if "placement.cost.view" in can else COST_FIELDS)
            if "history.view" in can
            else None,
            "end_form": EndPlacementForm(initial={"on": timezone.localdate()}),
        },
    )


def placement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    placement = get_placement_for_user(request.user, pk, perm="placement.edit")
    if placement.status not in OPEN_STATUSES:
        messages.error(request, "A placement that has finished cannot be changed.")
        return redirect(placement)
    can = perms_at(request.user, placement.school_id)
    form = PlacementForm(
        request.POST or None, instance=placement, school=placement.school, can=can, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            form.save()
        except TransitionError as error:
            for reason in error.reasons:
                form.add_error(None, reason)
        else:
            done = "The placement has been updated."
            if placement.status == Status.ACTIVE and form.timetable_changed:
                done += f" The new sessions apply from {day_words(form.cleaned_data['timetable_from'])}."
            messages.success(request, done)
            return redirect(placement)
    return render(
        request,
        "placements/placement_form.html",
        {"form": form, "placement": placement, "title": f"Edit {placement}"},
    )


def placement_targets(request: HttpRequest, pk: int) -> HttpResponse:
    placement = get_placement_for_user(request.user, pk, perm="placement.edit")
    if placement.status not in OPEN_STATUSES:
        messages.error(request, "A placement that has finished cannot be changed.")
        return redirect(placement)
    formset = TargetFormSet(request.POST or None, instance=placement, prefix="targets")
    if request.method == "POST" and formset.is_valid():
        formset.save()
        messages.success(request, "Targets saved.")
        return redirect(placement)
    return render(
        request,
        "placements/targets_form.html",
        {"formset": formset, "placement": placement, "title": f"Targets for {placement}"},
    )


def _transition_form(
    request: HttpRequest,
    pk: int,
    *,
    perm: str,
    form_class,
    title: str,
    action: Callable,
    done: str,
    page: dict | None = None,
) -> HttpResponse:
    """One shape for the lifecycle steps that take a form."""
    placement = get_placement_for_user(request.user, pk, perm=perm)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            action(placement, form.cleaned_data)
        except TransitionError as error:
            for reason in error.reasons:
                form.add_error(None, reason)
        else:
            messages.success(request, done)
            return redirect(placement)
    context = {"form": form, "title": title, "back": placement, **(page or {})}
    return render(request, "placements/form_page.html", context)


def placement_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition_form(
        request,
        pk,
        perm="placement.meeting",
        form_class=PlanningMeetingForm,
        title="Record the planning meeting",
        action=lambda p, data: p.record_planning_meeting(by=request.user, **data),
        done="Planning meeting recorded.",
    )


def placement_end(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition_form(
        request,
        pk,
        perm="placement.decide",
        form_class=EndPlacementForm,
        title="End the placement",
        action=lambda p, data: p.end(by=request.user, **data),
        done="The placement has ended.",
    )


def placement_cease(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition_form(
        request,
        pk,
        perm="placement.decide",
        form_class=CeasePlacementForm,
        title="Cease the placement",
        action=lambda p, data: p.cease(by=request.user, on=data["on"], reason=data["reason"]),
        done="The placement has been ceased.",
        page={
            "intro": "Ceasing ends the placement early and for good: the learner stops attending the "
            "provider, and the placement cannot be restarted. To change its dates or timetable, edit it "
            "instead.",
            "submit": "Cease the placement",
            "danger": True,
        },
    )


def _transition_post(
    request: HttpRequest, pk: int, *, perm: str, action: Callable, done: str
) -> HttpResponse:
    placement = get_placement_for_user(request.user, pk, perm=perm)
    try:
        with transaction.atomic():
            action(placement)
    except TransitionError as error:
        for reason in error.reasons:
            messages.error(request, reason)
    else:
        messages.success(request, done)
    return redirect(placement)


@require_POST
def placement_agree(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition_post(
        request,
        pk,
        perm="placement.decide",
        action=lambda p: p.agree(by=request.user),
        done="The placement is agreed.",
    )


@require_POST
def placement_activate(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition_post(
        request,
        pk,
        perm="placement.decide",
        action=lambda p: p.activate(by=request.user),
        done="The placement is active.",
    )


@require_POST
def placement_authorise_cost(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition_post(
        request,
        pk,
        perm="placement.cost.authorise",
        action=lambda p: p.authorise_cost(by=request.user),
        done="The cost is authorised.",
    )


@require_perm("learner.view")
def where_is(request: HttpRequest) -> HttpResponse:
    visible = school_ids(request.user, "learner.view")
    form = WhereForm(request.GET or None, school_ids=visible)
    answer = None
    if form.is_valid():
        learner, day, session = (
            form.cleaned_data["learner"],
            form.cleaned_data["on"],
            form.cleaned_data["session"],
        )
        answer = {
            "learner": learner,
            "on": day,
            "session": session.upper(),
            "placement": expected_at(learner, day, session),
        }
    return render(request, "placements/where.html", {"form": form, "answer": answer})
