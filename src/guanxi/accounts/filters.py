"""The user list's filters: its page and the API's parameters."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import Team
from guanxi.core.filters import ActiveFilter, ScopedFilterSet, SearchFilter
from guanxi.core.roles import Role


class UserFilterSet(ScopedFilterSet):
    q = SearchFilter(
        "username__icontains",
        "first_name__icontains",
        "last_name__icontains",
        "email__icontains",
        "mobile__icontains",
        widget=forms.TextInput(attrs={"placeholder": _("Name, username, e-mail or mobile")}),
    )
    role = django_filters.ChoiceFilter(
        label=_("Role"), choices=Role.choices, empty_label=_("All roles")
    )
    team = django_filters.ModelChoiceFilter(
        label=_("Team"), queryset=Team.objects.all(), empty_label=_("All teams")
    )
    is_active = ActiveFilter()
