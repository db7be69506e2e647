from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "guanxi.customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from guanxi.customers import profile  # noqa: F401  (registers the 360 sections)
