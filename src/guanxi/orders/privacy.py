"""What the orders hold about a person (``core.subjects``): an individual customer's orders,
kept for the accounts, their delivery addresses and notes anonymised."""

from django.utils.translation import gettext_lazy

from guanxi.core import subjects
from guanxi.core.subjects import Holding, Subject
from guanxi.orders.models import Order


def order_holdings(subject: Subject) -> list[Holding]:
    if not subject.customer_ids:
        return []
    return [
        Holding(
            key="orders.order",
            label=gettext_lazy("Orders"),
            records=Order.objects.filter(customer_id__in=subject.customer_ids),
            columns=["number", "order_date", "status", "total", "delivery_address", "notes"],
            anonymise=lambda records: records.update(delivery_address="", notes=""),
            order=40,
        )
    ]


subjects.register(order_holdings)
