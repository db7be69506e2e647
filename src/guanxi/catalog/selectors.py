"""Reads of products and stock. The catalogue is shared: everyone who may view it sees all."""

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.catalog.filters import ProductFilterSet, StockFilterSet
from guanxi.catalog.models import Product, StockItem, Warehouse
from guanxi.core.errors import require_perm
from guanxi.core.filters import filtered

PRODUCT_ORDERING = {"code": "code", "name": "name", "price": "price", "created_at": "created_at"}
STOCK_ORDERING = {
    "product": "product__code",
    "warehouse": "warehouse__code",
    "location": "location",
    "quantity": "quantity",
}


def product_filters(*, actor: User, data: Mapping[str, Any] | None = None) -> ProductFilterSet:
    """The product list's FilterSet, each product with its stock on hand."""
    require_perm(actor, "catalog.view_product")
    products = Product.objects.annotate(on_hand=Sum("stock__quantity"))
    return ProductFilterSet(data, actor=actor, queryset=products)


def product_list(*, actor: User, filters: Mapping[str, Any] | None = None) -> QuerySet[Product]:
    return filtered(product_filters(actor=actor, data=filters))


def product_get(*, actor: User, pk: int) -> Product:
    require_perm(actor, "catalog.view_product")
    product = Product.objects.filter(pk=pk).first()
    if product is None:
        raise Http404(_("No such product."))
    return product


def warehouse_list(*, actor: User) -> QuerySet[Warehouse]:
    require_perm(actor, "catalog.view_warehouse")
    return Warehouse.objects.all()


def stock_filters(*, actor: User, data: Mapping[str, Any] | None = None) -> StockFilterSet:
    """The stock list's FilterSet: every product's quantity in each warehouse and bin."""
    require_perm(actor, "catalog.view_stockitem")
    stock = StockItem.objects.select_related("product", "warehouse")
    return StockFilterSet(data, actor=actor, queryset=stock)


def stock_list(*, actor: User, filters: Mapping[str, Any] | None = None) -> QuerySet[StockItem]:
    return filtered(stock_filters(actor=actor, data=filters))


def stock_get(*, actor: User, pk: int) -> StockItem:
    item = stock_list(actor=actor).filter(pk=pk).first()
    if item is None:
        raise Http404(_("No such stock item."))
    return item
