"""The KPI dashboard: the handbooks' formulas, their definitions, thresholds and trends.

Figures are computed in the viewer's data scope and kept as ``KpiSnapshot`` rows: the nightly
job computes them ahead for every kind of viewer, so the dashboard only reads one row per
period; a viewer may recompute their own at any time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import User
from guanxi.analytics.models import ChurnWarning, CustomerScore, KpiSnapshot
from guanxi.analytics.selectors import in_customer_scope
from guanxi.core.dates import Period, last_months, months_of, named_period
from guanxi.core.roles import DataScope, data_scope
from guanxi.customers.models import Interaction
from guanxi.customers.selectors import monthly_targets, visible_customers
from guanxi.sales.selectors import funnel
from guanxi.service.selectors import dashboard

# Named periods are recomputed when older than this; past months are kept.
FRESH_FOR = dt.timedelta(hours=1)
TREND_MONTHS = 6


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str | Promise
    unit: str  # "%", "h", "d", "" or "CNY"
    definition: str | Promise
    higher_is_better: bool | None = True  # None: no threshold
    good: float | None = None
    warn: float | None = None
    # The figure (of the same computation) that is the target, where it depends on the data:
    # on target at it, off target below half of it.
    target_figure: str | None = None

    def target(self, figures: dict[str, Any] | None = None) -> float | None:
        if self.target_figure and figures and figures.get(self.target_figure) is not None:
            return float(figures[self.target_figure])
        return self.good

    def state(self, value: float | None, figures: dict[str, Any] | None = None) -> str:
        """good / warning / bad / excellent (satisfaction ≥ 4.0) / "" without a threshold."""
        good, warn = self.target(figures), self.warn
        if good is not None and good != self.good:
            warn = good / 2
        if value is None or self.higher_is_better is None or good is None:
            return ""
        warn = warn if warn is not None else good
        if self.higher_is_better:
            if value >= good:
                return "excellent" if self.key == "avg_satisfaction" else "good"
            return "warning" if value >= warn else "bad"
        if value <= good:
            return "good"
        return "warning" if value <= warn else "bad"


KPIS = [
    Kpi(
        "retention_rate", _("Retention rate"), "%",
        _("(Customers at the start − customers lost) ÷ customers at the start × 100 %. At the "
          "start: customers created before the period, not archived and not already churned; "
          "lost: churn confirmed during the period. Industry leaders keep 80–90 %."),
        True, 80, 60,
    ),
    Kpi(
        "churn_rate", _("Churn rate"), "%",
        _("Customers lost ÷ customers at the start × 100 % (the complement of retention)."),
        False, 10, 20,
    ),
    Kpi(
        "complaint_rate", _("Complaint rate"), "%",
        _("Complaints received ÷ customers served (with a service request or an order in the "
          "period) × 100 %. Target: below 5 %."),
        False, 4.9, 4.9,
    ),
    Kpi(
        "avg_first_response", _("Average first response"), "h",
        _("Average working time from receiving a service request to its first response, in "
          "hours, for requests received in the period. Target: 4 hours or less."),
        False, 4, 8,
    ),
    Kpi(
        "sla_attainment", _("SLA attainment"), "%",
        _("Of the requests received in the period and handled, the share that met both the "
          "first-response and the resolution time of their service level."),
        True, 90, 75,
    ),
    Kpi(
        "resolution_rate", _("Resolution rate"), "%",
        _("Requests handled or archived ÷ requests received in the period × 100 %."),
        True, 90, 75,
    ),
    Kpi(
        "avg_satisfaction", _("Average satisfaction"), "",
        _("The average of the customers' feedback scores (1–5) on the requests of the period. "
          "4.0 or more is excellent; below 3.5 opens an improvement plan."),
        True, 4.0, 3.5,
    ),
    Kpi(
        "interactions_per_customer", _("Interactions per customer per month"), "",
        _("Effective interactions in the period ÷ customers ÷ months of the period. Target: "
          "each customer level's monthly communications (2 unless your administrator set "
          "another figure for the level), averaged over the customers; below half of it is "
          "off target."),
        True, 2, 1, target_figure="interactions_target",
    ),
    Kpi(
        "lead_conversion", _("Lead conversion rate"), "%",
        _("Opportunities created in the period that were won ÷ opportunities created in the "
          "period × 100 %."),
        True, 20, 10,
    ),
    Kpi(
        "win_rate", _("Win rate"), "%",
        _("Opportunities won ÷ opportunities won or lost, of those closed in the period."),
        True, 30, 20,
    ),
    Kpi(
        "sales_cycle", _("Sales cycle"), "d",
        _("Average days from creating an opportunity to winning it, for those won in the "
          "period."),
        False, 60, 90,
    ),
    Kpi(
        "average_clv", _("Average CLV"), "CNY",
        _("The average customer lifetime value of the customers with purchases: expected "
          "purchases over the CLV horizon × expected spend, discounted monthly (BG/NBD and "
          "Gamma-Gamma, as of the last analytics refresh)."),
        None,
    ),
]  # fmt: skip
KPI_BY_KEY = {kpi.key: kpi for kpi in KPIS}


def scope_key(actor: User) -> str:
    """Viewers with the same key see the same figures."""
    scope = data_scope(actor)
    if scope is DataScope.ALL:
        return f"{actor.role}:all"
    if scope is DataScope.TEAM and actor.team_id:
        return f"{actor.role}:team:{actor.team_id}"
    return f"{actor.role}:user:{actor.pk}"


def _months_in(period: Period) -> float:
    return max(1.0, ((period.end - period.start).days + 1) / (365.25 / 12))


def compute_kpis(*, actor: User, period: Period) -> dict[str, Any]:
    """Every KPI of ``period`` in the actor's scope, with the counts behind the ratios."""
    customers = visible_customers(actor).filter(archived_at__isnull=True)
    churned_before = ChurnWarning.objects.filter(
        customer=OuterRef("pk"), status=ChurnWarning.Status.CHURNED, closed_at__lt=period.start_at
    ).filter(Q(won_back_at__isnull=True) | Q(won_back_at__gte=period.start_at))
    lost_in_period = ChurnWarning.objects.filter(
        customer=OuterRef("pk"),
        status=ChurnWarning.Status.CHURNED,
        closed_at__gte=period.start_at,
        closed_at__lt=period.end_at,
    )
    base = customers.filter(created_at__lt=period.end_at).aggregate(
        at_start=Count("pk", filter=Q(created_at__lt=period.start_at) & ~Q(Exists(churned_before))),
        lost=Count(
            "pk",
            filter=Q(created_at__lt=period.start_at)
            & ~Q(Exists(churned_before))
            & Q(Exists(lost_in_period)),
        ),
        at_end=Count("pk"),
    )
    at_start, lost = base["at_start"], base["lost"]
    targets = monthly_targets()
    by_level = (
        customers.filter(created_at__lt=period.end_at)
        .order_by()
        .values_list("level")
        .annotate(n=Count("pk"))
    )
    target_sum = sum(targets[level] * n for level, n in by_level)
    interactions = (
        in_customer_scope(Interaction.objects.all(), actor)
        .filter(
            customer__archived_at__isnull=True,
            effective=True,
            occurred_at__gte=period.start_at,
            occurred_at__lt=period.end_at,
        )
        .count()
    )
    values: dict[str, Any] = {
        "customers_at_start": at_start,
        "customers_lost": lost,
        "customers_at_end": base["at_end"],
        "interactions": interactions,
        "retention_rate": _ratio(at_start - lost, at_start),
        "churn_rate": _ratio(lost, at_start),
        "interactions_per_customer": round(interactions / base["at_end"] / _months_in(period), 2)
        if base["at_end"]
        else None,
        "interactions_target": round(target_sum / base["at_end"], 2) if base["at_end"] else None,
    }
    if actor.has_perm("service.view_servicerequest"):
        desk = dashboard(actor=actor, period=period)
        minutes = desk["avg_first_response_minutes"]
        values.update(
            complaint_rate=desk["complaint_rate"],
            complaints=desk["complaints"],
            customers_served=desk["customers_served"],
            avg_first_response=round(minutes / 60, 2) if minutes is not None else None,
            sla_attainment=desk["sla_attainment"],
            resolution_rate=desk["resolution_rate"],
            avg_satisfaction=desk["avg_satisfaction"],
            requests=desk["total"],
            rated=desk["rated"],
        )
    if actor.has_perm("sales.view_opportunity"):
        sales = funnel(actor=actor, period=period)
        values.update(
            lead_conversion=sales["lead_conversion_rate"],
            win_rate=sales["win_rate"],
            sales_cycle=sales["average_cycle_days"],
            opportunities=sales["created"],
            won=sales["won"],
            lost_opportunities=sales["lost"],
        )
    scores = in_customer_scope(CustomerScore.objects.filter(clv__isnull=False), actor)
    clv = scores.aggregate(average=Avg("clv"), total=Sum("clv"))
    values["average_clv"] = round(float(clv["average"]), 2) if clv["average"] is not None else None
    values["total_clv"] = round(float(clv["total"]), 2) if clv["total"] is not None else None
    return values


def _ratio(part: float, whole: float) -> float | None:
    return round(part / whole * 100, 1) if whole else None


def _snapshot(
    actor: User, key: str, period: Period, *, max_age: dt.timedelta | None, force: bool = False
) -> KpiSnapshot:
    scope = scope_key(actor)
    snapshot = KpiSnapshot.objects.filter(scope_key=scope, period_key=key).first()
    now = timezone.now()
    stale = (
        snapshot is None
        or force
        or snapshot.start != period.start
        or snapshot.end != period.end
        or (max_age is not None and now - snapshot.computed_at > max_age)
    )
    if not stale:
        assert snapshot is not None
        return snapshot
    values = compute_kpis(actor=actor, period=period)
    snapshot, _created = KpiSnapshot.objects.update_or_create(
        scope_key=scope,
        period_key=key,
        defaults={"start": period.start, "end": period.end, "values": values, "computed_at": now},
    )
    return snapshot


def _trend_months() -> list[tuple[str, str, Period]]:
    """(label, snapshot key, period) of the trend's months. This month is the named period
    "month" (to date), so its figures are computed and kept once, not twice."""
    this_month, _choice = named_period("month")
    months = []
    for first in last_months(TREND_MONTHS):
        if first == this_month.start:
            months.append((first.strftime("%Y-%m"), "month", this_month))
        else:
            month = months_of(Period(first, first + dt.timedelta(days=31)))[0]
            months.append((first.strftime("%Y-%m"), first.strftime("%Y-%m"), month))
    return months


def kpi_dashboard(*, actor: User, period_choice: str | None, force: bool = False) -> dict:
    """The dashboard's figures: each KPI with value, state, definition and monthly trend."""
    period, choice = named_period(period_choice)
    current = _snapshot(actor, choice, period, max_age=FRESH_FOR, force=force)
    trend = [
        (
            label,
            current.values
            if key == choice
            else _snapshot(
                actor,
                key,
                month,
                max_age=FRESH_FOR if key == "month" else None,
                force=force and key == "month",
            ).values,
        )
        for label, key, month in _trend_months()
    ]
    values = current.values
    shown = [kpi for kpi in KPIS if kpi.key in values]
    return {
        "period": {"key": choice, "start": period.start.isoformat(), "end": period.end.isoformat()},
        "as_of": current.computed_at.isoformat(),
        "figures": values,
        "kpis": [
            {
                "key": kpi.key,
                "label": str(kpi.label),
                "unit": kpi.unit,
                "value": values.get(kpi.key),
                "state": kpi.state(values.get(kpi.key), values),
                "target": kpi.target(values),
                "definition": str(kpi.definition),
                # A threshold-free figure (CLV) is as of the last refresh, not per month.
                "trend": [{"month": label, "value": month.get(kpi.key)} for label, month in trend]
                if kpi.higher_is_better is not None
                else [],
            }
            for kpi in shown
        ],
    }


def warm_kpis() -> int:
    """The nightly job: compute every kind of viewer's figures ahead (one viewer per key)."""
    seen: set[str] = set()
    computed = 0
    for user in User.objects.filter(is_active=True).order_by("pk"):
        if not user.has_perm("analytics.view_reports"):
            continue
        key = scope_key(user)
        if key in seen:
            continue
        seen.add(key)
        for choice in ("month", "quarter", "year", "last_year"):
            period, _choice = named_period(choice)
            _snapshot(user, choice, period, max_age=None, force=True)
            computed += 1
        for _label, key, month in _trend_months():
            if key != "month":  # this month was computed with the named periods
                _snapshot(user, key, month, max_age=None)
    return computed
