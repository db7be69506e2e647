"""The churn warning list's filters: its page's tabs and the API's parameters."""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from guanxi.analytics.models import ChurnWarning
from guanxi.core.filters import CheckboxFilter, ScopedFilterSet, SearchFilter


class ChurnFilterSet(ScopedFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ChurnWarning.Status.choices)
    mine = CheckboxFilter(label=_("Only mine"), method="filter_mine")
    q = SearchFilter(
        "customer__name__icontains", "customer__code__iexact", label=_("Customer name or code")
    )

    def filter_mine(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset.filter(customer__account_manager=self.actor)
