"""Serious incidents: the staff report, the list, an incident's page and the decision (pastoral with SLT)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from altprov.roles import has_perm, require_perm

from ..access import get_incident_for_user
from ..forms.incidents import ActionFormSet, DecisionForm, StaffIncidentForm
from ..incidents import ActionInput, incident_url, incidents_for_school, record_decision, report_incident

PAGE_SIZE = 50


@require_perm("monitoring.view")
def incident_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(incidents_for_school(request.school), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "monitoring/incidents/list.html", {"page": page, "query": ""})


@require_perm("incident.report")
@require_http_methods(["GET", "HEAD", "POST"])
def incident_report(request: HttpRequest) -> HttpResponse:
    school = request.school
    form = StaffIncidentForm(request.POST if request.method == "POST" else None, school=school)
    if request.method == "POST" and form.is_valid():
        incident = report_incident(
            placement=form.cleaned_data["placement"], reported_by=request.user, **form.incident_fields()
        )
        messages.success(
            request,
            "The incident is recorded. The pastoral team, the visiting staff member and the provider have "
            "been told; the pastoral team, with SLT, will record the decided course of action.",
        )
        if has_perm(request.user, school.pk, "monitoring.view"):
            return redirect(incident_url(incident))
        return redirect("home")
    return render(request, "monitoring/incidents/report.html", {"form": form})


def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    incident = get_incident_for_user(request.user, pk)
    return render(request, "monitoring/incidents/detail.html", {"incident": incident})


@require_http_methods(["GET", "HEAD", "POST"])
def incident_decide(request: HttpRequest, pk: int) -> HttpResponse:
    incident = get_incident_for_user(request.user, pk, perm="incident.decide")
    if incident.decided_at is not None:
        messages.info(request, "The decision on this incident is already recorded.")
        return redirect(incident_url(incident))
    school = incident.school
    form = DecisionForm(request.POST if request.method == "POST" else None, school=school)
    actions = ActionFormSet(
        request.POST if request.method == "POST" else None, form_kwargs={"school": school}, prefix="actions"
    )
    if request.method == "POST" and form.is_valid() and actions.is_valid():
        record_decision(
            incident=incident,
            decision=form.cleaned_data["decision"],
            decided_by=request.user,
            decided_with=form.cleaned_data["decided_with"],
            actions=[
                ActionInput(
                    side=row["side"],
                    description=row["description"],
                    due_date=row["due_date"],
                    owner=row.get("owner"),
                    owner_name=row.get("owner_name", ""),
                )
                for row in actions.cleaned_data
                if row
            ],
            now=timezone.now(),
        )
        messages.success(request, "The decision is recorded and the provider has been told.")
        return redirect(incident_url(incident))
    return render(
        request, "monitoring/incidents/decide.html", {"incident": incident, "form": form, "actions": actions}
    )
