"""Writes to orders. The total is always the sum of the lines when there are lines."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.analytics.services.churn import churn_order_placed
from guanxi.catalog.models import Product
from guanxi.catalog.services import to_decimal
from guanxi.core.audit import audit_create, audit_update, snapshot
from guanxi.core.errors import field_error, require_perm, require_write
from guanxi.core.sequences import next_numbers
from guanxi.customers.models import Customer
from guanxi.customers.selectors import customer_for_update
from guanxi.orders.models import Order, OrderLine
from guanxi.orders.selectors import order_for_update

S = Order.Status
# Where an order may go from each status.
TRANSITIONS = {
    S.DRAFT: {S.CONFIRMED, S.CANCELLED},
    S.CONFIRMED: {S.SHIPPED, S.CANCELLED, S.DRAFT},
    S.SHIPPED: {S.COMPLETED, S.CANCELLED},
    S.COMPLETED: set(),
    S.CANCELLED: set(),
}


@dataclass
class LineInput:
    quantity: Any
    unit_price: Any | None = None
    product: Product | None = None
    description: str = ""
    unit: str = ""


def new_order_numbers(count: int) -> list[str]:
    return [f"SO{n:010d}" for n in next_numbers("order", count)]


def _build_lines(lines: list[LineInput]) -> list[OrderLine]:
    built = []
    errors: dict[str, list[str]] = {}
    for index, line in enumerate(lines, start=1):
        try:
            quantity = to_decimal("quantity", line.quantity)
            if quantity == 0:
                raise field_error("quantity", _("The quantity must be more than zero."))
            if line.unit_price in (None, ""):
                if line.product is None:
                    raise field_error("unit_price", _("Enter a unit price."))
                unit_price = line.product.price
            else:
                unit_price = to_decimal("unit_price", line.unit_price)
            description = (line.description or (line.product.name if line.product else "")).strip()
            if not description:
                raise field_error("product", _("Choose a product or describe the line."))
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors[f"lines.{index}.{field}"] = messages
            continue
        built.append(
            OrderLine(
                product=line.product,
                description=description[:200],
                quantity=quantity,
                unit=(line.unit or (line.product.unit if line.product else "")).strip()[:20],
                unit_price=unit_price,
                amount=(quantity * unit_price).quantize(Decimal("0.01")),
            )
        )
    if errors:
        raise ValidationError(errors)
    return built


def _check_status(value: str) -> str:
    if value not in S.values:
        raise field_error(
            "status",
            _("“%(value)s” is not one of: %(choices)s.")
            % {"value": value, "choices": ", ".join(S.values)},
        )
    return value


@transaction.atomic
def order_create(
    *,
    actor: User,
    customer: Customer,
    order_date: date,
    lines: list[LineInput] | None = None,
    total: Any = None,
    status: str = S.CONFIRMED,
    delivery_address: str = "",
    notes: str = "",
    number: str = "",
) -> Order:
    """An order with lines (its total is their sum) or, for history, just a total."""
    require_perm(actor, "orders.add_order")
    require_write(actor)
    customer = customer_for_update(actor=actor, pk=customer.pk)
    if customer.is_archived:
        raise field_error("customer", _("This customer is archived."))
    _check_status(status)
    built = _build_lines(lines or [])
    if built:
        amount = sum((line.amount for line in built), Decimal(0))
    elif total not in (None, ""):
        amount = to_decimal("total", total)
    else:
        raise field_error("lines", _("Add at least one line, or give the order's total."))
    if number and Order.objects.filter(number=number).exists():
        raise field_error("number", _("An order numbered %(number)s exists.") % {"number": number})
    order = Order.objects.create(
        number=number or new_order_numbers(1)[0],
        customer=customer,
        order_date=order_date,
        status=status,
        delivery_address=delivery_address.strip() or customer.address,
        notes=notes.strip(),
        total=amount,
        created_by=actor,
    )
    for line in built:
        line.order = order
    OrderLine.objects.bulk_create(built)
    audit_create(actor=actor, instance=order)
    churn_order_placed(order)
    return order


@transaction.atomic
def order_update(
    *,
    actor: User,
    order: Order,
    lines: list[LineInput] | None = None,
    **values: Any,
) -> Order:
    """Change an order's status, date, address or notes; ``lines`` replaces all lines."""
    require_perm(actor, "orders.change_order")
    require_write(actor)
    order = order_for_update(actor=actor, pk=order.pk)
    before = snapshot(order)
    status = values.pop("status", None)
    if status and status != order.status:
        _check_status(status)
        if status not in TRANSITIONS[S(order.status)]:
            raise field_error(
                "status",
                _("An order that is %(current)s cannot become %(new)s.")
                % {"current": order.get_status_display(), "new": S(status).label},
            )
        order.status = status
    if (
        order.status in {S.COMPLETED, S.CANCELLED}
        and (lines is not None or values)
        and (before["status"] == order.status)
    ):
        raise field_error(
            "status",
            _("A %(status)s order cannot be changed.") % {"status": order.get_status_display()},
        )
    for field in ("order_date", "delivery_address", "notes"):
        if field in values:
            setattr(order, field, values[field])
    if lines is not None:
        built = _build_lines(lines)
        if not built:
            raise field_error("lines", _("Add at least one line."))
        order.lines.all().delete()
        for line in built:
            line.order = order
        OrderLine.objects.bulk_create(built)
        order.total = sum((line.amount for line in built), Decimal(0))
    order.save()
    audit_update(actor=actor, instance=order, before=before)
    churn_order_placed(order)
    return order


def orders_bulk_create(*, actor: User, orders: list[tuple[Order, OrderLine | None]]) -> int:
    """Add many orders of history at once (an import): numbered, stamped, with their lines.

    The rows are checked by the caller against the same rules as ``order_create`` (visible,
    unarchived customers; known products; a total or a line). Episodes of churn that such
    orders end are closed by the next churn scan rather than one order at a time.
    """
    require_perm(actor, "orders.add_order")
    require_write(actor)
    if not orders:
        return 0
    generated = iter(new_order_numbers(sum(1 for order, _line in orders if not order.number)))
    now = timezone.now()
    for order, _line in orders:
        order.number = order.number or next(generated)
        order.created_at = order.updated_at = now
        order.created_by = actor
    Order.objects.bulk_create([order for order, _line in orders], batch_size=1000)
    lines = []
    for order, line in orders:
        if line is not None:
            line.order = order
            lines.append(line)
    OrderLine.objects.bulk_create(lines, batch_size=1000)
    return len(orders)
