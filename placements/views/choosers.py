"""Search endpoints of the learner, provider and site choosers (altprov/choosers.py).

They answer JSON to the chooser's script: at most 20 matches, from two characters
typed (or none, narrowed to one learner or provider), scoped to what the user may
see. Signed out they answer 401, not the login page, so the script can say so.
"""

from collections.abc import Callable

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from altprov.choosers import MAX_RESULTS, MIN_CHARS
from altprov.roles import has_perm, school_ids

from ..choosers import (
    learner_label,
    provider_label,
    search_learners,
    search_providers,
    search_sites,
    site_label,
)
from ..models import Learner, Provider, ProviderSite


def search_answer(
    request: HttpRequest, perm: str, find: Callable[[str], list], *, narrowable: bool = False
) -> JsonResponse:
    """`find(text)`'s results as JSON, for a signed-in user with `perm` at the current school.

    `narrowable`: `find` narrows to the one record named by `within` (a provider's sites, a
    learner's placements), so that few are offered before anything is typed."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": "signed_out", "message": "You have been signed out."}, status=401)
    school = getattr(request, "school", None)
    if school is None or not has_perm(request.user, school.pk, perm):
        return JsonResponse({"error": "forbidden", "message": "You may not search these."}, status=403)
    text = request.GET.get("q", "").strip()[:100]
    # Narrowed to one learner or provider (`within`), its few records are offered untyped.
    narrowed = narrowable and request.GET.get("within", "").isdigit()
    results = find(text) if len(text) >= MIN_CHARS or narrowed else []
    return JsonResponse({"results": results})


@login_not_required
@require_GET
def learner_search(request: HttpRequest) -> JsonResponse:
    """Learners of the current school; with scope=all, of every school where the user may see them."""

    def find(text: str) -> list:
        if request.GET.get("scope") == "all":
            learners = Learner.objects.for_schools(school_ids(request.user, "learner.view"))
        else:
            learners = Learner.objects.filter(school=request.school)
        found = search_learners(learners, text)[:MAX_RESULTS]
        return [{"id": learner.pk, "label": learner_label(learner)} for learner in found]

    return search_answer(request, "learner.view", find)


@login_not_required
@require_GET
def provider_search(request: HttpRequest) -> JsonResponse:
    """The providers' directory is shared by every school of the installation."""

    def find(text: str) -> list:
        found = search_providers(Provider.objects.all(), text)[:MAX_RESULTS]
        return [{"id": provider.pk, "label": provider_label(provider)} for provider in found]

    return search_answer(request, "provider.view", find)


@login_not_required
@require_GET
def site_search(request: HttpRequest) -> JsonResponse:
    """Sites, of the provider chosen alongside (`within`) when there is one."""

    def find(text: str) -> list:
        sites = ProviderSite.objects.all()
        within = request.GET.get("within", "")
        if within.isdigit():
            sites = sites.filter(provider_id=int(within))
        found = search_sites(sites, text)[:MAX_RESULTS]
        return [{"id": site.pk, "label": site_label(site)} for site in found]

    return search_answer(request, "provider.view", find, narrowable=True)
