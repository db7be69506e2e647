"""The product and stock lists' filters: their pages and the API's parameters."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.catalog.models import Warehouse
from guanxi.core.filters import ActiveFilter, ScopedFilterSet, SearchFilter


class ProductFilterSet(ScopedFilterSet):
    q = SearchFilter(
        "code__icontains",
        "name__icontains",
        "model__icontains",
        widget=forms.TextInput(attrs={"placeholder": _("Code, name or model"), "type": "search"}),
    )
    active = ActiveFilter()
    unit = django_filters.CharFilter(label=_("Unit"), widget=forms.HiddenInput)


class StockFilterSet(ScopedFilterSet):
    q = SearchFilter(
        "product__code__icontains",
        "product__name__icontains",
        "location__icontains",
        widget=forms.TextInput(
            attrs={"placeholder": _("Product or bin location"), "type": "search"}
        ),
    )
    warehouse = django_filters.ModelChoiceFilter(
        label=_("Warehouse"), queryset=Warehouse.objects.all(), empty_label=_("All warehouses")
    )
    location = django_filters.CharFilter(
        label=_("Bin location starts with"), lookup_expr="istartswith"
    )
    below = django_filters.NumberFilter(
        label=_("Quantity below"), field_name="quantity", lookup_expr="lt", min_value=0
    )
    product = django_filters.NumberFilter(
        label=_("Product"), field_name="product_id", widget=forms.HiddenInput
    )
