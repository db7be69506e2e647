"""Writes to products, warehouses and stock. Stock never goes below zero."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.catalog.models import Product, StockItem, StockMovement, Warehouse
from guanxi.core.audit import audit_create, audit_update, snapshot
from guanxi.core.errors import field_error, require_perm, require_write
from guanxi.core.sequences import next_numbers
from guanxi.core.validators import clean_text

PRODUCT_FIELDS = ("name", "model", "grade", "unit", "price", "notes", "active")
TEXT_LIMITS = {"code": 32, "name": 200, "model": 100, "grade": 50, "unit": 20}


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


def clean_product(values: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for field, value in values.items():
        try:
            if field == "price":
                cleaned[field] = to_decimal("price", value if value not in (None, "") else 0)
            elif field == "active":
                cleaned[field] = bool(value)
            else:
                cleaned[field] = clean_text(value, TEXT_LIMITS.get(field))
        except ValidationError as error:
            errors[field] = error.messages
    if (not partial or "name" in values) and not cleaned.get("name") and "name" not in errors:
        errors["name"] = [_("This field is required.")]
    if (not partial or "unit" in values) and "unit" in cleaned and not cleaned["unit"]:
        errors["unit"] = [_("This field is required.")]
    if errors:
        raise ValidationError(errors)
    return cleaned


def new_product_code() -> str:
    return f"P{next_numbers('product')[0]:06d}"


@transaction.atomic
def product_create(*, actor: User, code: str = "", **values: Any) -> Product:
    require_perm(actor, "catalog.add_product")
    require_write(actor)
    cleaned = clean_product(values)
    code = code.strip()
    if code and Product.objects.filter(code=code).exists():
        raise field_error("code", _("A product with the code %(code)s exists.") % {"code": code})
    product = Product.objects.create(code=code or new_product_code(), **cleaned)
    audit_create(actor=actor, instance=product)
    return product


@transaction.atomic
def product_update(*, actor: User, product: Product, **values: Any) -> Product:
    require_perm(actor, "catalog.change_product")
    require_write(actor)
    cleaned = clean_product(values, partial=True)
    before = snapshot(product)
    for field, value in cleaned.items():
        setattr(product, field, value)
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
    location = location.strip()[:50]
    item, _created = StockItem.objects.select_for_update(of=("self",)).get_or_create(
        product=product, warehouse=warehouse, location=location
    )
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
                "unit": product.unit,
                "product": product.name,
                "place": f"{warehouse.name} {location}".strip(),
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
