from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdministrationConfig(AppConfig):
    """Pages and API for what ``core`` keeps: the data dictionary and the audit trail."""

    name = "guanxi.administration"
    verbose_name = _("Administration")
