"""Writes to products, warehouses and stock. Stock never goes below zero."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.catalog.models import PRODUCT_FIELDS, Product, StockItem, StockMovement, Warehouse
from guanxi.core.audit import audit_create, audit_update, snapshot
from guanxi.core.errors import field_error, require_perm, require_write
from guanxi.core.sequences import next_numbers
from guanxi.core.validation import full_clean


def to_decimal(field: str, value: Any, *, allow_negative: bool = False) -> Decimal:
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise field_error(field, _("Enter a number.")) from None
    if not number.is_finite():
        raise field_error(field, _("Enter a number."))
    if number < 0 and not allow_negative:
        raise field_error(field, _("This cannot be negative."))
    if abs(number) >= Decimal(10) ** 12:
        raise field_error(field, _("This number is too large."))
    return number.quantize(Decimal("0.01"))


def new_product_code() -> str:
    return f"P{next_numbers('product')[0]:06d}"


@transaction.atomic
def product_create(*, actor: User, code: str = "", **values: Any) -> Product:
    require_perm(actor, "catalog.add_product")
    require_write(actor)
    _check_fields(values)
    code = (code or "").strip()
    product = Product(code=code, **values)
    full_clean(product, fields=[*PRODUCT_FIELDS, *(["code"] if code else [])])
    if code and Product.objects.filter(code=code).exists():
        raise field_error("code", _("A product with the code %(code)s exists.") % {"code": code})
    product.code = code or new_product_code()
    product.save()
    audit_create(actor=actor, instance=product)
    return product


def _check_fields(values: dict[str, Any]) -> None:
    unknown = set(values) - set(PRODUCT_FIELDS)
    if unknown:
        raise TypeError(f"unknown product fields: {sorted(unknown)}")


@transaction.atomic
def product_update(*, actor: User, product: Product, **values: Any) -> Product:
    require_perm(actor, "catalog.change_product")
    require_write(actor)
    _check_fields(values)
    product = Product.objects.select_for_update().get(pk=product.pk)
    before = snapshot(product)
    for field, value in values.items():
        setattr(product, field, value)
    full_clean(product, fields=values)
    if snapshot(product) == before:
        return product
    product.save()
    audit_update(actor=actor, instance=product, before=before)
    return product


@transaction.atomic
def warehouse_create(*, actor: User, code: str, name: str, address: str = "") -> Warehouse:
    require_perm(actor, "catalog.add_warehouse")
    require_write(actor)
    code, name = code.strip(), name.strip()
    errors = {}
    if not code:
        errors["code"] = [_("This field is required.")]
    elif Warehouse.objects.filter(code=code).exists():
        errors["code"] = [_("A warehouse with the code %(code)s exists.") % {"code": code}]
    if not name:
        errors["name"] = [_("This field is required.")]
    if errors:
        raise ValidationError(errors)
    warehouse = Warehouse.objects.create(code=code, name=name, address=address.strip())
    audit_create(actor=actor, instance=warehouse)
    return warehouse


@transaction.atomic
def stock_adjust(
    *,
    actor: User,
    product: Product,
    warehouse: Warehouse,
    location: str = "",
    delta: Any,
    reason: str = "",
    notes: str | None = None,
) -> StockItem:
    """Add (positive ``delta``) or take (negative) stock at one bin location.

    Taking more than is there is refused with the quantity on hand; the row is locked so two
    people taking the last units at once cannot both succeed.
    """
    require_perm(actor, "catalog.change_stockitem")
    require_write(actor)
    change = to_decimal("delta", delta, allow_negative=True)
    if change == 0 and notes is None:
        raise field_error("delta", _("Enter a quantity other than zero."))
    item, _created = _lock_stock(product, warehouse, location)
    return _move_stock(actor, item, change, reason, notes)


@transaction.atomic
def stock_count(
    *,
    actor: User,
    product: Product,
    warehouse: Warehouse,
    location: str = "",
    quantity: Any,
    reason: str = "",
    notes: str | None = None,
) -> tuple[StockItem, bool]:
    """Set the quantity counted at one bin location (an imported stock take); whether the
    location is new. The difference is recorded as a movement like any adjustment."""
    require_perm(actor, "catalog.change_stockitem")
    require_write(actor)
    counted = to_decimal("quantity", quantity)
    item, created = _lock_stock(product, warehouse, location)
    return _move_stock(actor, item, counted - item.quantity, reason, notes), created


def _lock_stock(product: Product, warehouse: Warehouse, location: str) -> tuple[StockItem, bool]:
    return StockItem.objects.select_for_update(of=("self",)).get_or_create(
        product=product, warehouse=warehouse, location=location.strip()[:50]
    )


def _move_stock(
    actor: User, item: StockItem, change: Decimal, reason: str, notes: str | None
) -> StockItem:
    before = snapshot(item)
    if item.quantity + change < 0:
        raise field_error(
            "delta",
            _(
                "Only %(on_hand)s %(unit)s of %(product)s are at %(place)s; "
                "you cannot take %(wanted)s."
            )
            % {
                "on_hand": f"{item.quantity.normalize():f}",
                "unit": item.product.unit,
                "product": item.product.name,
                "place": f"{item.warehouse.name} {item.location}".strip(),
                "wanted": f"{(-change).normalize():f}",
            },
        )
    item.quantity += change
    if notes is not None:
        item.notes = notes.strip()
    item.save()
    if change:
        StockMovement.objects.create(
            stock_item=item,
            delta=change,
            quantity_after=item.quantity,
            reason=reason.strip()[:200],
            actor=actor,
        )
    audit_update(actor=actor, instance=item, before=before)
    return item
