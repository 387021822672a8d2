"""Every lookup of a monitoring record goes through here, scoped to the user's schools.

A record of a school where the user holds no role answers 404; one at their
school that their role may not act on answers 403.
"""

from altprov.access import get_for_user

from .models import TermlyReview


def get_review_for_user(user, pk: int, *, perm: str = "monitoring.view") -> TermlyReview:
    queryset = TermlyReview.objects.select_related(
        "school",
        "term",
        "placement__learner",
        "placement__provider",
        "placement__site",
        "school_response_by",
        "supersedes",
        "superseded_by",
    )
    return get_for_user(queryset, user, pk, perm=perm, view_perm="monitoring.view")
