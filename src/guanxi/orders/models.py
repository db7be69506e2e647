"""Customer orders (历史订单) and their lines."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from guanxi.catalog.models import Product
from guanxi.core.models import TimestampedModel
from guanxi.customers.models import Customer


class Order(TimestampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        CONFIRMED = "confirmed", _("Confirmed")
        SHIPPED = "shipped", _("Shipped")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    # The statuses of a sale: what counts as a purchase for totals, churn and the analytics.
    SALE_STATUSES = (Status.CONFIRMED, Status.SHIPPED, Status.COMPLETED)

    number = models.CharField(_("number"), max_length=32, unique=True)
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="orders"
    )
    order_date = models.DateField(_("order date"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.CONFIRMED
    )
    delivery_address = models.CharField(_("delivery address"), max_length=300, blank=True)
    # The sum of the lines; an imported order without lines carries its amount here.
    total = models.DecimalField(_("total"), max_digits=16, decimal_places=2, default=Decimal(0))
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-order_date", "-id"]
        indexes = [
            models.Index(fields=["customer", "order_date", "id"], name="order_customer_date_idx"),
            models.Index(fields=["order_date", "id"], name="order_date_idx"),
            # The analytics read orders by customer and day (RFM, CLV) or by day (reports):
            # covering indexes let PostgreSQL answer from the index alone.
            models.Index(
                fields=["customer", "order_date"],
                include=["total", "status"],
                name="order_customer_spend_idx",
            ),
            models.Index(
                fields=["order_date"],
                include=["customer", "total", "status"],
                name="order_date_spend_idx",
            ),
            models.Index(fields=["status", "id"], name="order_status_idx"),
            models.Index(fields=["total", "id"], name="order_total_idx"),
            models.Index(fields=["created_at", "id"], name="order_created_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("order-detail", args=[self.pk])


class OrderLine(models.Model):
    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="lines"
    )
    product = models.ForeignKey(
        Product,
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="order_lines",
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=2)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.description or self.product} × {self.quantity}"
