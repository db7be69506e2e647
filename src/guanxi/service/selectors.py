"""Reads of the service desk, always scoped to the actor: queues, a request, the dashboard."""

from collections.abc import Mapping
from typing import Any

from django.core.cache import cache
from django.db.models import (
    Avg,
    Count,
    Q,
    QuerySet,
)
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.accounts.selectors import colleagues
from guanxi.core.dates import Period, months_of
from guanxi.core.errors import require_perm
from guanxi.core.filters import filtered
from guanxi.core.roles import DataScope, Role, data_scope
from guanxi.core.selectors import locked
from guanxi.customers.models import Customer
from guanxi.orders.models import Order
from guanxi.orders.selectors import order_list
from guanxi.service.filters import QUEUES, RequestFilterSet, queue_filter
from guanxi.service.models import (
    BusinessCalendar,
    Callback,
    RequestAttachment,
    ServiceRequest,
    SlaPolicy,
    sla_state_expression,
)

SR = ServiceRequest
STATE = SR.SlaState
REQUEST_ORDERING = {
    "number": "number",
    "received_at": "received_at",
    "due": "next_due_at",
    "priority": "priority",
    "status": "status",
}


def visible_requests(actor: User) -> QuerySet[ServiceRequest]:
    """Requests assigned to, logged by, or about a customer of the actor — or of their team."""
    require_perm(actor, "service.view_servicerequest")
    if not actor.is_active:
        return SR.objects.none()
    scope = data_scope(actor)
    if scope is DataScope.ALL:
        return SR.objects.all()
    # Written as IN (subquery) rather than joins, so PostgreSQL hashes the small sets of people
    # and customers once instead of joining every request to its assignee and customer.
    people: Any = [actor.pk]
    if scope is DataScope.TEAM and actor.team_id:
        people = User.objects.filter(team_id=actor.team_id).values("pk")
    customers = Customer.objects.filter(account_manager__in=people).values("pk")
    mine = Q(assignee__in=people) | Q(created_by=actor) | Q(customer__in=customers)
    if scope is DataScope.TEAM and actor.team_id:
        mine |= Q(team_id=actor.team_id)
    return SR.objects.filter(mine)


def request_for_update(*, actor: User, pk: int) -> ServiceRequest:
    """One request locked for a change; refused when ``actor`` may not see it."""
    found = visible_requests(actor).select_related(
        "assignee", "team", "customer__account_manager", "policy__calendar", "created_by"
    )
    return locked(
        found, pk, field="request", refusal=_("This service request is outside your data scope.")
    )


def request_filters(*, actor: User, data: Mapping[str, Any] | None = None) -> RequestFilterSet:
    """The request list's FilterSet for ``actor``, over the requests they may see, each with
    its SLA state; its assignees are the people the actor may give requests to."""
    found = visible_requests(actor).select_related("customer", "assignee", "contact")
    found = found.annotate(sla=sla_state_expression(timezone.now()))
    filterset = RequestFilterSet(data, actor=actor, queryset=found)
    filterset.filters["assignee"].queryset = assignable(actor)
    return filterset


def request_list(
    *, actor: User, filters: Mapping[str, Any] | None = None
) -> QuerySet[ServiceRequest]:
    """The requests ``actor`` may see that match ``filters``; a bad value is refused by name."""
    return filtered(request_filters(actor=actor, data=filters))


def assignable(actor: User) -> QuerySet[User]:
    """People the actor may give requests to (within their scope; executives only read)."""
    return colleagues(actor).exclude(role=Role.EXECUTIVE)


def queue_counts(*, actor: User) -> dict[str, int]:
    """How many requests are in each queue, in one query."""
    # Every queue holds open requests only: count among those (an index range, not a scan).
    return (
        visible_requests(actor)
        .filter(status__in=SR.OPEN)
        .aggregate(**{queue: Count("pk", filter=queue_filter(actor, queue)) for queue in QUEUES})
    )


def request_get(*, actor: User, pk: int) -> ServiceRequest:
    found = (
        visible_requests(actor)
        .select_related(
            "customer__account_manager",
            "contact",
            "assignee",
            "created_by",
            "team__supervisor",
            "policy__calendar",
        )
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404(_("No such service request."))
    return found


def request_timeline(request: ServiceRequest) -> dict[str, Any]:
    return {
        "events": list(request.events.select_related("actor")),
        "comments": list(request.comments.select_related("author")),
        "attachments": list(request.attachments.select_related("uploaded_by")),
        "escalations": list(request.escalations.all()),
    }


def attachment_get(*, actor: User, pk: int) -> Any:

    attachment = RequestAttachment.objects.select_related("request").filter(pk=pk).first()
    if attachment is None or not visible_requests(actor).filter(pk=attachment.request_id).exists():
        raise Http404(_("No such file."))
    return attachment


def customer_requests(*, actor: User, customer: Customer) -> QuerySet[ServiceRequest]:
    return request_list(actor=actor, filters={"customer": customer.pk})


# --- Callbacks ------------------------------------------------------------------------------


def callback_list(*, actor: User, status: str = "", mine: bool = False) -> QuerySet[Callback]:
    require_perm(actor, "service.view_callback")
    found = Callback.objects.filter(request__in=visible_requests(actor).values("pk"))
    found = found.select_related("request", "customer", "assignee")
    if status:
        found = found.filter(status=status)
    if mine:
        found = found.filter(assignee=actor)
    return found


def customer_callbacks(*, actor: User, customer: Customer) -> QuerySet[Callback]:
    """The customer's callbacks ``actor`` may see (through their requests' scope)."""
    return callback_list(actor=actor).filter(customer=customer)


def callback_for_update(*, actor: User, pk: int) -> Callback:
    """One callback locked for recording; refused when ``actor`` may not see its request."""
    found = callback_list(actor=actor).select_related("customer")
    return locked(
        found, pk, field="callback", refusal=_("This callback is outside your data scope.")
    )


def callback_get(*, actor: User, pk: int) -> Callback:
    found = callback_list(actor=actor).select_related("request__contact").filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such callback."))
    return found


# --- Set-up -----------------------------------------------------------------------------------


def policy_list(*, actor: User) -> QuerySet[SlaPolicy]:
    require_perm(actor, "service.view_slapolicy")
    return SlaPolicy.objects.select_related("calendar", "next_level").order_by("rank", "id")


def calendar_list(*, actor: User) -> QuerySet[BusinessCalendar]:
    require_perm(actor, "service.view_businesscalendar")
    return BusinessCalendar.objects.annotate(
        holidays=Count("days", filter=Q(days__kind="holiday")),
        workdays=Count("days", filter=Q(days__kind="workday")),
    )


def calendar_get(*, actor: User, pk: int) -> BusinessCalendar:
    found = calendar_list(actor=actor).filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such calendar."))
    return found


# --- The service dashboard ----------------------------------------------------------------


def _ratio(part: float | int | None, whole: float | int | None) -> float | None:
    return round(float(part or 0) / float(whole) * 100, 1) if whole else None


# The dashboard reads every request of the period: its figures are kept this long.
DASHBOARD_SECONDS = 60


def dashboard_cached(*, actor: User, period: Period) -> dict[str, Any]:
    """``dashboard`` kept for a minute per viewer and period, with the time it was read."""
    who = "all" if data_scope(actor) is DataScope.ALL else f"user{actor.pk}"
    key = f"service-dashboard:{who}:{period.start}:{period.end}"
    figures = cache.get(key)
    if figures is None:
        figures = {**dashboard(actor=actor, period=period), "as_of": timezone.now().isoformat()}
        cache.set(key, figures, DASHBOARD_SECONDS)
    return figures


def dashboard(*, actor: User, period: Period) -> dict[str, Any]:
    """The desk's figures for requests received in ``period``, in the actor's data scope.

    - first response: average working minutes from receipt to the first response;
    - SLA attainment: of requests whose clocks have stopped (handled or archived), the share
      that breached neither clock;
    - resolution rate: handled or archived / received;
    - reopen rate: reopened at least once / handled or archived;
    - satisfaction: the average feedback score;
    - complaint rate: complaints / customers served (with a request or an order in the period).
    """
    received = visible_requests(actor).filter(
        received_at__gte=period.start_at, received_at__lt=period.end_at
    )
    closed = Q(status__in=[SR.Status.HANDLED, SR.Status.ARCHIVED])
    met = closed & Q(first_response_breached=False, resolution_breached=False)
    channels = SR.Channel.values
    totals = received.aggregate(
        total=Count("pk"),
        closed=Count("pk", filter=closed),
        met=Count("pk", filter=met),
        reopened=Count("pk", filter=closed & Q(reopen_count__gt=0)),
        complaints=Count("pk", filter=Q(service_type=SR.COMPLAINT)),
        avg_first_response=Avg("first_response_minutes"),
        avg_resolution=Avg("resolution_minutes"),
        avg_satisfaction=Avg("satisfaction"),
        rated=Count("pk", filter=Q(satisfaction__isnull=False)),
        open=Count("pk", filter=Q(status__in=SR.OPEN)),
        # Channels and scores in the same pass over the rows.
        **{f"channel_{code}": Count("pk", filter=Q(channel=code)) for code in channels},
        **{f"score_{n}": Count("pk", filter=Q(satisfaction=n)) for n in range(1, 6)},
    )
    served = _customers_served(actor, period, received)
    # One pass grouped by type, a count per month as a filter (no per-row date truncation):
    # the volume chart and, summed over types, the SLA line.
    months = months_of(period)
    per_month: dict[str, Any] = {}
    for index, month in enumerate(months):
        within = Q(received_at__gte=month.start_at, received_at__lt=month.end_at)
        per_month[f"n{index}"] = Count("pk", filter=within)
        per_month[f"c{index}"] = Count("pk", filter=within & closed)
        per_month[f"m{index}"] = Count("pk", filter=within & met)
    by_type: list[dict[str, Any]] = list(
        received.order_by().values("service_type").annotate(**per_month)  # type: ignore[arg-type]
    )
    by_month: list[dict[str, Any]] = []
    sla_months = [[0, 0] for _month in months]
    for row in sorted(by_type, key=lambda row: row["service_type"]):
        for index, month in enumerate(months):
            if row[f"n{index}"]:
                by_month.append(
                    {
                        "month": month.start.strftime("%Y-%m"),
                        "type": row["service_type"],
                        "count": row[f"n{index}"],
                    }
                )
            sla_months[index][0] += row[f"c{index}"]
            sla_months[index][1] += row[f"m{index}"]
    by_month.sort(key=lambda row: row["month"])
    return {
        "total": totals["total"],
        "open": totals["open"],
        "closed": totals["closed"],
        "avg_first_response_minutes": _round(totals["avg_first_response"]),
        "avg_resolution_minutes": _round(totals["avg_resolution"]),
        "sla_attainment": _ratio(totals["met"], totals["closed"]),
        "resolution_rate": _ratio(totals["closed"], totals["total"]),
        "reopen_rate": _ratio(totals["reopened"], totals["closed"]),
        "avg_satisfaction": _round(totals["avg_satisfaction"], 2),
        "rated": totals["rated"],
        "complaints": totals["complaints"],
        "customers_served": served,
        "complaint_rate": _ratio(totals["complaints"], served),
        "by_month": by_month,
        "sla_by_month": [
            {"month": month.start.strftime("%Y-%m"), "attainment": _ratio(met_count, closed_count)}
            for month, (closed_count, met_count) in zip(months, sla_months, strict=True)
            if closed_count
        ],
        "by_channel": sorted(
            (
                {"channel": code, "count": totals[f"channel_{code}"]}
                for code in channels
                if totals[f"channel_{code}"]
            ),
            key=lambda row: -row["count"],
        ),
        "satisfaction_scores": [
            {"satisfaction": n, "count": totals[f"score_{n}"]}
            for n in range(1, 6)
            if totals[f"score_{n}"]
        ],
    }


def _round(value: float | None, digits: int = 1) -> float | None:
    return round(float(value), digits) if value is not None else None


def _customers_served(actor: User, period: Period, received: QuerySet[ServiceRequest]) -> int:
    """Distinct customers with a request or an order in the period: one UNION, counted."""
    served = received.filter(customer__isnull=False).order_by().values("customer_id")
    if actor.has_perm("orders.view_order"):
        orders: QuerySet[Order] = order_list(actor=actor).filter(
            order_date__gte=period.start, order_date__lte=period.end
        )
        served = served.union(orders.order_by().values("customer_id"))
    else:
        served = served.distinct()
    return served.count()
