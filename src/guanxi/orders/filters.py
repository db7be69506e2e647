"""The order list's filters: its page, the API's parameters and the export."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.core.filters import ScopedFilterSet
from guanxi.core.forms import DateInput
from guanxi.orders.models import Order


class OrderFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(
        label=_("Order number"),
        field_name="number",
        lookup_expr="icontains",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Order.Status.choices, empty_label=_("All statuses")
    )
    date_from = django_filters.DateFilter(
        label=_("From"), field_name="order_date", lookup_expr="gte", widget=DateInput
    )
    date_to = django_filters.DateFilter(
        label=_("To"), field_name="order_date", lookup_expr="lte", widget=DateInput
    )
    # Set by links from a customer's page.
    customer = django_filters.NumberFilter(
        label=_("Customer"), field_name="customer_id", widget=forms.HiddenInput
    )
