"""The customer list's filters: the page's filter bar, the API's query parameters and the
export's selection are this one FilterSet (see ``core.filters``)."""

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import User
from guanxi.core.filters import CheckboxFilter, DayFromFilter, DayToFilter, ScopedFilterSet
from guanxi.core.forms import DateInput
from guanxi.customers.models import Customer
from guanxi.customers.search import archived_filter, filter_search


class CustomerFilterSet(ScopedFilterSet):
    dictionary = {
        "level": "customer_level",
        "credit_rating": "credit_rating",
        "satisfaction": "satisfaction",
        "region": "region",
        "industry": "industry",
    }

    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(
            attrs={
                "placeholder": _("Name, pinyin, initials, phone, e-mail or code"),
                "type": "search",
                "autofocus": True,
            }
        ),
    )
    level = django_filters.ChoiceFilter(label=_("Level"), empty_label=_("All levels"))
    credit_rating = django_filters.ChoiceFilter(
        label=_("Credit rating"), empty_label=_("All ratings")
    )
    satisfaction = django_filters.ChoiceFilter(label=_("Satisfaction"), empty_label=_("All"))
    region = django_filters.ChoiceFilter(label=_("Region"), empty_label=_("All regions"))
    industry = django_filters.ChoiceFilter(label=_("Industry"), empty_label=_("All industries"))
    # The people the actor may choose (``selectors.manager_choices``), set by the selector.
    account_manager = django_filters.ModelChoiceFilter(
        label=_("Account manager"), queryset=User.objects.none(), empty_label=_("All managers")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Customer.Status.choices, empty_label=_("All statuses")
    )
    lifecycle_stage = django_filters.ChoiceFilter(
        label=_("Lifecycle stage"),
        choices=Customer.Lifecycle.choices,
        empty_label=_("All stages"),
    )
    tag = django_filters.CharFilter(label=_("Tag"), field_name="tags__name")
    created_from = DayFromFilter(label=_("Created from"), field_name="created_at", widget=DateInput)
    created_to = DayToFilter(label=_("Created to"), field_name="created_at", widget=DateInput)
    # Applied with the search in ``filter_queryset``: not archived unless asked for.
    archived = CheckboxFilter(label=_("Archived customers"), method="keep")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Other modules' filters (registered) come before "archived", which stays last.
        self.filters.move_to_end("archived")

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        data = self.form.cleaned_data
        searching = bool(data.get("q"))
        queryset = queryset.filter(archived_filter(bool(data.get("archived")), searching=searching))
        return super().filter_queryset(queryset)

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return filter_search(queryset, value)

    def keep(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset


def register_filter(name: str, extra: django_filters.Filter) -> None:
    """A filter of another module on the customer list, its page, API and export (the
    analytics add the RFM segment, the value tier and the churn risk)."""
    CustomerFilterSet.base_filters[name] = extra
