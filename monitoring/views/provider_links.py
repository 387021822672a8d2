"""The provider's urgent pages under its register link: report a serious incident, raise a concern.

Served by altprov.links.link_page at /l/<token>/incident/ and /l/<token>/concern/
(registered in MonitoringConfig.ready()), which has checked the link, counted
the request and marked the answer private. The provider chooses one of its own
learners at the link's school (agreed or active placements), shown as its
register shows them: first name and surname initial. After sending, the page
gives the school's DSL phone for anything urgent, and nothing of what was sent.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from altprov.models import LinkToken

from ..concerns import raise_concern
from ..forms.concerns import ProviderConcernForm
from ..forms.incidents import ProviderIncidentForm
from ..incidents import report_incident
from ..models import ConcernSource

SENT = "sent"


def _context(request: HttpRequest, link: LinkToken, **extra) -> dict:
    token = request.resolver_match.kwargs["token"]
    return {
        "school": link.school,
        "link": link,
        "token": token,
        "sent": request.GET.get(SENT) == "1",
        **extra,
    }


@require_http_methods(["GET", "HEAD", "POST"])
def provider_incident(request: HttpRequest, link: LinkToken) -> HttpResponse:
    form = ProviderIncidentForm(request.POST if request.method == "POST" else None, link=link)
    if request.method == "POST" and form.is_valid():
        report_incident(
            placement=form.cleaned_data["placement"],
            reported_by_name=form.cleaned_data["name"],
            reported_by_role=form.cleaned_data["role"],
            **form.incident_fields(),
        )
        return redirect(f"{request.path}?{SENT}=1")
    return render(request, "monitoring/incidents/provider.html", _context(request, link, form=form))


@require_http_methods(["GET", "HEAD", "POST"])
def provider_concern(request: HttpRequest, link: LinkToken) -> HttpResponse:
    form = ProviderConcernForm(request.POST if request.method == "POST" else None, link=link)
    if request.method == "POST" and form.is_valid():
        raise_concern(
            learner=form.cleaned_data["placement"].learner,
            placement=form.cleaned_data["placement"],
            detail=form.cleaned_data["detail"],
            about_provider_staff=form.cleaned_data["about_provider_staff"],
            source=ConcernSource.PROVIDER,
            raised_by_name=form.cleaned_data["name"],
            raised_by_role=form.cleaned_data["role"],
        )
        return redirect(f"{request.path}?{SENT}=1")
    return render(request, "monitoring/concerns/provider.html", _context(request, link, form=form))
