"""Every write of the analytics: scores, churn warnings, improvement plans."""

from guanxi.analytics.services.churn import (
    churn_confirm,
    churn_order_placed,
    churn_scan,
    retention_measure_add,
)
from guanxi.analytics.services.config import analytics_settings_update
from guanxi.analytics.services.lifecycle import lifecycle_strategy_save
from guanxi.analytics.services.plans import (
    improvement_plan_close,
    improvement_task_add,
    improvement_task_done,
    satisfaction_watch,
)
from guanxi.analytics.services.scores import refresh_scores, rescore_customer

__all__ = [
    "analytics_settings_update",
    "churn_confirm",
    "churn_order_placed",
    "churn_scan",
    "improvement_plan_close",
    "improvement_task_add",
    "improvement_task_done",
    "lifecycle_strategy_save",
    "refresh_scores",
    "rescore_customer",
    "retention_measure_add",
    "satisfaction_watch",
]
