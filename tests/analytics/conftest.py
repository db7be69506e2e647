"""Order histories and ratings made by hand, on a frozen day."""

from datetime import date, datetime, time
from decimal import Decimal
from itertools import count
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache

from guanxi.customers.models import Customer
from guanxi.orders.models import Order
from guanxi.service.models import ServiceRequest
from tests.factories import OrderFactory, ServiceRequestFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Wednesday 2 December 2026, 09:00 in Shanghai.
TODAY = date(2026, 12, 2)
_numbers = count(1)


@pytest.fixture
def clock(time_machine: Any) -> Any:
    time_machine.move_to(datetime.combine(TODAY, time(9), tzinfo=SHANGHAI), tick=False)
    return time_machine


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    cache.clear()


def buy(customer: Customer, day: date | str, total: float | str = "1000", **values: Any) -> Order:
    """An order as history: no lines, just its total."""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return OrderFactory(
        number=f"T{next(_numbers):09d}",
        customer=customer,
        order_date=day,
        total=Decimal(str(total)),
        **values,
    )


def rate(customer: Customer | None, score: int, when: datetime, **values: Any) -> ServiceRequest:
    """A service request with the customer's feedback score."""
    return ServiceRequestFactory(
        number=f"SR{next(_numbers):09d}",
        service_type=values.pop("service_type", "inquiry"),
        customer=customer,
        summary="测试",
        received_at=when,
        status=ServiceRequest.Status.ARCHIVED,
        satisfaction=score,
        feedback_at=when,
        **values,
    )


def at(day: str, hour: int = 10) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(hour), tzinfo=SHANGHAI)
