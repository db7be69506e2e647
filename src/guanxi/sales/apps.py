from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "guanxi.sales"
    verbose_name = _("Sales")

    def ready(self) -> None:
        from guanxi.sales import profile  # noqa: F401  (opportunities and activities in the 360 view)
