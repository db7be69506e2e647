from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "guanxi.sales"
    verbose_name = _("Sales")

    def ready(self) -> None:
        from guanxi.sales import privacy, profile  # noqa: F401  (a person's leads, 360)
