"""Orders and their lines."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from guanxi.accounts.models import User
from guanxi.api.filters import query_schema
from guanxi.api.pagination import CappedPageNumberPagination, apply_ordering
from guanxi.catalog.models import Product
from guanxi.core.errors import field_error
from guanxi.customers.selectors import customer_get
from guanxi.orders import selectors, services
from guanxi.orders.filters import OrderFilterSet
from guanxi.orders.models import Order

router = Router(tags=["orders"])


class LineOut(Schema):
    id: int
    product: int | None = Field(None, alias="product_id")
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    amount: Decimal


class OrderOut(Schema):
    id: int
    number: str
    customer: int = Field(..., alias="customer_id")
    customer_name: str = Field(..., alias="customer.name")
    order_date: date
    status: str
    delivery_address: str
    total: Decimal
    notes: str
    created_at: datetime


class OrderDetailOut(OrderOut):
    lines: list[LineOut]


class LineIn(Schema):
    product: int | None = None
    description: str = ""
    quantity: Decimal
    unit: str = ""
    unit_price: Decimal | None = None


class OrderIn(Schema):
    customer: int
    order_date: date
    status: Order.Status = Order.Status.CONFIRMED
    delivery_address: str = ""
    notes: str = ""
    lines: list[LineIn] = []
    total: Decimal | None = Field(None, description="Only for orders without lines.")


class OrderPatch(Schema):
    order_date: date | None = None
    status: Order.Status | None = None
    delivery_address: str | None = None
    notes: str | None = None
    lines: list[LineIn] | None = None


OrderQuery = query_schema(
    "OrderQuery",
    OrderFilterSet,
    ordering=(
        str | None,
        Field(None, description="number, order_date, total, status or created_at; - descends"),
    ),
)


def _actor(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _lines(lines: list[LineIn]) -> list[services.LineInput]:
    ids = {line.product for line in lines if line.product is not None}
    products = {p.pk: p for p in Product.objects.filter(pk__in=ids)}
    result = []
    for index, line in enumerate(lines, start=1):
        if line.product is not None and line.product not in products:
            raise field_error(
                f"lines.{index}.product",
                _("No product has the id %(id)s.") % {"id": line.product},
            )
        result.append(
            services.LineInput(
                product=products.get(line.product) if line.product else None,
                description=line.description,
                quantity=line.quantity,
                unit=line.unit,
                unit_price=line.unit_price,
            )
        )
    return result


@router.get("/orders", response=list[OrderOut], summary="List orders")
@paginate(CappedPageNumberPagination)
def order_list(request: HttpRequest, filters: Query[OrderQuery]) -> Any:  # type: ignore[valid-type]
    values = filters.dict(exclude={"ordering"})  # type: ignore[attr-defined]
    orders = selectors.order_list(actor=_actor(request), filters=values)
    ordering = filters.ordering  # type: ignore[attr-defined]
    return apply_ordering(orders, ordering, selectors.ORDER_ORDERING, "-order_date")


@router.post("/orders", response={201: OrderDetailOut}, summary="Create an order")
def order_create(request: HttpRequest, payload: OrderIn) -> Status:
    actor = _actor(request)
    customer = customer_get(actor=actor, pk=payload.customer)
    order = services.order_create(
        actor=actor,
        customer=customer,
        order_date=payload.order_date,
        status=payload.status,
        delivery_address=payload.delivery_address,
        notes=payload.notes,
        lines=_lines(payload.lines),
        total=payload.total,
    )
    return Status(201, selectors.order_get(actor=actor, pk=order.pk))


@router.get("/orders/{order_id}", response=OrderDetailOut, summary="One order with its lines")
def order_detail(request: HttpRequest, order_id: int) -> Order:
    return selectors.order_get(actor=_actor(request), pk=order_id)


@router.patch("/orders/{order_id}", response=OrderDetailOut, summary="Change an order")
def order_update(request: HttpRequest, order_id: int, payload: OrderPatch) -> Order:
    actor = _actor(request)
    order = selectors.order_get(actor=actor, pk=order_id)
    values = payload.dict(exclude_unset=True)
    lines = values.pop("lines", None)
    services.order_update(
        actor=actor,
        order=order,
        lines=_lines(payload.lines or []) if lines is not None else None,
        **values,
    )
    return selectors.order_get(actor=actor, pk=order_id)
