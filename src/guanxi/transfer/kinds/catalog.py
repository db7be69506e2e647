"""Products and inventory in and out of spreadsheets."""

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.accounts.models import User
from guanxi.catalog.models import Product, Warehouse
from guanxi.catalog.selectors import product_list, stock_list
from guanxi.catalog.services import product_create, product_update, stock_count, to_decimal
from guanxi.core.validation import clean_values
from guanxi.transfer.columns import Column
from guanxi.transfer.engine import Importer, ParsedRow

PRODUCT_COLUMNS = [
    Column("code", gettext_lazy("Code"), ("产品编号", "编号", "product code"), True),
    Column("name", gettext_lazy("Name"), ("产品名称", "名称", "product name")),
    Column("model", gettext_lazy("Model"), ("型号", "规格型号")),
    Column("grade", gettext_lazy("Grade or batch"), ("等级", "批次", "等级/批次", "batch")),
    Column("unit", gettext_lazy("Unit"), ("单位",)),
    Column("price", gettext_lazy("Price"), ("价格", "单价")),
    Column("notes", gettext_lazy("Notes"), ("备注",)),
]
STOCK_COLUMNS = [
    Column("product", gettext_lazy("Product code"), ("产品编号", "产品", "product"), True),
    Column("warehouse", gettext_lazy("Warehouse code"), ("仓库编号", "仓库", "warehouse"), True),
    Column("location", gettext_lazy("Bin location"), ("货位", "库位", "location")),
    Column("quantity", gettext_lazy("Quantity"), ("数量", "库存数量", "件数"), True),
    Column("notes", gettext_lazy("Notes"), ("备注",)),
]


class ProductImporter(Importer):
    """Upserts products by code; empty cells leave values alone."""

    columns = PRODUCT_COLUMNS
    permission = "catalog.add_product"

    def process(self, rows: list[ParsedRow], *, write: bool) -> int:
        codes = [row.values["code"] for row in rows if row.values.get("code")]
        existing = {p.code: p for p in Product.objects.filter(code__in=codes)}
        seen: set[str] = set()
        bad = 0
        for row in rows:
            code = row.values.get("code", "")
            if code in seen:
                message = _("The code %(code)s appears twice in this file.") % {"code": code}
                self.fail(row, "code", message)
                bad += 1
                continue
            seen.add(code)
            # An empty cell is not a value: a new product takes the default, one on file keeps
            # what it has.
            values = {k: v for k, v in row.values.items() if k != "code" and v != ""}
            product = existing.get(code)
            try:
                clean_values(
                    Product,
                    {"code": code, **values},
                    required=["code", "name"] if product is None else ["code"],
                )
                if write and product is None:
                    product_create(actor=self.actor, code=code, **values)
                    self.result.created += 1
                elif write and product is not None:
                    product_update(actor=self.actor, product=product, **values)
                    self.result.updated += 1
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    self.fail(row, name, " ".join(messages))
                bad += 1
        return bad


class InventoryImporter(Importer):
    """Sets the quantity at each (product, warehouse, bin location); never below zero."""

    columns = STOCK_COLUMNS
    permission = "catalog.change_stockitem"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.warehouses = {w.code: w for w in Warehouse.objects.all()}

    def process(self, rows: list[ParsedRow], *, write: bool) -> int:
        codes = {row.values.get("product", "") for row in rows}
        products = {p.code: p for p in Product.objects.filter(code__in=codes)}
        bad = 0
        for row in rows:
            problems = []
            product = products.get(row.values.get("product", ""))
            if product is None:
                problems.append(
                    (
                        "product",
                        _("No product has the code “%(code)s”.")
                        % {"code": row.values.get("product", "")},
                    )
                )
            warehouse = self.warehouses.get(row.values.get("warehouse", ""))
            if warehouse is None:
                problems.append(
                    (
                        "warehouse",
                        _("No warehouse has the code “%(code)s”.")
                        % {"code": row.values.get("warehouse", "")},
                    )
                )
            quantity = Decimal(0)
            try:
                quantity = to_decimal("quantity", row.values.get("quantity", ""))
            except ValidationError as error:
                problems.append(("quantity", " ".join(error.messages)))
            if problems:
                for name, message in problems:
                    self.fail(row, name, message)
                bad += 1
                continue
            if not write:
                continue
            assert product is not None and warehouse is not None
            _item, created = stock_count(
                actor=self.actor,
                product=product,
                warehouse=warehouse,
                location=row.values.get("location", ""),
                quantity=quantity,
                reason=_("Imported stock count"),
                notes=row.values.get("notes") or None,
            )
            if created:
                self.result.created += 1
            else:
                self.result.updated += 1
        return bad


def export_products(actor: User) -> tuple[list[str], Iterator[list[Any]]]:
    header = [str(c.label) for c in PRODUCT_COLUMNS]

    def rows() -> Iterator[list[Any]]:
        for p in product_list(actor=actor).order_by("code").iterator(chunk_size=2000):
            yield [p.code, p.name, p.model, p.grade, p.unit, p.price, p.notes]

    return header, rows()


def export_inventory(actor: User) -> tuple[list[str], Iterator[list[Any]]]:
    header = [str(c.label) for c in STOCK_COLUMNS]

    def rows() -> Iterator[list[Any]]:
        stock = stock_list(actor=actor).order_by("product__code", "warehouse__code", "location")
        for item in stock.iterator(chunk_size=2000):
            yield [item.product.code, item.warehouse.code, item.location, item.quantity, item.notes]

    return header, rows()
