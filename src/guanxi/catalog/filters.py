"""The product and stock lists' filters: their pages and the API's parameters."""

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from guanxi.catalog.models import Warehouse
from guanxi.core.filters import ScopedFilterSet


class ProductFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"placeholder": _("Code, name or model"), "type": "search"}),
    )
    active = django_filters.BooleanFilter(
        label=_("Status"),
        widget=forms.Select(
            choices=[
                ("", _("Active and inactive")),
                ("true", _("Active")),
                ("false", _("Inactive")),
            ]
        ),
    )
    unit = django_filters.CharFilter(label=_("Unit"), widget=forms.HiddenInput)

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            Q(code__icontains=value) | Q(name__icontains=value) | Q(model__icontains=value)
        )


class StockFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
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

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            Q(product__code__icontains=value)
            | Q(product__name__icontains=value)
            | Q(location__icontains=value)
        )
