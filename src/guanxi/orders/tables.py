import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from guanxi.orders.models import Order

STATUS_BADGES = {
    "draft": "text-bg-light",
    "confirmed": "text-bg-primary",
    "shipped": "text-bg-info",
    "completed": "text-bg-success",
    "cancelled": "text-bg-secondary",
}


class OrderTable(tables.Table):
    number = tables.Column(verbose_name=_("Number"), linkify=True)
    customer = tables.Column(
        verbose_name=_("Customer"),
        orderable=False,
        linkify=lambda record: record.customer.get_absolute_url(),
    )
    order_date = tables.DateColumn(verbose_name=_("Order date"), format="Y-m-d")
    status = tables.Column(verbose_name=_("Status"))
    total = tables.Column(verbose_name=_("Total"), attrs={"td": {"class": "text-end"}})

    class Meta:
        model = Order
        fields = ["number", "customer", "order_date", "status", "total"]
        attrs = {"class": "table table-hover align-middle text-nowrap", "id": "order-table"}
        empty_text = _("No orders match.")

    def render_status(self, record: Order) -> str:
        return format_html(
            '<span class="badge {}">{}</span>',
            STATUS_BADGES.get(record.status, "text-bg-light"),
            record.get_status_display(),
        )

    def render_total(self, value: object) -> str:
        return f"¥{value:,.2f}"
