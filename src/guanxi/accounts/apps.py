from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "guanxi.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from guanxi.accounts import sessions  # noqa: F401  (the sign-in and sign-out receivers)
