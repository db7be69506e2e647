"""The filters of the opportunity list and board, and of the activity list."""

from typing import Any

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import User
from guanxi.core.filters import ScopedFilterSet, SearchFilter, StatusFilter
from guanxi.core.forms import DateInput
from guanxi.sales.models import Activity, Opportunity, PipelineStage


class OpportunityFilterSet(ScopedFilterSet):
    dictionary = {"source": "source"}

    q = SearchFilter(
        "customer_name__icontains",
        "number__icontains",
        "summary__icontains",
        "contact_phone__contains",
    )
    status = StatusFilter(Opportunity.Status.choices, open=Opportunity.OPEN)
    stage = django_filters.ModelChoiceFilter(
        label=_("Stage"),
        queryset=PipelineStage.objects.filter(active=True),
        empty_label=_("All stages"),
    )
    # The people the actor may see, set by the selector.
    assignee = django_filters.ModelChoiceFilter(
        label=_("Assigned to"), queryset=User.objects.none(), empty_label=_("Anyone")
    )
    source = django_filters.ChoiceFilter(label=_("Source"), empty_label=_("All sources"))
    close_from = django_filters.DateFilter(
        label=_("Closes from"), field_name="expected_close", lookup_expr="gte", widget=DateInput
    )
    close_to = django_filters.DateFilter(
        label=_("Closes by"), field_name="expected_close", lookup_expr="lte", widget=DateInput
    )
    # Set by links from a customer's page.
    customer = django_filters.NumberFilter(
        label=_("Customer"), field_name="customer_id", widget=forms.HiddenInput
    )


class BoardFilterSet(OpportunityFilterSet):
    """The board shows open opportunities in their stages' columns: no status or stage."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.filters["status"], self.filters["stage"]


class ActivityFilterSet(ScopedFilterSet):
    assignee = django_filters.NumberFilter(label=_("Assigned to"), field_name="assignee_id")
    customer = django_filters.NumberFilter(label=_("Customer"), field_name="customer_id")
    opportunity = django_filters.NumberFilter(label=_("Opportunity"), field_name="opportunity_id")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Activity.Kind.choices)
    done = django_filters.BooleanFilter(
        label=_("Done"), field_name="done_at", lookup_expr="isnull", exclude=True
    )
    due_from = django_filters.IsoDateTimeFilter(
        label=_("Due from"), field_name="due_at", lookup_expr="gte"
    )
    due_to = django_filters.IsoDateTimeFilter(
        label=_("Due before"), field_name="due_at", lookup_expr="lt"
    )
