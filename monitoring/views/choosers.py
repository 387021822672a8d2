"""Search endpoints of the choosers on the concern and incident forms (altprov/choosers.py).

Every member of staff may raise a safeguarding concern, so these answer to
`concern.raise` rather than `learner.view`: the learners of the current school,
and its placements a concern or an incident may be about (agreed or active),
narrowed to the learner chosen alongside (`within`) when there is one. A
learner reads as name and year group only (no UPN), as the form showed before:
finance staff may raise a concern but not see learners' records.
"""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from altprov.choosers import MAX_RESULTS
from placements.choosers import placement_label, search_learners, search_placements
from placements.models import Learner
from placements.views.choosers import search_answer

from ..forms.concerns import report_learner_label, report_placements


@login_not_required
@require_GET
def report_learner_search(request: HttpRequest) -> JsonResponse:
    def find(text: str) -> list:
        found = search_learners(Learner.objects.filter(school=request.school), text)[:MAX_RESULTS]
        return [{"id": learner.pk, "label": report_learner_label(learner)} for learner in found]

    return search_answer(request, "concern.raise", find)


@login_not_required
@require_GET
def report_placement_search(request: HttpRequest) -> JsonResponse:
    def find(text: str) -> list:
        placements = report_placements(request.school)
        within = request.GET.get("within", "")
        if within.isdigit():
            placements = placements.filter(learner_id=int(within))
        found = search_placements(placements, text)[:MAX_RESULTS]
        return [{"id": placement.pk, "label": placement_label(placement)} for placement in found]

    return search_answer(request, "concern.raise", find, narrowable=True)
