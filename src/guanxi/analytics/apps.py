from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "guanxi.analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        from guanxi.analytics import (
            customer_filters,
            profile,  # noqa: F401  (scores and churn in the 360 view)
        )
        from guanxi.analytics.services.scores import drop_archived_scores
        from guanxi.customers.signals import customer_archived

        customer_archived.connect(drop_archived_scores, dispatch_uid="analytics-archived")
        customer_filters.register()
