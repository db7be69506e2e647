from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "guanxi.customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from guanxi.customers import privacy, profile  # noqa: F401  (personal fields, 360)
