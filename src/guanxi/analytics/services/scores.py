"""Compute and store every customer's scores: RFM, CLV, churn risk and value tier.

The order history is aggregated in the database (one row per customer); everything else is
NumPy. A full refresh fits the purchase models and stores the fit with the RFM quintile edges,
so one customer can be re-scored later against the same population.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from guanxi.analytics import clv, rfm
from guanxi.analytics.models import AnalyticsSettings, CustomerScore
from guanxi.analytics.risk import OUTLOOK_WEEKS, RiskInputs, auc, churn_risk
from guanxi.core.bulk import copy_rows
from guanxi.core.dates import day_start, months_before
from guanxi.customers.models import Customer
from guanxi.orders.models import Order
from guanxi.service.models import ServiceRequest

# Orders that count as purchases: placed and not cancelled.
EPOCH = dt.date(2000, 1, 1)


def _day_number(column: str) -> str:
    """SQL for a date column as whole days since EPOCH, on either database."""
    if connection.vendor == "postgresql":
        return f"({column} - DATE '{EPOCH.isoformat()}')"
    return f"CAST(julianday({column}) - julianday('{EPOCH.isoformat()}') AS INTEGER)"


def rfm_rows(today: dt.date, customer_id: int | None = None) -> list[tuple]:
    """One row per customer with purchases up to ``today``: first and last purchase day (days
    since EPOCH), purchase days, total spend, first day's spend, spend in the last 365 days and
    in the 365 days before those."""
    order = Order._meta.db_table
    only_one = "AND customer_id = %s" if customer_id is not None else ""
    statuses = ", ".join(["%s"] * len(Order.SALE_STATUSES))
    # Grouped by customer and day, each day knowing its customer's first day (a window over
    # the groups), then by customer: on PostgreSQL one ordered pass over the covering index
    # (customer, day) that never holds the ten million days in memory.
    sql = f"""
        WITH days AS (
            SELECT customer_id, order_date, SUM(total) AS spend,
                   MIN(order_date) OVER (PARTITION BY customer_id) AS first_date
            FROM {order}
            WHERE status IN ({statuses}) AND order_date <= %s {only_one}
            GROUP BY customer_id, order_date
        )
        SELECT customer_id,
               {_day_number("MIN(first_date)")},
               {_day_number("MAX(order_date)")},
               COUNT(*),
               CAST(SUM(spend) AS DOUBLE PRECISION),
               CAST(SUM(CASE WHEN order_date = first_date THEN spend ELSE 0 END)
                    AS DOUBLE PRECISION),
               CAST(SUM(CASE WHEN order_date > %s THEN spend ELSE 0 END) AS DOUBLE PRECISION),
               CAST(SUM(CASE WHEN order_date > %s AND order_date <= %s THEN spend ELSE 0 END)
                    AS DOUBLE PRECISION)
        FROM days
        GROUP BY customer_id
    """
    only = [customer_id] if customer_id is not None else []
    year_ago = today - dt.timedelta(days=365)
    two_years_ago = today - dt.timedelta(days=730)
    params: list[Any] = [*Order.SALE_STATUSES, today, *only, year_ago, two_years_ago, year_ago]
    if customer_id is not None:  # one customer's orders: an index lookup, nothing to tune
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    # Its own transaction: the settings below hold for this query only.
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The planner guesses far fewer customer-days than there are and picks hash
            # aggregates that spill to disk; ordered aggregates stream over the index instead.
            cursor.execute("SET LOCAL enable_hashagg = off")
            cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(sql, params)
        return cursor.fetchall()


@dataclass
class History:
    """The aggregated order history, one array entry per customer with a purchase."""

    ids: np.ndarray
    first: np.ndarray  # day numbers
    last: np.ndarray
    days: np.ndarray  # purchase days
    spend: np.ndarray
    first_spend: np.ndarray
    annual: np.ndarray
    prior_annual: np.ndarray  # spend in the 365 days before the last 365
    today: int

    def without(self, ids: list[int]) -> History:
        """The same history without these customers."""
        keep = ~np.isin(self.ids, np.array(ids, dtype=np.int64))
        return History(
            ids=self.ids[keep],
            first=self.first[keep],
            last=self.last[keep],
            days=self.days[keep],
            spend=self.spend[keep],
            first_spend=self.first_spend[keep],
            annual=self.annual[keep],
            prior_annual=self.prior_annual[keep],
            today=self.today,
        )

    def summary(self) -> clv.Summary:
        frequency = self.days - 1.0
        with np.errstate(invalid="ignore", divide="ignore"):
            monetary = np.where(
                frequency > 0, (self.spend - self.first_spend) / np.maximum(frequency, 1), 0.0
            )
        return clv.Summary(
            frequency=frequency,
            recency=(self.last - self.first) / 7.0,
            T=(self.today - self.first) / 7.0,
            monetary=monetary,
        )


def read_history(today: dt.date, customer_id: int | None = None) -> History:
    rows = rfm_rows(today, customer_id)
    table = np.array(rows, dtype=float).reshape(-1, 8)
    return History(
        ids=table[:, 0].astype(np.int64),
        first=table[:, 1],
        last=table[:, 2],
        days=table[:, 3],
        spend=table[:, 4],
        first_spend=table[:, 5],
        annual=table[:, 6],
        prior_annual=table[:, 7],
        today=(today - EPOCH).days,
    )


def scored_population(today: dt.date) -> History:
    """Every customer's history up to ``today``, archived customers left out: they get no
    scores, so lists, segments and KPIs read the score table without checking customers."""
    archived = Customer.objects.filter(archived_at__isnull=False).values_list("pk", flat=True)
    return read_history(today).without(list(archived))


def _complaints(until: dt.datetime, ids: np.ndarray | None = None) -> dict[int, int]:
    """Complaints per customer in the 365 days before ``until``."""
    requests = ServiceRequest.objects.filter(
        service_type=ServiceRequest.COMPLAINT,
        received_at__gte=until - dt.timedelta(days=365),
        received_at__lt=until,
        customer__isnull=False,
    )
    if ids is not None:
        requests = requests.filter(customer_id__in=ids.tolist())
    rows = requests.order_by().values("customer_id").annotate(n=Count("pk"))
    return {row["customer_id"]: row["n"] for row in rows}


def _satisfaction(ids: np.ndarray | None = None) -> dict[int, float]:
    customers = Customer.objects.filter(satisfaction__in=["1", "2", "3", "4", "5"])
    if ids is not None:
        customers = customers.filter(pk__in=ids.tolist())
    return {pk: float(code) for pk, code in customers.values_list("pk", "satisfaction")}


@dataclass
class Scored:
    """Everything stored for the customers of a History, as arrays."""

    history: History
    r: np.ndarray
    f: np.ndarray
    m: np.ndarray
    segment: np.ndarray
    valuation: clv.Valuation
    risk: np.ndarray
    reasons: list[list[list]]
    tier: np.ndarray


def score_history(history: History, model: dict, config: AnalyticsSettings) -> Scored:
    """Score customers against a fitted ``model`` (see ``fit_model``)."""
    s = history.summary()
    recency = history.today - history.last
    r, f, m = rfm.rfm_scores(recency, history.days, history.spend, model["rfm_edges"])
    bgnbd = clv.BetaGeometricNBD(**model["bgnbd"])
    spend = clv.GammaGamma(**model["gamma_gamma"])
    valuation = clv.value_customers(
        s,
        bgnbd,
        spend,
        horizon_weeks=config.clv_horizon_weeks,
        monthly_discount_rate=float(config.monthly_discount_rate),
    )
    soon = bgnbd.expected_purchases(OUTLOOK_WEEKS, s)
    # The usual days between purchase days; one-time buyers get the population's.
    gaps = np.where(
        s.frequency > 0,
        (history.last - history.first) / np.maximum(s.frequency, 1),
        model["typical_gap_days"],
    )
    until = day_start(EPOCH + dt.timedelta(days=history.today + 1))
    complaints = _complaints(until, history.ids if len(history.ids) < 1000 else None)
    satisfaction = _satisfaction(history.ids if len(history.ids) < 1000 else None)
    risk, reasons = churn_risk(
        RiskInputs(
            p_alive=valuation.p_alive,
            p_order_soon=1 - np.exp(-soon),
            days_since_last=recency,
            typical_gap_days=gaps,
            complaints=np.array([complaints.get(int(pk), 0) for pk in history.ids]),
            satisfaction=np.array([satisfaction.get(int(pk), np.nan) for pk in history.ids]),
        )
    )
    tier = np.where(
        history.annual > float(config.high_value_spend),
        CustomerScore.ValueTier.HIGH,
        np.where(
            history.annual > float(config.medium_value_spend),
            CustomerScore.ValueTier.MEDIUM,
            CustomerScore.ValueTier.LOW,
        ),
    )
    return Scored(history, r, f, m, rfm.segments(r, f, m), valuation, risk, reasons, tier)


def fit_model(history: History) -> dict:
    """Fit BG/NBD and Gamma-Gamma and keep the population figures a single re-score needs."""
    s = history.summary()
    gaps = (history.last - history.first)[s.frequency > 0] / s.frequency[s.frequency > 0]
    bgnbd = clv.fit_bgnbd(s)
    spend = clv.fit_gamma_gamma(s)
    return {
        **clv.fitted(bgnbd, spend),
        "rfm_edges": {
            "r": rfm.quintile_edges(history.today - history.last),
            "f": rfm.quintile_edges(history.days),
            "m": rfm.quintile_edges(history.spend),
        },
        "typical_gap_days": float(np.median(gaps)) if len(gaps) else 90.0,
        "customers": len(history.ids),
        "repeat_customers": int(np.count_nonzero(s.frequency)),
    }


FIELDS = [
    "customer", "first_order_date", "last_order_date", "recency_days", "order_days",
    "total_spend", "annual_spend", "r_score", "f_score", "m_score", "segment", "p_alive",
    "expected_purchases", "expected_spend", "clv", "churn_risk", "churn_reasons", "value_tier",
    "computed_at",
]  # fmt: skip


def _rows(scored: Scored, now: dt.datetime) -> Any:
    h, v = scored.history, scored.valuation
    for i, pk in enumerate(h.ids.tolist()):
        yield (
            pk,
            EPOCH + dt.timedelta(days=int(h.first[i])),
            EPOCH + dt.timedelta(days=int(h.last[i])),
            int(h.today - h.last[i]),
            int(h.days[i]),
            Decimal(f"{h.spend[i]:.2f}"),
            Decimal(f"{h.annual[i]:.2f}"),
            int(scored.r[i]),
            int(scored.f[i]),
            int(scored.m[i]),
            str(scored.segment[i]),
            round(float(v.p_alive[i]), 6),
            round(float(v.expected_purchases[i]), 6),
            round(float(v.expected_spend[i]), 2),
            Decimal(f"{min(v.clv[i], 1e13):.2f}"),
            int(scored.risk[i]),
            json.dumps(scored.reasons[i]),
            str(scored.tier[i]),
            now,
        )


@dataclass
class RefreshResult:
    customers: int
    seconds: float
    model: dict
    history: History  # what was scored (the held-out test reuses it as "since the cut-off")


def refresh_scores(*, today: dt.date | None = None) -> RefreshResult:
    """Re-score every customer with purchases from the whole order history (the nightly job)."""
    started = time.perf_counter()
    today = today or timezone.localdate()
    config = AnalyticsSettings.load()
    now = timezone.now()
    history = scored_population(today)
    if len(history.ids) == 0:
        with transaction.atomic():
            CustomerScore.objects.all().delete()
        return RefreshResult(0, time.perf_counter() - started, {}, history)
    try:
        model = fit_model(history)
    except clv.FitError:
        # Too little history for the purchase models: nothing is scored until there is.
        model = {}
    scored = score_history(history, model, config) if model else None
    with transaction.atomic():
        CustomerScore.objects.all().delete()
        if scored is not None:
            copy_rows(CustomerScore, FIELDS, _rows(scored, now))
        seconds = time.perf_counter() - started
        AnalyticsSettings.objects.filter(pk=config.pk).update(
            refreshed_at=now,
            refresh_seconds=round(seconds, 2),
            scored_customers=len(history.ids) if scored is not None else 0,
            model=model,
        )
    return RefreshResult(len(history.ids) if scored is not None else 0, seconds, model, history)


def rescore_customer(customer: Customer, *, today: dt.date | None = None) -> CustomerScore | None:
    """Score one customer now against the last full refresh's model (on demand, after an
    order); None when no model has been fitted yet or the customer has no purchases."""
    config = AnalyticsSettings.load()
    if not config.model:
        return None
    today = today or timezone.localdate()
    history = read_history(today, customer.pk)
    with transaction.atomic():
        CustomerScore.objects.filter(customer=customer).delete()
        if len(history.ids) == 0 or customer.is_archived:
            return None
        scored = score_history(history, config.model, config)
        row = next(_rows(scored, timezone.now()))
        values = dict(zip(FIELDS, row, strict=True))
        values["customer"] = customer
        values["churn_reasons"] = scored.reasons[0]
        return CustomerScore.objects.create(**values)


def backtest(
    *, today: dt.date | None = None, months: int = 6, current: History | None = None
) -> dict[str, Any]:
    """How well the churn risk ranks churners: score as of ``months`` ago, then see who
    ordered since. Churned = no purchase after the cut-off; the metric is the ROC AUC.
    ``current`` is today's history when the caller has read it already (the nightly job)."""

    today = today or timezone.localdate()
    cutoff = months_before(today, months)
    config = AnalyticsSettings.load()
    before = scored_population(cutoff)
    after = current if current is not None else scored_population(today)
    if len(before.ids) < 10:
        return {"cutoff": cutoff.isoformat(), "customers": len(before.ids), "auc": None}
    try:
        model = fit_model(before)
    except clv.FitError:
        return {"cutoff": cutoff.isoformat(), "customers": len(before.ids), "auc": None}
    scored = score_history(before, model, config)
    last_now = dict(zip(after.ids.tolist(), after.last.tolist(), strict=True))
    cut_day = (cutoff - EPOCH).days
    churned = np.array([last_now.get(int(pk), 0) <= cut_day for pk in before.ids])
    value = auc(scored.risk.astype(float), churned)
    return {
        "cutoff": cutoff.isoformat(),
        "months": months,
        "customers": len(before.ids),
        "churned": int(churned.sum()),
        "auc": round(value, 3) if np.isfinite(value) else None,
    }


def drop_archived_scores(sender: Any, customer: Customer, **kwargs: Any) -> None:
    """Archived customers leave the analytics (a restore scores them again at the next refresh,
    or at once with "Recompute scores")."""
    CustomerScore.objects.filter(customer=customer).delete()
