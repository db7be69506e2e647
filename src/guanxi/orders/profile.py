"""The orders section of the customer 360 view."""

from datetime import datetime, time
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.accounts.models import User
from guanxi.core.dictionary import DictionaryLookup
from guanxi.customers.models import Customer
from guanxi.customers.profile import Section, TimelineEvent, register
from guanxi.orders.models import Order
from guanxi.orders.selectors import monthly_amounts, order_totals


def build_orders(customer: Customer, actor: User, lookup: DictionaryLookup) -> dict[str, Any]:
    totals = order_totals(customer=customer)
    recent = Order.objects.filter(customer=customer).order_by("-order_date", "-id")[:10]
    return {
        "monthly": monthly_amounts(customer=customer),
        "count": totals["count"],
        "amount": str(totals["amount"]),
        "last_order_date": (
            totals["last_order_date"].isoformat() if totals["last_order_date"] else None
        ),
        "recent": [
            {
                "id": order.pk,
                "number": order.number,
                "order_date": order.order_date.isoformat(),
                "status": order.status,
                "status_label": order.get_status_display(),
                "total": str(order.total),
                "url": order.get_absolute_url(),
            }
            for order in recent
        ],
    }


def order_events(customer: Customer, actor: User, limit: int) -> list[TimelineEvent]:
    tz = timezone.get_current_timezone()
    return [
        TimelineEvent(
            at=datetime.combine(order.order_date, time(12), tzinfo=tz),
            kind="order",
            title=_("Order %(number)s") % {"number": order.number},
            detail=f"¥{order.total:,.2f} · {order.get_status_display()}",
            url=order.get_absolute_url(),
        )
        for order in Order.objects.filter(customer=customer).order_by("-order_date", "-id")[:limit]
    ]


register(
    Section(
        key="orders",
        title=gettext_lazy("Orders"),
        template="orders/section.html",
        order=40,
        build=build_orders,
        timeline=order_events,
        permission="orders.view_order",
    )
)
