"""Reads of products and stock. The catalogue is shared: everyone who may view it sees all."""

from django.db.models import Q, QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.catalog.models import Product, StockItem, Warehouse
from guanxi.core.errors import require_perm

PRODUCT_ORDERING = {"code": "code", "name": "name", "price": "price", "created_at": "created_at"}
STOCK_ORDERING = {
    "product": "product__code",
    "warehouse": "warehouse__code",
    "location": "location",
    "quantity": "quantity",
}


def product_list(
    *, actor: User, q: str = "", active: bool | None = None, unit: str = ""
) -> QuerySet[Product]:
    require_perm(actor, "catalog.view_product")
    products = Product.objects.annotate(on_hand=Sum("stock__quantity"))
    if q:
        products = products.filter(
            Q(code__icontains=q) | Q(name__icontains=q) | Q(model__icontains=q)
        )
    if active is not None:
        products = products.filter(active=active)
    if unit:
        products = products.filter(unit=unit)
    return products


def product_get(*, actor: User, pk: int) -> Product:
    require_perm(actor, "catalog.view_product")
    product = Product.objects.filter(pk=pk).first()
    if product is None:
        raise Http404(_("No such product."))
    return product


def product_by_code(code: str) -> Product | None:
    return Product.objects.filter(code=code).first()


def warehouse_list(*, actor: User) -> QuerySet[Warehouse]:
    require_perm(actor, "catalog.view_warehouse")
    return Warehouse.objects.all()


def warehouse_get(*, actor: User, pk: int) -> Warehouse:
    warehouse = warehouse_list(actor=actor).filter(pk=pk).first()
    if warehouse is None:
        raise Http404(_("No such warehouse."))
    return warehouse


def stock_list(
    *,
    actor: User,
    q: str = "",
    product_id: int | None = None,
    warehouse_id: int | None = None,
    location: str = "",
    below: float | None = None,
) -> QuerySet[StockItem]:
    require_perm(actor, "catalog.view_stockitem")
    stock = StockItem.objects.select_related("product", "warehouse")
    if q:
        stock = stock.filter(
            Q(product__code__icontains=q) | Q(product__name__icontains=q) | Q(location__icontains=q)
        )
    if product_id is not None:
        stock = stock.filter(product_id=product_id)
    if warehouse_id is not None:
        stock = stock.filter(warehouse_id=warehouse_id)
    if location:
        stock = stock.filter(location__istartswith=location)
    if below is not None:
        stock = stock.filter(quantity__lt=below)
    return stock


def stock_get(*, actor: User, pk: int) -> StockItem:
    item = stock_list(actor=actor).filter(pk=pk).first()
    if item is None:
        raise Http404(_("No such stock item."))
    return item
