"""The user list's filters: its page and the API's parameters."""

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import Team
from guanxi.core.filters import ActiveFilter, ScopedFilterSet
from guanxi.core.roles import Role


class UserFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"placeholder": _("Name, username, e-mail or mobile")}),
    )
    role = django_filters.ChoiceFilter(
        label=_("Role"), choices=Role.choices, empty_label=_("All roles")
    )
    team = django_filters.ModelChoiceFilter(
        label=_("Team"), queryset=Team.objects.all(), empty_label=_("All teams")
    )
    is_active = ActiveFilter()

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            Q(username__icontains=value)
            | Q(first_name__icontains=value)
            | Q(last_name__icontains=value)
            | Q(email__icontains=value)
            | Q(mobile__icontains=value)
        )
