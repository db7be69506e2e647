from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceConfig(AppConfig):
    name = "guanxi.service"
    verbose_name = _("Service")

    def ready(self) -> None:
        from guanxi.service import privacy, profile  # noqa: F401  (personal fields, 360)
