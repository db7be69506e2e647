import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from guanxi.catalog.models import Product, StockItem


class ProductTable(tables.Table):
    code = tables.Column(verbose_name=_("Code"), linkify=True)
    name = tables.Column(verbose_name=_("Name"), linkify=True)
    model = tables.Column(verbose_name=_("Model"))
    grade = tables.Column(verbose_name=_("Grade or batch"))
    unit = tables.Column(verbose_name=_("Unit"), orderable=False)
    price = tables.Column(verbose_name=_("Price"), attrs={"td": {"class": "text-end"}})
    on_hand = tables.Column(verbose_name=_("On hand"), attrs={"td": {"class": "text-end"}})
    active = tables.Column(verbose_name=_("Status"), orderable=False)

    class Meta:
        model = Product
        fields = ["code", "name", "model", "grade", "unit", "price", "on_hand", "active"]
        attrs = {"class": "table table-hover align-middle text-nowrap", "id": "product-table"}
        empty_text = _("No products match.")

    def render_price(self, value: object) -> str:
        return f"¥{value:,.2f}"

    def render_on_hand(self, value: object) -> str:
        return f"{value:,.2f}".rstrip("0").rstrip(".")

    def render_active(self, value: bool) -> str:
        if value:
            return format_html('<span class="badge text-bg-success">{}</span>', _("Active"))
        return format_html('<span class="badge text-bg-secondary">{}</span>', _("Inactive"))


class StockTable(tables.Table):
    product = tables.Column(
        verbose_name=_("Product"),
        order_by=("product__code",),
        linkify=lambda record: record.product.get_absolute_url(),
    )
    warehouse = tables.Column(verbose_name=_("Warehouse"), order_by=("warehouse__code",))
    location = tables.Column(verbose_name=_("Bin location"))
    quantity = tables.Column(verbose_name=_("Quantity"), attrs={"td": {"class": "text-end"}})
    unit = tables.Column(verbose_name=_("Unit"), accessor="product__unit", orderable=False)
    notes = tables.Column(verbose_name=_("Notes"), orderable=False)
    updated_at = tables.DateTimeColumn(verbose_name=_("Updated"), format="Y-m-d H:i")

    class Meta:
        model = StockItem
        fields = ["product", "warehouse", "location", "quantity", "unit", "notes", "updated_at"]
        attrs = {"class": "table table-hover align-middle text-nowrap", "id": "stock-table"}
        empty_text = _("No stock matches.")

    def render_quantity(self, value: object) -> str:
        return f"{value:,.2f}".rstrip("0").rstrip(".")
