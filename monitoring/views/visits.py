"""The visit planner, the visit proforma (draft, autosave, submit), a submitted visit and its PDF."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from altprov.models import User
from altprov.pdf import pdf_response
from altprov.roles import PERMISSIONS, SCHOOL_STAFF, has_perm, require_perm
from placements.access import get_placement_for_user
from placements.access_log import record_read
from placements.models import Learner, Placement, Read, Status

from ..access import get_draft_for_user, get_visit_for_user
from ..concerns import concern_url
from ..forms.visits import ProviderActionFormSet, SchoolActionFormSet, VisitForm
from ..models import ActionSide, Visit, VisitStatus
from ..visit_plan import plan_visits
from ..visits import (
    AlreadySubmitted,
    action_initial,
    form_initial,
    linkable_concerns,
    prefill_attendance,
    save_draft,
    start_visit,
    submit_visit,
)

# The placements a visit can be recorded for: running, or ended (a late record of a visit made).
VISITABLE = [Status.ACTIVE, Status.ENDED]


def _staff(school_id: int, perm: str | None = None):
    roles = PERMISSIONS[perm] if perm else SCHOOL_STAFF
    return (
        User.objects.filter(is_active=True, memberships__school_id=school_id, memberships__role__in=roles)
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


# Rows of the planner per page: a large school's placements would otherwise be one page of hundreds.
PAGE_SIZE = 50
# The planner's "Half terms" filter: which placements to show, by what their plan says.
STATE_FILTERS = {
    "attention": ("Overdue or due soon", lambda plan: plan.overdue or plan.due_soon),
    "overdue": ("Overdue", lambda plan: plan.overdue),
    "due_soon": ("Due soon", lambda plan: plan.due_soon),
}


@require_perm("monitoring.visit")
def visit_list(request: HttpRequest) -> HttpResponse:
    """The planner: each placement's half terms, done, due, due soon or overdue, a page at a time.

    Queries: the placements with learner, provider and visiting staff (1), the
    visit plan (7, monitoring.visit_plan), the user's drafts on the page (1)
    and, for SLT, the staff to filter by (1); the same for any number of
    placements. The plans of every placement chosen are worked out (the counts
    and the half-term filter need them); only a page of rows is shown.
    """
    school = request.school
    today = timezone.localdate()
    oversee = has_perm(request.user, school.pk, "monitoring.oversee")
    placements = (
        Placement.objects.filter(school=school, status=Status.ACTIVE)
        .select_related("learner", "provider", "visiting_staff")
        .order_by("learner__legal_last_name", "learner__legal_first_name", "pk")
    )
    staff_filter = None
    visiting_staff = []
    if oversee:
        visiting_staff = list(
            User.objects.filter(visited_placements__school=school, visited_placements__status=Status.ACTIVE)
            .distinct()
            .order_by("last_name", "first_name", "pk")
        )
        chosen = request.GET.get("staff", "")
        if chosen.isdigit():
            staff_filter = next((u for u in visiting_staff if u.pk == int(chosen)), None)
            placements = placements.filter(visiting_staff_id=int(chosen))
    else:
        placements = placements.filter(visiting_staff=request.user)
    search = request.GET.get("q", "").strip()[:100]
    if search:
        placements = placements.filter(learner__in=Learner.objects.filter(school=school).search(search))
    placements = list(placements)
    plans = plan_visits(placements, today=today)
    counts = {
        "overdue": sum(1 for p in placements if plans[p.pk].overdue),
        "due_soon": sum(1 for p in placements if plans[p.pk].due_soon),
    }
    state = request.GET.get("state", "")
    if state in STATE_FILTERS:
        wanted = STATE_FILTERS[state][1]
        placements = [p for p in placements if wanted(plans[p.pk])]
    else:
        state = ""
    page = Paginator(placements, PAGE_SIZE).get_page(request.GET.get("page"))
    drafts = dict(
        Visit.objects.filter(
            created_by=request.user, status=VisitStatus.DRAFT, placement__in=[p.pk for p in page]
        ).values_list("placement_id", "pk")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "monitoring/visits/visit_list.html",
        {
            "page": page,
            "rows": [(plans[p.pk], drafts.get(p.pk)) for p in page],
            "counts": counts,
            "state": state,
            "state_label": STATE_FILTERS[state][0].lower() if state else "",
            "state_choices": [(key, label) for key, (label, _) in STATE_FILTERS.items()],
            "search": search,
            "filtered": bool(state or search or staff_filter),
            "query": query.urlencode(),
            "oversee": oversee,
            "visiting_staff": visiting_staff,
            "staff_filter": staff_filter,
            "today": today,
        },
    )


@require_POST
def visit_start(request: HttpRequest, pk: int) -> HttpResponse:
    placement = get_placement_for_user(request.user, pk, perm="monitoring.visit")
    if placement.status not in VISITABLE:
        messages.error(request, "A visit can be recorded once the placement is active.")
        return redirect(placement)
    visit = start_visit(placement=placement, user=request.user)
    return redirect("monitoring:visit_edit", pk=visit.pk)


def _forms(visit, request: HttpRequest, *, data=None, initial=None, draft=None):
    school_id = visit.school_id
    staff = _staff(school_id, "monitoring.visit")
    owners = _staff(school_id)
    initial = initial or {}
    day = _visit_day(data or initial) or timezone.localdate()
    prefilled = prefill_attendance(visit.placement, day)
    if data is None and initial.get("attendance_percent") in (None, ""):
        initial["attendance_percent"] = prefilled
    form = VisitForm(
        data,
        initial=initial,
        staff=staff,
        concerns=linkable_concerns(request.user, visit.placement),
        prefilled=prefilled,
    )
    school_actions = SchoolActionFormSet(
        data,
        prefix="school",
        initial=action_initial(draft, "school") if draft else None,
        form_kwargs={"staff": owners},
    )
    provider_actions = ProviderActionFormSet(
        data, prefix="provider", initial=action_initial(draft, "provider") if draft else None
    )
    return form, school_actions, provider_actions


def _visit_day(values) -> date | None:
    value = values.get("visited_on")
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _render_form(request, visit, form, school_actions, provider_actions, *, status=200):
    return render(
        request,
        "monitoring/visits/visit_form.html",
        {
            "visit": visit,
            "placement": visit.placement,
            "form": form,
            "school_actions": school_actions,
            "provider_actions": provider_actions,
            "draft_url": reverse("monitoring:visit_draft", args=[visit.pk]),
            "draft_saved_at": visit.updated_at if visit.draft else None,
            "action_sets": [
                (school_actions, "school", "School", "Actions for the school"),
                (provider_actions, "provider", "Provision", "Actions for the provision"),
            ],
        },
        status=status,
    )


def visit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The proforma, as a draft of the user's own: save it as it stands, or submit it."""
    visit = get_draft_for_user(request.user, pk)
    if request.method != "POST":
        draft = visit.draft or {}
        form, school_actions, provider_actions = _forms(
            visit, request, initial=form_initial(visit), draft=draft
        )
        return _render_form(request, visit, form, school_actions, provider_actions)

    # Whatever happens next, what was typed is kept first.
    save_draft(visit=visit, data=request.POST)
    if request.POST.get("action") != "submit":
        if request.POST.get("concern_detail", "").strip():
            # The concern's text is never kept in a draft: show the page again with it still in the box.
            form, school_actions, provider_actions = _forms(
                visit,
                request,
                initial=form_initial(visit) | {"concern_detail": request.POST["concern_detail"]},
                draft=visit.draft,
            )
            messages.success(
                request,
                f"Draft saved at {timezone.localtime(visit.updated_at):%H:%M}. What you saw or heard is "
                "not kept in the draft: submit the visit to pass it to the DSL.",
            )
            return _render_form(request, visit, form, school_actions, provider_actions)
        messages.success(request, f"Draft saved at {timezone.localtime(visit.updated_at):%H:%M}.")
        return redirect("monitoring:visit_edit", pk=visit.pk)

    form, school_actions, provider_actions = _forms(visit, request, data=request.POST)
    if form.is_valid() and school_actions.is_valid() and provider_actions.is_valid():
        try:
            submit_visit(
                visit=visit,
                form=form,
                school_actions=school_actions,
                provider_actions=provider_actions,
                user=request.user,
            )
        except AlreadySubmitted:
            raise Http404 from None
        messages.success(request, "Visit submitted.")
        return redirect("monitoring:visit_detail", pk=visit.pk)
    return _render_form(request, visit, form, school_actions, provider_actions)


@login_not_required
@require_POST
def visit_draft(request: HttpRequest, pk: int) -> JsonResponse:
    """Autosave: the form as typed, kept in the user's draft; answers JSON, never a login page.

    Signed out (the session expired mid-form): 401, so the page can say so and
    keep its copy on the device instead of losing it to a redirect.
    """
    if not request.user.is_authenticated:
        return JsonResponse({"error": "signed_out", "message": "You have been signed out."}, status=401)
    try:
        visit = get_draft_for_user(request.user, pk)
    except Http404:
        return JsonResponse(
            {"error": "not_found", "message": "This draft is not yours or was submitted."}, status=404
        )
    except PermissionDenied:
        return JsonResponse({"error": "forbidden", "message": "You may not record visits."}, status=403)
    saved = timezone.localtime(save_draft(visit=visit, data=request.POST))
    return JsonResponse({"saved_at": f"{saved:%H:%M}"})


def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_visit_for_user(request.user, pk)
    if visit.status == VisitStatus.DRAFT:
        return redirect("monitoring:visit_edit", pk=visit.pk)
    can_read_concern = has_perm(request.user, visit.school_id, "concern.read")
    return render(
        request,
        "monitoring/visits/visit_detail.html",
        {
            "visit": visit,
            "placement": visit.placement,
            "actions": list(visit.actions.select_related("owner")),
            "concern_link": concern_url(visit.concern) if visit.concern and can_read_concern else "",
        },
    )


def visit_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_visit_for_user(request.user, pk)
    if visit.status == VisitStatus.DRAFT:
        raise Http404
    actions = list(visit.actions.select_related("owner"))
    record_read(
        user=request.user,
        school=visit.school_id,
        what=Read.EXPORT,
        learner=visit.placement.learner,
        subject=visit,
        detail="visit PDF",
    )
    return pdf_response(
        "pdf/visit.html",
        {
            "visit": visit,
            "placement": visit.placement,
            "school": visit.school,
            "school_actions": [a for a in actions if a.side == ActionSide.SCHOOL],
            "provider_actions": [a for a in actions if a.side == ActionSide.PROVIDER],
        },
        filename=f"visit-{visit.visited_on:%Y-%m-%d}-{visit.pk}.pdf",
    )
