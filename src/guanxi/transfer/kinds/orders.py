"""Order history in and out of spreadsheets: (customer code, date, amount[, product, quantity])."""

from collections.abc import Iterator, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.accounts.models import User
from guanxi.catalog.models import Product
from guanxi.catalog.services import to_decimal
from guanxi.customers.models import Customer
from guanxi.customers.selectors import visible_customers
from guanxi.customers.services import customer_create
from guanxi.orders.models import Order, OrderLine
from guanxi.orders.selectors import order_list
from guanxi.orders.services import orders_bulk_create
from guanxi.transfer.columns import Column
from guanxi.transfer.engine import Importer, ParsedRow

COLUMNS = [
    Column(
        "customer",
        gettext_lazy("Customer code"),
        ("客户编号", "客户代码", "customer", "customer_id"),
        True,
    ),
    Column(
        "order_date", gettext_lazy("Order date"), ("订单日期", "下单日期", "日期", "date"), True
    ),
    Column("amount", gettext_lazy("Amount"), ("金额", "订单金额", "总额", "total"), False),
    Column("number", gettext_lazy("Order number"), ("订单编号", "订单号", "number")),
    Column("product", gettext_lazy("Product code"), ("产品编号", "产品", "product")),
    Column("quantity", gettext_lazy("Quantity"), ("数量", "qty")),
    Column("status", gettext_lazy("Status"), ("状态", "订单状态")),
    Column(
        "delivery_address", gettext_lazy("Delivery address"), ("交货地址", "送货地址", "收货地址")
    ),
    Column("customer_name", gettext_lazy("Customer name"), ("客户名称",)),
]


def parse_date(text: str) -> date:
    cleaned = text.strip().replace("/", "-").replace(".", "-")[:10]
    if len(cleaned) == 8 and cleaned.isdigit():
        cleaned = f"{cleaned[:4]}-{cleaned[4:6]}-{cleaned[6:]}"
    try:
        return date.fromisoformat(cleaned)
    except ValueError:
        raise ValidationError(_("Enter a date as YYYY-MM-DD.")) from None


class OrderImporter(Importer):
    columns = COLUMNS
    permission = "orders.add_order"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.missing_created: dict[str, Customer] = {}

    def _status(self, text: str) -> str:
        lowered = text.strip().lower()
        if not lowered:
            return Order.Status.COMPLETED
        for value, label in Order.Status.choices:
            if lowered in (value, str(label).lower()):
                return value
        raise ValidationError(
            _("“%(value)s” is not one of: %(choices)s.")
            % {"value": text, "choices": ", ".join(Order.Status.values)}
        )

    def process(self, rows: list[ParsedRow], *, write: bool) -> int:
        codes = {row.values.get("customer", "") for row in rows}
        customers = {
            c.code: c
            for c in visible_customers(self.actor)
            .filter(code__in=codes)
            .only("pk", "code", "address")
        }
        customers.update(self.missing_created)
        products = {
            p.code: p
            for p in Product.objects.filter(code__in={r.values.get("product", "") for r in rows})
        }
        numbers = [r.values["number"] for r in rows if r.values.get("number")]
        existing_numbers = set(
            Order.objects.filter(number__in=numbers).values_list("number", flat=True)
        )
        to_create: list[tuple[Order, OrderLine | None]] = []
        bad = 0
        for row in rows:
            problems: list[tuple[str, str]] = []
            code = row.values.get("customer", "")
            customer = customers.get(code)
            if customer is None and not self.options.create_missing_customers:
                problems.append(
                    (
                        "customer",
                        _("No customer you may see has the code “%(code)s”.") % {"code": code},
                    )
                )
            elif customer is None and (not code or len(code) > 32):
                problems.append(("customer", _("This field is required.")))
            try:
                order_date = parse_date(row.values.get("order_date", ""))
            except ValidationError as error:
                problems.append(("order_date", " ".join(error.messages)))
            try:
                status = self._status(row.values.get("status", ""))
            except ValidationError as error:
                problems.append(("status", " ".join(error.messages)))
            product = None
            if row.values.get("product"):
                product = products.get(row.values["product"])
                if product is None:
                    problems.append(
                        (
                            "product",
                            _("No product has the code “%(code)s”.")
                            % {"code": row.values["product"]},
                        )
                    )
            amount = quantity = None
            for name in ("amount", "quantity"):
                if row.values.get(name):
                    try:
                        value = to_decimal(name, row.values[name])
                    except ValidationError as error:
                        problems.append((name, " ".join(error.messages)))
                        continue
                    if name == "amount":
                        amount = value
                    else:
                        quantity = value
            if (
                amount is None
                and not (product and quantity)
                and "amount" not in {p[0] for p in problems}
            ):
                problems.append(("amount", _("Give the amount, or a product and a quantity.")))
            number = row.values.get("number", "")
            if number and number in existing_numbers:
                problems.append(
                    ("number", _("An order numbered %(number)s exists.") % {"number": number})
                )
            if problems:
                for name, message in problems:
                    self.fail(row, name, message)
                bad += 1
                continue
            if not write:
                continue
            if customer is None:
                try:
                    customer = self._create_customer(
                        code, row.values.get("customer_name", ""), row.number
                    )
                except ValidationError as error:
                    for name, messages in error.message_dict.items():
                        column = "customer_name" if name == "name" else "customer"
                        self.fail(row, column, " ".join(messages))
                    bad += 1
                    continue
                customers[code] = customer
            line = None
            if product is not None:
                qty = quantity or Decimal(1)
                unit_price = (
                    (amount / qty).quantize(Decimal("0.01"))
                    if amount is not None
                    else product.price
                )
                line = OrderLine(
                    product=product,
                    description=product.name,
                    quantity=qty,
                    unit=product.unit,
                    unit_price=unit_price,
                    amount=amount
                    if amount is not None
                    else (qty * unit_price).quantize(Decimal("0.01")),
                )
            order = Order(
                number=number,
                customer=customer,
                order_date=order_date,
                status=status,
                delivery_address=row.values.get("delivery_address", "") or customer.address,
                total=line.amount if line is not None else (amount or Decimal(0)),
            )
            if number:
                existing_numbers.add(number)
            to_create.append((order, line))
        self.result.created += orders_bulk_create(actor=self.actor, orders=to_create)
        return bad

    def _create_customer(self, code: str, name: str, row: int) -> Customer:
        """An unknown customer code becomes a customer of the importing user."""
        customer = customer_create(
            actor=self.actor,
            account_manager=self.actor,
            allow_duplicate=True,
            code=code,
            name=name or code,
        )
        self.missing_created[code] = customer
        self.result.add_warning(
            row, str(COLUMNS[0].label), _("Created the customer %(code)s.") % {"code": code}
        )
        return customer


def export_rows(
    actor: User, filters: Mapping[str, Any] | None = None
) -> tuple[list[str], Iterator[list[Any]]]:
    header = [str(c.label) for c in COLUMNS[:7]] + [str(COLUMNS[7].label), str(COLUMNS[8].label)]

    # Made here, not in the generator: a bad filter is refused before the download starts.
    orders = order_list(actor=actor, filters=filters).prefetch_related("lines__product")

    def rows() -> Iterator[list[Any]]:
        for order in orders.order_by("pk").iterator(chunk_size=2000):
            lines = list(order.lines.all())
            first = lines[0] if len(lines) == 1 else None
            yield [
                order.customer.code,
                order.order_date,
                order.total,
                order.number,
                first.product.code if first and first.product else "",
                first.quantity if first else "",
                order.get_status_display(),
                order.delivery_address,
                order.customer.name,
            ]

    return header, rows()
