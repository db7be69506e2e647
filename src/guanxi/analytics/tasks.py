"""The nightly analytics: churn warnings, scores, lifecycle stages, satisfaction plans, KPIs."""

from typing import Any

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from guanxi.analytics.kpis import warm_kpis
from guanxi.analytics.lifecycle import lifecycle_scan
from guanxi.analytics.models import AnalyticsSettings
from guanxi.analytics.services import churn_scan, refresh_scores, satisfaction_watch
from guanxi.analytics.services.scores import backtest


def run_nightly() -> dict[str, Any]:
    """Every step in order; also what ``guanxi analytics refresh`` runs."""
    scan = churn_scan()
    scores = refresh_scores()
    quality = backtest(current=scores.history)
    if scores.model:  # an empty model means "nothing fitted yet": it stays empty
        AnalyticsSettings.objects.filter(pk=1).update(model={**scores.model, "backtest": quality})
    stages = lifecycle_scan(history=scores.history)  # the same aggregate, read once
    plans = satisfaction_watch()
    snapshots = warm_kpis()
    return {
        "churn_warnings_opened": scan.opened,
        "recovered": scan.recovered,
        "won_back": scan.won_back,
        "customers_scored": scores.customers,
        "refresh_seconds": round(scores.seconds, 2),
        "backtest_auc": quality["auc"],
        "lifecycle_changed": stages.changed,
        "improvement_plans_opened": plans.opened,
        "kpi_snapshots": snapshots,
    }


@db_periodic_task(crontab(hour="2", minute="30"))
def nightly_analytics() -> dict[str, Any]:
    return run_nightly()


@db_task()
def refresh_analytics_now() -> dict[str, Any]:
    """The administrator's "refresh now"."""
    return run_nightly()
