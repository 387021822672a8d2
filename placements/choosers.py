"""What the learner, provider and site choosers search, and how a match reads.

The same functions serve the search endpoints (placements/views/choosers.py)
and the forms that resolve typed text without JavaScript, so both find the same
records the same way.
"""

from django.db.models import Q, QuerySet
from django.urls import reverse_lazy
from django.utils.text import format_lazy

from altprov.choosers import ChooserField

from .models import Learner, Provider, ProviderSite


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


def learner_chooser(queryset: QuerySet, *, every_school: bool = False, **kwargs) -> ChooserField:
    url = reverse_lazy("placements:learner_search")
    field = ChooserField(
        queryset,
        search=search_learners,
        url=format_lazy("{}?scope=all", url) if every_school else url,
        **kwargs,
    )
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
