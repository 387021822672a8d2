"""What the learner, provider, site and placement choosers search, and how a match reads.

The same functions serve the search endpoints (placements/views/choosers.py)
and the forms that resolve typed text without JavaScript, so both find the same
records the same way.
"""

from django.db.models import Q, QuerySet
from django.urls import reverse_lazy
from django.utils.text import format_lazy

from altprov.choosers import ChooserField

from .models import Learner, Placement, Provider, ProviderSite


def learner_label(learner: Learner) -> str:
    return f"{learner}, Year {learner.year_group}" + (f", UPN {learner.upn}" if learner.upn else "")


def search_learners(queryset: QuerySet, text: str) -> QuerySet:
    return queryset.search(text).order_by("legal_last_name", "legal_first_name", "pk")


def provider_label(provider: Provider) -> str:
    return provider.name


def search_providers(queryset: QuerySet, text: str) -> QuerySet:
    for word in text.split():
        queryset = queryset.filter(name__icontains=word)
    return queryset.order_by("name", "pk")


def site_label(site: ProviderSite) -> str:
    return f"{site.provider} – {site.name}, {site.postcode}"


def search_sites(queryset: QuerySet, text: str) -> QuerySet:
    for word in text.split():
        queryset = queryset.filter(
            Q(name__icontains=word) | Q(postcode__icontains=word) | Q(provider__name__icontains=word)
        )
    return queryset.select_related("provider").order_by("provider__name", "name", "pk")


def placement_label(placement: Placement) -> str:
    return f"{placement.learner} at {placement.provider} ({placement.get_status_display().lower()})"


def placements_matching(queryset: QuerySet, text: str) -> QuerySet:
    """By the learner's names or UPN, or the provider's name, every word matching one of them."""
    for word in text.split():
        queryset = queryset.filter(
            Q(learner__legal_first_name__icontains=word)
            | Q(learner__legal_last_name__icontains=word)
            | Q(learner__preferred_name__icontains=word)
            | Q(learner__upn__iexact=word)
            | Q(provider__name__icontains=word)
        )
    return queryset


def search_placements(queryset: QuerySet, text: str) -> QuerySet:
    return (
        placements_matching(queryset, text)
        .select_related("learner", "provider")
        .order_by("learner__legal_last_name", "learner__legal_first_name", "start_date", "pk")
    )


def learner_chooser(queryset: QuerySet, *, every_school: bool = False, url=None, **kwargs) -> ChooserField:
    """`url`: another app's search endpoint (its own permission); by default the learners one."""
    if url is None:
        url = reverse_lazy("placements:learner_search")
        url = format_lazy("{}?scope=all", url) if every_school else url
    field = ChooserField(queryset, search=search_learners, url=url, **kwargs)
    field.label_from_instance = learner_label
    return field


def provider_chooser(queryset: QuerySet, **kwargs) -> ChooserField:
    field = ChooserField(
        queryset, search=search_providers, url=reverse_lazy("placements:provider_search"), **kwargs
    )
    field.label_from_instance = provider_label
    return field


def site_chooser(queryset: QuerySet, *, within: str = "", **kwargs) -> ChooserField:
    field = ChooserField(queryset, search=search_sites, url=reverse_lazy("placements:site_search"), **kwargs)
    field.label_from_instance = site_label
    field.widget.within = within
    return field


def placement_chooser(queryset: QuerySet, *, url, within: str = "", **kwargs) -> ChooserField:
    """`url`: a search endpoint answering for the form's own placements (an app's, with its permission)."""
    field = ChooserField(queryset, search=search_placements, url=url, **kwargs)
    field.label_from_instance = placement_label
    field.widget.within = within
    return field
