from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from altprov.history import COST_FIELDS, history_rows
from altprov.roles import has_perm, perms_at, require_perm, school_ids

from .. import attention as attention_for
from ..access import get_evidence_for_user, get_provider_for_user, sees_learner_needs
from ..access_log import record_read
from ..forms import (
    ApprovalForm,
    EvidenceItemForm,
    ProviderClosureForm,
    ProviderForm,
    ProviderReviewForm,
    SiteForm,
    WithdrawApprovalForm,
)
from ..models import (
    EvidenceItem,
    EvidenceStatus,
    EvidenceType,
    Placement,
    Provider,
    ProviderApproval,
    ProviderClosure,
    ProviderSite,
    Read,
    Status,
)
from ..registration import provider_registration_warnings
from ..schedule_changes import school_schedule_changed

PAGE_SIZE = 25
RAG = {
    EvidenceStatus.COMPLETE: "green",
    EvidenceStatus.EXPIRING: "amber",
    EvidenceStatus.EXPIRED: "red",
    EvidenceStatus.MISSING: "red",
}


def school_perms(user) -> frozenset[str]:
    """Rights held at any of the user's schools (providers are a shared directory)."""
    return frozenset().union(*(perms_at(user, school_id) for school_id in school_ids(user)))


def approval_state(approval: ProviderApproval | None, evidence_status: str) -> str:
    """Approved, lapsed (mandatory evidence missing or expired), withdrawn or not approved."""
    if approval is None:
        return "Not approved"
    if approval.is_withdrawn:
        return "Withdrawn"
    if evidence_status in (EvidenceStatus.MISSING, EvidenceStatus.EXPIRED):
        return "Lapsed"
    return "Approved"


def _school_approval(provider: Provider) -> ProviderApproval | None:
    return provider.school_approvals[0] if provider.school_approvals else None


@require_perm("provider.view")
def provider_list(request: HttpRequest) -> HttpResponse:
    school = request.school
    today = timezone.localdate()
    types = list(EvidenceType.objects.all())
    loaded = Provider.objects.prefetch_related(
        Prefetch(
            "evidence_items",
            EvidenceItem.objects.only("provider_id", "evidence_type_id", "date_received", "expires_on"),
        ),
        Prefetch("approvals", ProviderApproval.objects.filter(school=school), to_attr="school_approvals"),
    )
    # Every provider, for the line of what needs attention; the list itself when no name is searched.
    everyone = list(loaded)
    q = request.GET.get("q", "").strip()
    providers = list(loaded.search(q)) if q else everyone
    attention = attention_for.providers(
        [
            (status := p.evidence_status(types, today=today), approval_state(_school_approval(p), status))
            for p in everyone
        ]
    )
    status_filter = request.GET.get("evidence", "")
    if status_filter in EvidenceStatus.values:
        # Status is derived from the evidence, so the filter runs before paging.
        providers = [p for p in providers if p.evidence_status(types, today=today) == status_filter]
    page = Paginator(providers, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for provider in page:
        status = provider.evidence_status(types, today=today)
        approval = _school_approval(provider)
        rows.append(
            {
                "provider": provider,
                "status": EvidenceStatus(status),
                "rag": RAG[status],
                "approval": approval_state(approval, status),
            }
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "placements/provider_list.html",
        {
            "page": page,
            "query": query.urlencode(),
            "rows": rows,
            "attention": attention,
            "q": request.GET.get("q", ""),
            "evidence": status_filter,
            "evidence_choices": EvidenceStatus.choices,
        },
    )


@require_perm("provider.edit")
def provider_create(request: HttpRequest) -> HttpResponse:
    form = ProviderForm(request.POST or None, can=perms_at(request.user, request.school.pk))
    if request.method == "POST" and form.is_valid():
        provider = form.save()
        messages.success(request, f"{provider} has been added. Add its sites and evidence next.")
        return redirect(provider)
    return render(request, "placements/form_page.html", {"form": form, "title": "Add a provider"})


def provider_detail(request: HttpRequest, pk: int) -> HttpResponse:
    provider = get_provider_for_user(request.user, pk)
    school = request.school
    today = timezone.localdate()
    types = list(EvidenceType.objects.all())
    evidence = provider.evidence_summary(types, today=today)
    for row in evidence:
        row["rag"] = RAG[row["status"]]
        row["status"] = EvidenceStatus(row["status"])
    status = provider.evidence_status(types, today=today)
    approval = (
        ProviderApproval.objects.filter(provider=provider, school=school)
        .select_related("approved_by")
        .first()
    )
    state = approval_state(approval, status)
    can = perms_at(request.user, school.pk) if school else frozenset()
    visible = school_ids(request.user, "placement.view")
    placements = (
        Placement.objects.for_provider(provider)
        .for_schools(visible)
        .open()
        .select_related("learner", "site", "school")
        .with_timetables()
        .order_by("start_date")
    )
    placements = list(placements)
    # A lapsed approval matters most where this school still has learners there.
    placed_here = [p for p in placements if school and p.school_id == school.pk and p.status == Status.ACTIVE]
    return render(
        request,
        "placements/provider_detail.html",
        {
            "provider": provider,
            "placed_here": len(placed_here),
            "placed_here_words": f"{len(placed_here)} learner{'s are' if len(placed_here) != 1 else ' is'} "
            f"from {school.name} placed here now."
            if placed_here
            else "",
            "evidence": evidence,
            "status": EvidenceStatus(status),
            "rag": RAG[status],
            "approval": approval,
            "approval_state": state,
            "lapse": approval.describe_lapse(provider.lapse_causes(types, today=today), in_words=True)
            if state == "Lapsed"
            else "",
            "reviews": provider.reviews.filter(school=school).select_related("reviewer")[:10],
            "closures": provider.closures.filter(school=school, end_date__gte=today)[:10],
            "placements": placements,
            "warnings": provider_registration_warnings(
                provider, school=school, sees_needs=sees_learner_needs(can)
            )
            if school
            else [],
            "can": can,
            "history": history_rows(provider, hidden=() if "placement.cost.view" in can else COST_FIELDS)
            if "history.view" in can
            else None,
        },
    )


def provider_edit(request: HttpRequest, pk: int) -> HttpResponse:
    provider = get_provider_for_user(request.user, pk, perm="provider.edit")
    form = ProviderForm(request.POST or None, instance=provider, can=school_perms(request.user))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"{provider} has been updated.")
        return redirect(provider)
    return render(
        request, "placements/form_page.html", {"form": form, "title": f"Edit {provider}", "back": provider}
    )


def site_create(request: HttpRequest, pk: int) -> HttpResponse:
    provider = get_provider_for_user(request.user, pk, perm="provider.edit")
    form = SiteForm(request.POST or None, instance=ProviderSite(provider=provider))
    if request.method == "POST" and form.is_valid():
        site = form.save()
        messages.success(request, f"Site {site.name} has been added.")
        return redirect(provider)
    return render(
        request,
        "placements/form_page.html",
        {"form": form, "title": f"Add a site for {provider}", "back": provider},
    )


def evidence_create(request: HttpRequest, pk: int) -> HttpResponse:
    provider = get_provider_for_user(request.user, pk, perm="provider.evidence")
    item = EvidenceItem(provider=provider, checked_by=request.user)
    initial = {"evidence_type": request.GET.get("type")} if request.GET.get("type", "").isdigit() else None
    form = EvidenceItemForm(request.POST or None, request.FILES or None, instance=item, initial=initial)
    if request.method == "POST" and form.is_valid():
        item = form.save()
        messages.success(request, f"{item.evidence_type} recorded for {provider}.")
        return redirect(provider)
    return render(
        request,
        "placements/form_page.html",
        {"form": form, "title": f"Record evidence for {provider}", "back": provider, "multipart": True},
    )


def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    # Evidence may include staff safeguarding checks: only those who keep the
    # register (provider.evidence at any of their schools) open the files.
    item = get_evidence_for_user(request.user, pk)
    if not school_ids(request.user, "provider.evidence"):
        raise PermissionDenied
    if not item.file:
        raise Http404
    # Providers are shared, so the read is logged at a school where the user keeps the register.
    where = (
        request.school.pk
        if has_perm(request.user, getattr(request.school, "pk", None), "provider.evidence")
        else school_ids(request.user, "provider.evidence")[0]
    )
    record_read(user=request.user, school=where, what=Read.EVIDENCE_FILE, subject=item)
    response = FileResponse(
        item.file.open("rb"), as_attachment=False, filename=item.file.name.rsplit("/", 1)[-1]
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


@require_perm("provider.approve")
def provider_approve(request: HttpRequest, pk: int) -> HttpResponse:
    provider = get_provider_for_user(request.user, pk)
    school = request.school
    types = list(EvidenceType.objects.all())
    problems = provider.evidence_problems(types, today=timezone.localdate())
    form = ApprovalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if problems:
            messages.error(
                request, "The provider cannot be approved until its mandatory evidence is complete."
            )
        else:
            ProviderApproval.objects.update_or_create(
                provider=provider,
                school=school,
                defaults={
                    "approved_by": request.user,
                    "approved_at": timezone.now(),
                    "notes": form.cleaned_data["notes"],
                    "withdrawn_at": None,
                    "withdrawn_reason": "",
                },
            )
            messages.success(request, f"{provider} is approved for {school}.")
            return redirect(provider)
    return render(
        request,
        "placements/provider_approve.html",
        {"provider": provider, "form": form, "problems": problems, "title": f"Approve {provider}"},
    )


@require_perm("provider.approve")
def provider_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    provider = get_provider_for_user(request.user, pk)
    school = request.school
    approval = ProviderApproval.objects.filter(provider=provider, school=school, withdrawn_at=None).first()
    if approval is None:
        messages.error(request, f"{provider} is not currently approved for {school}.")
        return redirect(provider)
    form = WithdrawApprovalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        approval.withdrawn_at = timezone.now()
        approval.withdrawn_reason = form.cleaned_data["reason"]
        approval._history_user = request.user
        approval.save(update_fields=["withdrawn_at", "withdrawn_reason"])
        messages.success(request, f"Approval of {provider} has been withdrawn.")
        return redirect(provider)
    return render(
        request,
        "placements/form_page.html",
        {"form": form, "title": f"Withdraw approval of {provider}", "back": provider},
    )


@require_perm("provider.review")
def review_create(request: HttpRequest, pk: int) -> HttpResponse:
    provider = get_provider_for_user(request.user, pk)
    school = request.school
    form = ProviderReviewForm(request.POST or None, initial={"review_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        review = form.save(commit=False)
        review.provider, review.school, review.reviewer = provider, school, request.user
        review.save()
        messages.success(request, "The quality review has been recorded.")
        return redirect(provider)
    return render(
        request,
        "placements/form_page.html",
        {"form": form, "title": f"Quality review of {provider}", "back": provider},
    )


@require_perm("provider.edit", "calendar.edit")
def closure_create(request: HttpRequest, pk: int) -> HttpResponse:
    provider = get_provider_for_user(request.user, pk)
    school = request.school
    form = ProviderClosureForm(
        request.POST or None, instance=ProviderClosure(provider=provider, school=school)
    )
    if request.method == "POST" and form.is_valid():
        closure = form.save()
        school_schedule_changed(
            school_id=school.pk, provider_id=provider.pk, start=closure.start_date, end=closure.end_date
        )
        messages.success(request, f"{provider}'s closure has been recorded.")
        return redirect(provider)
    return render(
        request,
        "placements/form_page.html",
        {"form": form, "title": f"Record a closure of {provider}", "back": provider},
    )


@require_POST
@require_perm("provider.edit", "calendar.edit")
def closure_delete(request: HttpRequest, pk: int, closure_pk: int) -> HttpResponse:
    provider = get_provider_for_user(request.user, pk)
    school = request.school
    closure = provider.closures.filter(pk=closure_pk, school=school).first()
    if closure is None:
        raise Http404
    closure.delete()
    school_schedule_changed(
        school_id=school.pk, provider_id=provider.pk, start=closure.start_date, end=closure.end_date
    )
    messages.success(request, "The closure has been removed.")
    return redirect(provider)
