"""The customer lifecycle (客户生命周期), derived from the data every night.

potential → new → growing → mature → declining → churned, by this rule (thresholds in the
analytics settings):

- **churned**: churn confirmed (the customer's status is *churned*);
- **declining**: a churn warning is open, or nothing was bought in the last 12 months, or the
  last 12 months' spend fell by the decline percentage or more against the 12 months before;
- **potential**: nothing bought yet — unless a sales opportunity was won for them within the
  "new" months, which makes them **new**;
- **new**: the first purchase was within the "new" months;
- **growing**: nothing was bought in the 12 months before the last 12 (a customer in their
  first years), or the last 12 months' spend rose by the growth percentage or more;
- **mature**: otherwise — spend steady within those bounds.

A stage someone set by hand (with their reason) stays until they clear it; the derived stage is
kept beside it all the same (``Customer.lifecycle_derived``).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.utils import timezone

from guanxi.analytics.models import AnalyticsSettings
from guanxi.analytics.services.scores import EPOCH, History, read_history
from guanxi.core.dates import day_start, months_before
from guanxi.customers.models import Customer
from guanxi.customers.services.lifecycle import customers_lifecycle_derive
from guanxi.sales.models import Opportunity

Stage = Customer.Lifecycle


def derive_stages(history: History, config: AnalyticsSettings, today: dt.date) -> np.ndarray:
    """The stage, from purchases alone, of each customer of ``history`` (they all bought)."""
    new_since = (months_before(today, config.lifecycle_new_months) - EPOCH).days
    grow = 1 + config.lifecycle_growth_percent / 100
    fall = 1 - config.lifecycle_decline_percent / 100
    annual, prior = history.annual, history.prior_annual
    return np.select(
        [
            history.first > new_since,
            annual <= 0,
            (prior > 0) & (annual <= prior * fall),
            (prior <= 0) | (annual >= prior * grow),
        ],
        [Stage.NEW, Stage.DECLINING, Stage.DECLINING, Stage.GROWING],
        default=Stage.MATURE,
    )


def _by_status(stage: str, status: str) -> str:
    if status == Customer.Status.CHURNED:
        return Stage.CHURNED
    if status == Customer.Status.CHURN_WARNING:
        return Stage.DECLINING
    return stage


@dataclass
class LifecycleResult:
    customers: int = 0
    changed: int = 0
    seconds: float = 0.0
    stages: dict[str, int] = field(default_factory=dict)


def lifecycle_scan(
    *, today: dt.date | None = None, history: History | None = None
) -> LifecycleResult:
    """The nightly step: derive every customer's stage and store the ones that changed.

    ``history`` is the order history as of ``today`` when the caller has read it already (the
    nightly job's score refresh has): the aggregate is not run twice."""
    started = time.perf_counter()
    today = today or timezone.localdate()
    config = AnalyticsSettings.load()
    if history is None or history.today != (today - EPOCH).days:
        history = read_history(today)
    from_orders = dict(
        zip(history.ids.tolist(), derive_stages(history, config, today).tolist(), strict=True)
    )
    won = set(_won_recently(config, today))
    changes: dict[int, str] = {}
    counts = dict.fromkeys(Stage.values, 0)
    customers = Customer.objects.filter(archived_at__isnull=True).order_by()
    rows = customers.values_list("pk", "status", "lifecycle_derived").iterator(chunk_size=20000)
    for pk, status, current in rows:
        base = from_orders.get(pk) or (Stage.NEW if pk in won else Stage.POTENTIAL)
        stage = _by_status(base, status)
        counts[stage] += 1
        if stage != current:
            changes[pk] = stage
    customers_lifecycle_derive(changes)
    return LifecycleResult(
        customers=sum(counts.values()),
        changed=len(changes),
        seconds=time.perf_counter() - started,
        stages=counts,
    )


def _won_recently(config: AnalyticsSettings, today: dt.date) -> Any:
    since = day_start(months_before(today, config.lifecycle_new_months) + dt.timedelta(days=1))
    return (
        Opportunity.objects.filter(
            status=Opportunity.Status.SUCCESS, customer__isnull=False, closed_at__gte=since
        )
        .values_list("customer_id", flat=True)
        .distinct()
    )


def explain(customer: Customer, *, today: dt.date | None = None) -> dict[str, Any]:
    """What the rule sees for one customer, as the 360 page shows it: the stage the data gives
    today and the figures it was read from."""
    today = today or timezone.localdate()
    config = AnalyticsSettings.load()
    history = read_history(today, customer.pk)
    if len(history.ids):
        base = str(derive_stages(history, config, today)[0])
        facts: dict[str, Any] = {
            "first_order_date": (EPOCH + dt.timedelta(days=int(history.first[0]))).isoformat(),
            "annual_spend": f"{history.annual[0]:.2f}",
            "prior_annual_spend": f"{history.prior_annual[0]:.2f}",
        }
    else:
        won = _won_recently(config, today).filter(customer_id=customer.pk).exists()
        base = Stage.NEW if won else Stage.POTENTIAL
        facts = {"first_order_date": None, "annual_spend": "0.00", "prior_annual_spend": "0.00"}
    return {
        "stage": _by_status(base, customer.status),
        "new_months": config.lifecycle_new_months,
        "growth_percent": config.lifecycle_growth_percent,
        "decline_percent": config.lifecycle_decline_percent,
        **facts,
    }
