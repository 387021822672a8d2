from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from altprov.roles import perms_at, require_perm
from altprov.templatetags.altprov_tags import date_words
from placements.access import get_placement_for_user
from placements.models import Learner, Status, TransitionError

from ..access import get_action_for_user, get_decision_for_user, get_meeting_for_user
from ..actions import mark_done, may_mark_done, open_actions, possible_owners
from ..forms.meetings import (
    ActionDoneForm,
    ActionFilterForm,
    ActionFormSet,
    AgreementReviewForm,
    CeaseDecisionForm,
    ReviewMeetingForm,
)
from ..meetings import (
    ActionPlan,
    decide,
    record_agreement_review,
    record_meeting,
    unsatisfactory_since_last_decision,
)
from ..models import CeaseOutcome, MeetingOutcome

# Everyone else's open actions per page, for SLT and the head.
ACTIONS_PAGE_SIZE = 50
ONLY_ACTIVE = "Review meetings and agreement reviews are recorded for an active placement."


def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    placement = get_placement_for_user(request.user, pk, perm="placement.meeting")
    if placement.status != Status.ACTIVE:
        messages.error(request, ONLY_ACTIVE)
        return redirect(placement)
    targets = list(placement.targets.all())
    owners = possible_owners(placement.school)
    data = request.POST or None
    form = ReviewMeetingForm(data, targets=targets, initial={"held_on": timezone.localdate()})
    formset = ActionFormSet(data, prefix="actions", form_kwargs={"owners": owners})
    if request.method == "POST" and form.is_valid() & formset.is_valid():
        plans = [
            ActionPlan(
                side=row["side"],
                description=row["description"],
                due_date=row["due_date"],
                owner=row.get("owner"),
                owner_name=row.get("owner_name", "").strip(),
            )
            for row in formset.cleaned_data
            if row
        ]
        fields = {name: value for name, value in form.cleaned_data.items() if name in form._meta.fields}
        meeting = record_meeting(
            placement=placement, by=request.user, progress=form.progress(), actions=plans, **fields
        )
        done = "Review meeting recorded."
        if hasattr(meeting, "cease_decision"):
            done += " The head teacher and SLT have been asked to decide whether to cease the placement."
        messages.success(request, done)
        return redirect(meeting)
    return render(
        request,
        "monitoring/meetings/meeting_form.html",
        {
            "form": form,
            "formset": formset,
            "placement": placement,
            "unsatisfactory": unsatisfactory_since_last_decision(placement),
            "title": f"Record a review meeting for {placement.learner} at {placement.provider}",
        },
    )


def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_user(request.user, pk)
    can = perms_at(request.user, meeting.school_id)
    return render(
        request,
        "monitoring/meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "placement": meeting.placement,
            "can": can,
            "decision": getattr(meeting, "cease_decision", None),
            "unsatisfactory": meeting.outcome == MeetingOutcome.UNSATISFACTORY,
        },
    )


def cease_decision(request: HttpRequest, pk: int) -> HttpResponse:
    decision = get_decision_for_user(request.user, pk)
    placement = decision.placement
    if decision.decided_at is not None:
        return render(request, "monitoring/meetings/decision_done.html", {"decision": decision})
    form = CeaseDecisionForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decide(
                decision=decision,
                by=request.user,
                outcome=data["outcome"],
                reason=data["reason"],
                last_day=data.get("on"),
            )
        except TransitionError as error:
            for reason in error.reasons:
                form.add_error(None, reason)
        else:
            if data["outcome"] == CeaseOutcome.CEASE:
                messages.success(request, "The placement has been ceased.")
            else:
                messages.success(request, "Decision recorded: the placement continues.")
            return redirect(placement)
    return render(
        request,
        "monitoring/meetings/decision_form.html",
        {"form": form, "decision": decision, "placement": placement},
    )


def agreement_review_create(request: HttpRequest, pk: int) -> HttpResponse:
    placement = get_placement_for_user(request.user, pk, perm="placement.meeting")
    if placement.status != Status.ACTIVE:
        messages.error(request, ONLY_ACTIVE)
        return redirect(placement)
    form = AgreementReviewForm(request.POST or None, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        record_agreement_review(placement=placement, by=request.user, **form.cleaned_data)
        messages.success(request, "Agreement review recorded.")
        return redirect(placement)
    return render(
        request,
        "placements/form_page.html",
        {
            "form": form,
            "title": f"Record an agreement review for {placement.learner} at {placement.provider}",
            "intro": f"Reviewed every {placement.review_frequency_weeks} weeks, as agreed at the planning "
            "meeting: the timetable, the targets, transport, costs and who does what.",
            "back": placement,
            "submit": "Save the review",
        },
    )


@require_perm("monitoring.view")
def action_list(request: HttpRequest) -> HttpResponse:
    """Open actions: the user's own first, then, for SLT and the head, everyone's (filtered, 50 a page).

    Queries: the user's actions (1); for oversee roles the filter's owners (1)
    and a page of everyone's actions with their count (2).
    """
    school = request.school
    can = perms_at(request.user, school.pk)
    today = timezone.localdate()
    actions = open_actions(school)
    mine = list(actions.filter(owner=request.user))
    others = form = None
    query = ""
    if "monitoring.oversee" in can:
        form = ActionFilterForm(request.GET or None, owners=possible_owners(school))
        chosen = form.cleaned_data if form.is_valid() else {}
        others = actions.exclude(owner=request.user)
        if chosen.get("owner"):
            others = others.filter(owner=chosen["owner"])
        if chosen.get("learner"):
            others = others.filter(
                placement__learner__in=Learner.objects.filter(school=school).search(chosen["learner"])
            )
        if chosen.get("overdue"):
            others = others.filter(due_date__lt=today)
        others = Paginator(others, ACTIONS_PAGE_SIZE).get_page(request.GET.get("page"))
        params = request.GET.copy()
        params.pop("page", None)
        query = params.urlencode()
    return render(
        request,
        "monitoring/actions/action_list.html",
        {"mine": mine, "others": others, "form": form, "today": today, "can": can, "query": query},
    )


def action_done(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_action_for_user(request.user, pk)
    if not may_mark_done(request.user, action):
        raise PermissionDenied
    if action.done_on is not None:
        messages.info(request, f"This action was marked done on {date_words(action.done_on)}.")
        return redirect("monitoring:action_list")
    form = ActionDoneForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                mark_done(
                    action=action, by=request.user, note=form.cleaned_data["note"], on=form.cleaned_data["on"]
                )
        except TransitionError as error:
            for reason in error.reasons:
                form.add_error(None, reason)
        else:
            messages.success(request, "Action marked done.")
            return redirect("monitoring:action_list")
    return render(request, "monitoring/actions/action_done.html", {"form": form, "action": action})
