"""Products, warehouses and stock."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, ModelSchema, Query, Router, Schema, Status
from ninja.pagination import paginate

from guanxi.accounts.models import User
from guanxi.api.filters import query_schema
from guanxi.api.pagination import PageNumberPagination, apply_ordering
from guanxi.api.schemas import Input, model_values
from guanxi.catalog import selectors, services
from guanxi.catalog.filters import ProductFilterSet, StockFilterSet
from guanxi.catalog.models import PRODUCT_FIELDS, Product, Warehouse
from guanxi.core.errors import field_error

router = Router(tags=["catalog"])


class ProductOut(Schema):
    id: int
    code: str
    name: str
    model: str
    grade: str
    unit: str
    price: Decimal
    notes: str
    active: bool
    on_hand: Decimal | None = None
    created_at: datetime


class ProductIn(ModelSchema, Input):
    name: str
    code: str = Field("", max_length=32, description="Leave out for a generated code.")

    class Meta:
        model = Product
        fields = list(PRODUCT_FIELDS)


class ProductPatch(ModelSchema, Input):
    class Meta:
        model = Product
        fields = list(PRODUCT_FIELDS)
        fields_optional = "__all__"


ProductQuery = query_schema(
    "ProductQuery",
    ProductFilterSet,
    ordering=(str | None, Field(None, description="code, name, price or created_at; - descends")),
)


class WarehouseOut(Schema):
    id: int
    code: str
    name: str
    address: str


class WarehouseIn(Schema):
    code: str
    name: str
    address: str = ""


class StockOut(Schema):
    id: int
    product: int = Field(..., alias="product_id")
    product_code: str = Field(..., alias="product.code")
    product_name: str = Field(..., alias="product.name")
    warehouse: int = Field(..., alias="warehouse_id")
    warehouse_name: str = Field(..., alias="warehouse.name")
    location: str
    quantity: Decimal
    notes: str
    updated_at: datetime


StockQuery = query_schema(
    "StockQuery",
    StockFilterSet,
    ordering=(
        str | None,
        Field(None, description="product, warehouse, location or quantity; - descends"),
    ),
)


class StockAdjustIn(Schema):
    product: int
    warehouse: int
    location: str = ""
    delta: Decimal = Field(..., description="Positive to receive, negative to issue.")
    reason: str = ""


def _actor(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


@router.get("/products", response=list[ProductOut], summary="List products")
@paginate(PageNumberPagination)
def product_list(request: HttpRequest, filters: Query[ProductQuery]) -> Any:  # type: ignore[valid-type]
    values = filters.dict(exclude={"ordering"})  # type: ignore[attr-defined]
    products = selectors.product_list(actor=_actor(request), filters=values)
    ordering = filters.ordering  # type: ignore[attr-defined]
    return apply_ordering(products, ordering, selectors.PRODUCT_ORDERING, "code")


@router.post("/products", response={201: ProductOut}, summary="Create a product")
def product_create(request: HttpRequest, payload: ProductIn) -> Status:
    values = model_values(payload, Product, partial=False, exclude={"code"})
    product = services.product_create(actor=_actor(request), code=payload.code, **values)
    return Status(201, product)


@router.get("/products/{product_id}", response=ProductOut, summary="One product")
def product_detail(request: HttpRequest, product_id: int) -> Product:
    return selectors.product_get(actor=_actor(request), pk=product_id)


@router.patch("/products/{product_id}", response=ProductOut, summary="Change a product")
def product_update(request: HttpRequest, product_id: int, payload: ProductPatch) -> Product:
    actor = _actor(request)
    product = selectors.product_get(actor=actor, pk=product_id)
    values = model_values(payload, Product, partial=True)
    return services.product_update(actor=actor, product=product, **values)


@router.get("/warehouses", response=list[WarehouseOut], summary="List warehouses")
@paginate(PageNumberPagination)
def warehouse_list(request: HttpRequest) -> Any:
    return selectors.warehouse_list(actor=_actor(request))


@router.post("/warehouses", response={201: WarehouseOut}, summary="Create a warehouse")
def warehouse_create(request: HttpRequest, payload: WarehouseIn) -> Status:
    return Status(201, services.warehouse_create(actor=_actor(request), **payload.dict()))


@router.get("/stock", response=list[StockOut], summary="Query stock by product and place")
@paginate(PageNumberPagination)
def stock_list(request: HttpRequest, filters: Query[StockQuery]) -> Any:  # type: ignore[valid-type]
    values = filters.dict(exclude={"ordering"})  # type: ignore[attr-defined]
    stock = selectors.stock_list(actor=_actor(request), filters=values)
    ordering = filters.ordering  # type: ignore[attr-defined]
    return apply_ordering(stock, ordering, selectors.STOCK_ORDERING, "product")


@router.post(
    "/stock/adjust",
    response=StockOut,
    summary="Receive or issue stock (never below zero: 422 with the quantity on hand)",
)
def stock_adjust(request: HttpRequest, payload: StockAdjustIn) -> Any:
    actor = _actor(request)
    product = selectors.product_list(actor=actor).filter(pk=payload.product).first()
    if product is None:
        raise field_error("product", _("No product has the id %(id)s.") % {"id": payload.product})
    warehouse: Warehouse | None = (
        selectors.warehouse_list(actor=actor).filter(pk=payload.warehouse).first()
    )
    if warehouse is None:
        raise field_error(
            "warehouse", _("No warehouse has the id %(id)s.") % {"id": payload.warehouse}
        )
    item = services.stock_adjust(
        actor=actor,
        product=product,
        warehouse=warehouse,
        location=payload.location,
        delta=payload.delta,
        reason=payload.reason,
    )
    return selectors.stock_get(actor=actor, pk=item.pk)
