"""Demo analytics: churn warnings with retention measures, confirmed churn, a win-back, scores.

Runs the real jobs on the demo's order history (customers silent for six months get their
warnings from the churn scan), then lets the account managers act through the services.
"""

from datetime import timedelta

from django.utils import timezone

from guanxi.analytics.lifecycle import lifecycle_scan
from guanxi.analytics.models import ChurnWarning, ImprovementPlan
from guanxi.analytics.services import (
    churn_confirm,
    churn_scan,
    refresh_scores,
    retention_measure_add,
    satisfaction_watch,
)
from guanxi.analytics.services.churn import CHURN_REASON
from guanxi.core.dictionary import DictionaryLookup
from guanxi.demo.context import DemoContext
from guanxi.orders.services import LineInput, order_create

MEASURES = [
    "电话回访，了解近期采购计划",
    "客户经理上门拜访，赠送新品样品",
    "提供季度返利方案（3%）",
    "邀请参加新品发布会",
    "发送专属优惠报价",
]


def generate_analytics(context: DemoContext) -> None:
    if ChurnWarning.objects.exists() or context.customers == 0:
        return
    rng = context.rng
    churn_scan()
    today = timezone.localdate()
    reasons = [code for code, _label in DictionaryLookup().choices(CHURN_REASON)]
    warnings = list(
        ChurnWarning.objects.filter(customer__account_manager__isnull=False)
        .select_related("customer__account_manager")
        .order_by("pk")
    )
    confirmed = []
    for index, warning in enumerate(warnings):
        manager = warning.customer.account_manager
        assert manager is not None
        if index % 3 != 2:
            for step in range(rng.randint(1, 3)):
                retention_measure_add(
                    actor=manager,
                    warning=warning,
                    measure_date=today - timedelta(days=40 - step * 12),
                    description=rng.choice(MEASURES),
                )
        if index % 4 == 3:
            confirmed.append(
                churn_confirm(actor=manager, warning=warning, reason=rng.choice(reasons))
            )
    # One churned customer came back with a new order: a win-back.
    if confirmed:
        won = confirmed[0]
        manager = won.customer.account_manager
        assert manager is not None
        order_create(
            actor=manager,
            customer=won.customer,
            order_date=today,
            lines=[LineInput(quantity=1, unit_price="8800.00", description="回购订单")],
        )
    refresh_scores()
    lifecycle_scan()
    satisfaction_watch()
    context.counts["churn warnings"] = ChurnWarning.objects.count()
    context.counts["improvement plans"] = ImprovementPlan.objects.count()
