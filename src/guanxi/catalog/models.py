"""Products, warehouses and the stock held at each bin location (货位)."""

from decimal import Decimal

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from guanxi.core import fields
from guanxi.core.models import TimestampedModel


class Product(TimestampedModel):
    code = models.CharField(_("code"), max_length=32, unique=True, error_messages=fields.REQUIRED)
    name = models.CharField(_("name"), max_length=200, error_messages=fields.REQUIRED)
    model = models.CharField(_("model"), max_length=100, blank=True)
    grade = models.CharField(_("grade or batch"), max_length=50, blank=True)
    unit = models.CharField(_("unit"), max_length=20, default="件", error_messages=fields.REQUIRED)
    price = fields.AmountField(_("price"), max_digits=14, default=Decimal(0))
    notes = models.TextField(_("notes"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["code"]
        # One index for each filter and sort the product list offers (code and name: above).
        indexes = [
            models.Index(fields=["name", "id"], name="product_name_idx"),
            models.Index(fields=["price", "id"], name="product_price_idx"),
            models.Index(fields=["created_at", "id"], name="product_created_idx"),
            models.Index(fields=["active", "unit"], name="product_active_unit_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.model}".strip()

    def get_absolute_url(self) -> str:
        return reverse("product-detail", args=[self.pk])


# Every product field a person may set (besides its code, given once).
PRODUCT_FIELDS = ("name", "model", "grade", "unit", "price", "notes", "active")


class Warehouse(TimestampedModel):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class StockItem(TimestampedModel):
    """The quantity of one product at one bin location of one warehouse."""

    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="stock"
    )
    warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="stock"
    )
    location = models.CharField(_("bin location"), max_length=50, blank=True)
    quantity = models.DecimalField(
        _("quantity"), max_digits=14, decimal_places=2, default=Decimal(0)
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("stock item")
        verbose_name_plural = _("stock items")
        ordering = ["product__code", "warehouse__code", "location"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "warehouse", "location"], name="stock_unique_location"
            ),
            # The last line of defence; services refuse first with a clear message.
            models.CheckConstraint(
                condition=models.Q(quantity__gte=0), name="stock_quantity_not_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["warehouse", "location"], name="stock_location_idx"),
            models.Index(fields=["quantity"], name="stock_quantity_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.product} @ {self.warehouse} {self.location}".strip()


class StockMovement(models.Model):
    """Every change of a stock quantity, with who made it and why."""

    stock_item = models.ForeignKey(
        StockItem, verbose_name=_("stock item"), on_delete=models.CASCADE, related_name="movements"
    )
    delta = models.DecimalField(_("change"), max_digits=14, decimal_places=2)
    quantity_after = models.DecimalField(_("quantity after"), max_digits=14, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True)
    actor = models.ForeignKey(
        "accounts.User",
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.stock_item} {self.delta:+}"
