"""Reads of orders, scoped through the customer's account manager."""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.core.dates import last_months
from guanxi.core.errors import require_perm
from guanxi.core.filters import filtered
from guanxi.core.roles import customer_scope, scope_queryset
from guanxi.core.selectors import locked
from guanxi.customers.models import Customer
from guanxi.orders.filters import OrderFilterSet
from guanxi.orders.models import Order

ORDER_ORDERING = {
    "number": "number",
    "order_date": "order_date",
    "total": "total",
    "status": "status",
    "created_at": "created_at",
}
SALE_STATUSES = Order.SALE_STATUSES


def visible_orders(actor: User) -> QuerySet[Order]:
    """The orders of every customer ``actor`` may see."""
    require_perm(actor, "orders.view_order")
    return scope_queryset(
        Order.objects.all(),
        actor,
        owner_field="customer__account_manager",
        scope=customer_scope(actor),
    )


def order_for_update(*, actor: User, pk: int) -> Order:
    """One order locked for a change; refused when ``actor`` may not see its customer."""
    orders = visible_orders(actor).select_related("customer__account_manager")
    return locked(
        orders, pk, field="customer", refusal=_("This customer is outside your data scope.")
    )


def order_filters(*, actor: User, data: Mapping[str, Any] | None = None) -> OrderFilterSet:
    """The order list's FilterSet for ``actor``, over the orders of customers they may see."""
    return OrderFilterSet(
        data, actor=actor, queryset=visible_orders(actor).select_related("customer")
    )


def order_list(*, actor: User, filters: Mapping[str, Any] | None = None) -> QuerySet[Order]:
    """The orders ``actor`` may see that match ``filters``; a bad value is refused by name."""
    return filtered(order_filters(actor=actor, data=filters))


def order_get(*, actor: User, pk: int) -> Order:
    order = (
        order_list(actor=actor)
        .select_related("customer__account_manager", "created_by")
        .prefetch_related("lines__product")
        .filter(pk=pk)
        .first()
    )
    if order is None:
        raise Http404(_("No such order."))
    return order


def order_totals(*, customer: Customer) -> dict:
    """Count, sum and last date of the customer's sales (drafts and cancellations excluded)."""
    totals = Order.objects.filter(customer=customer, status__in=SALE_STATUSES).aggregate(
        count=Count("id"), amount=Sum("total"), last=Max("order_date")
    )
    return {
        "count": totals["count"],
        "amount": totals["amount"] or Decimal(0),
        "last_order_date": totals["last"],
    }


def monthly_amounts(*, customer: Customer, months: int = 24) -> list[dict[str, str]]:
    """Sales amount per month for the last ``months`` months, oldest first (zeros included)."""
    starts = last_months(months)
    rows = (
        Order.objects.filter(customer=customer, status__in=SALE_STATUSES, order_date__gte=starts[0])
        .annotate(month=TruncMonth("order_date"))
        .values("month")
        .annotate(amount=Sum("total"))
    )
    amounts = {row["month"].strftime("%Y-%m"): row["amount"] for row in rows}
    keys = [start.strftime("%Y-%m") for start in starts]
    return [{"month": key, "amount": str(amounts.get(key) or Decimal(0))} for key in keys]
