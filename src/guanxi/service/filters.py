"""The service request list's filters: the queue page's filter bar and the API's parameters."""

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanxi.accounts.models import User
from guanxi.core.filters import (
    DayFromFilter,
    DayToFilter,
    ScopedFilterSet,
    SearchFilter,
    StatusFilter,
)
from guanxi.core.forms import DateInput
from guanxi.service.models import Priority, ServiceRequest, sla_state_filter

SR = ServiceRequest
STATE = SR.SlaState
QUEUES = ("mine", "team", "unassigned", "breached", "at_risk", "waiting")
QUEUE_LABELS = dict(
    mine=_("My requests"),
    team=_("Team queue"),
    unassigned=pgettext_lazy("service queue", "Unassigned"),
    breached=_("Breached"),
    at_risk=_("At risk"),
    waiting=_("Waiting on customer"),
)


def queue_filter(actor: User, queue: str) -> Q:
    """The requests of one queue: the desk's worklists."""
    now = timezone.now()
    open_ = Q(status__in=SR.OPEN)
    if queue == "mine":
        return open_ & Q(assignee=actor)
    if queue == "team":
        return open_ & Q(team_id=actor.team_id or 0)
    if queue == "unassigned":
        return Q(status=SR.Status.CREATED)
    if queue == "breached":
        return open_ & sla_state_filter(STATE.BREACHED, now)
    if queue == "at_risk":
        return sla_state_filter(STATE.AT_RISK, now)
    if queue == "waiting":
        return open_ & Q(paused_at__isnull=False)
    return Q()


class RequestFilterSet(ScopedFilterSet):
    dictionary = {"type": "service_type"}

    q = SearchFilter(
        "number__icontains",
        "summary__icontains",
        "customer__name__icontains",
        "requester_name__icontains",
        "requester_phone__contains",
    )
    status = StatusFilter(SR.Status.choices, open=SR.OPEN)
    type = django_filters.ChoiceFilter(
        label=_("Type"), field_name="service_type", empty_label=_("All types")
    )
    priority = django_filters.ChoiceFilter(
        label=_("Priority"), choices=Priority.choices, empty_label=_("Any priority")
    )
    channel = django_filters.ChoiceFilter(
        label=_("Channel"), choices=SR.Channel.choices, empty_label=_("Any channel")
    )
    sla_state = django_filters.ChoiceFilter(
        label=_("SLA"),
        choices=STATE.choices,
        method="filter_sla_state",
        empty_label=_("Any SLA state"),
    )
    # The people the actor may give requests to, set by the selector.
    assignee = django_filters.ModelChoiceFilter(
        label=_("Assigned to"), queryset=User.objects.none(), empty_label=_("Anyone")
    )
    received_from = DayFromFilter(
        label=_("Received from"), field_name="received_at", widget=DateInput
    )
    received_to = DayToFilter(label=_("Received by"), field_name="received_at", widget=DateInput)
    # Chosen by the page's tabs and by links (a customer's requests), not typed.
    queue = django_filters.ChoiceFilter(
        label=_("Queue"),
        choices=list(QUEUE_LABELS.items()),
        method="filter_queue",
        widget=forms.HiddenInput,
    )
    customer = django_filters.NumberFilter(
        label=_("Customer"), field_name="customer_id", widget=forms.HiddenInput
    )

    def filter_sla_state(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(sla_state_filter(value, timezone.now()))

    def filter_queue(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset.filter(queue_filter(self.actor, value))
