from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "guanxi.orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        from guanxi.orders import privacy, profile  # noqa: F401  (a person's orders, 360)
