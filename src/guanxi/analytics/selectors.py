"""Reads of the analytics, always in the actor's scope: churn warnings, plans, RFM segments."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Avg, Count, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.analytics.filters import ChurnFilterSet
from guanxi.analytics.models import (
    ChurnWarning,
    CustomerScore,
    ImprovementPlan,
    ImprovementTask,
    LifecycleStrategy,
    RetentionMeasure,
)
from guanxi.analytics.rfm import SEGMENT_GRID
from guanxi.core.errors import require_perm
from guanxi.core.filters import filtered
from guanxi.core.roles import DataScope, customer_scope, data_scope, scope_queryset
from guanxi.customers.models import Customer
from guanxi.customers.selectors import visible_customers


def in_customer_scope(queryset: QuerySet, actor: User, customer: str = "customer") -> QuerySet:
    """Rows whose customer the actor may see: the customers' own scope rule, applied through
    the relation (no customer list at all for those who see everyone)."""
    return scope_queryset(
        queryset, actor, owner_field=f"{customer}__account_manager", scope=customer_scope(actor)
    )


def visible_churn_warnings(actor: User) -> QuerySet[ChurnWarning]:
    require_perm(actor, "analytics.view_churnwarning")
    require_perm(actor, "customers.view_customer")
    return in_customer_scope(ChurnWarning.objects.all(), actor)


def churn_list(*, actor: User, filters: Mapping[str, Any] | None = None) -> QuerySet[ChurnWarning]:
    """The warnings ``actor`` may see that match ``filters``; a bad value is refused by name."""
    warnings = visible_churn_warnings(actor).select_related(
        "customer__account_manager", "customer__score"
    )
    return filtered(ChurnFilterSet(filters, actor=actor, queryset=warnings))


def measure_counts(warnings: list[ChurnWarning]) -> dict[int, int]:
    """Retention measures per warning, for the warnings of one page."""
    rows = (
        RetentionMeasure.objects.filter(warning__in=[w.pk for w in warnings])
        .values("warning")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["warning"]: row["n"] for row in rows}


def churn_counts(*, actor: User) -> dict[str, int]:
    counts = visible_churn_warnings(actor).order_by().values("status").annotate(n=Count("pk"))
    found = {row["status"]: row["n"] for row in counts}
    return {status: found.get(status, 0) for status in ChurnWarning.Status.values}


def churn_get(*, actor: User, pk: int) -> ChurnWarning:
    warning = (
        visible_churn_warnings(actor)
        .select_related("customer__account_manager", "customer__score", "closed_by")
        .prefetch_related(
            Prefetch("measures", RetentionMeasure.objects.select_related("created_by"))
        )
        .filter(pk=pk)
        .first()
    )
    if warning is None:
        raise Http404(_("No such churn warning."))
    return warning


def visible_plans(actor: User) -> QuerySet[ImprovementPlan]:
    """Company plans for everyone who may see plans; team plans for the team (or all);
    customer plans for whoever sees the customer."""
    require_perm(actor, "analytics.view_improvementplan")
    plans = ImprovementPlan.objects.all()
    if data_scope(actor) is DataScope.ALL:
        return plans
    return plans.filter(
        Q(subject=ImprovementPlan.Subject.COMPANY)
        | Q(subject=ImprovementPlan.Subject.TEAM, team_id=actor.team_id)
        | Q(pk__in=in_customer_scope(plans.filter(customer__isnull=False), actor).values("pk"))
    )


def plan_list(*, actor: User, status: str = "") -> QuerySet[ImprovementPlan]:
    plans = visible_plans(actor).select_related("team", "customer", "owner")
    if status:
        plans = plans.filter(status=status)
    return plans.annotate(
        task_count=Count("tasks"), done_count=Count("tasks", filter=Q(tasks__done_at__isnull=False))
    )


def plan_get(*, actor: User, pk: int) -> ImprovementPlan:
    plan = (
        visible_plans(actor)
        .select_related("team", "customer", "owner", "closed_by")
        .prefetch_related(Prefetch("tasks", ImprovementTask.objects.select_related("assignee")))
        .filter(pk=pk)
        .first()
    )
    if plan is None:
        raise Http404(_("No such improvement plan."))
    return plan


def task_get(*, actor: User, plan: ImprovementPlan, pk: int) -> ImprovementTask:
    task = plan.tasks.filter(pk=pk).select_related("plan").first()
    if task is None:
        raise Http404(_("No such task."))
    return task


def visible_scores(actor: User) -> QuerySet[CustomerScore]:
    require_perm(actor, "analytics.view_customerscore")
    require_perm(actor, "customers.view_customer")
    # Archived customers have no scores (the refresh leaves them out).
    return in_customer_scope(CustomerScore.objects.all(), actor)


def rfm_segments(*, actor: User) -> dict[str, Any]:
    """Customers per RFM segment with their spend and CLV, and the R × F grid counts."""
    scores = visible_scores(actor)
    by_segment: dict[str, dict[str, Any]] = {
        row["segment"]: dict(row)
        for row in scores.exclude(segment="")
        .order_by()
        .values("segment")
        .annotate(
            customers=Count("pk"),
            spend=Sum("annual_spend"),
            clv=Sum("clv"),
            risk=Avg("churn_risk"),
        )
    }
    segments = []
    for code, label in CustomerScore.Segment.choices:
        row = by_segment.get(code, {})
        grid = next(cell for cell in SEGMENT_GRID if cell[0] == code)
        segments.append(
            {
                "segment": code,
                "label": str(label),
                "customers": row.get("customers", 0),
                "annual_spend": str(row.get("spend") or 0),
                "clv": str(row.get("clv") or 0),
                "average_churn_risk": round(float(row["risk"]), 1) if row.get("risk") else None,
                "r": [grid[1], grid[2]],
                "fm": [grid[3], grid[4]],
            }
        )
    tiers = {
        row["value_tier"]: row["n"]
        for row in scores.order_by().values("value_tier").annotate(n=Count("pk"))
    }
    return {
        "segments": segments,
        "value_tiers": [
            {"tier": code, "label": str(label), "customers": tiers.get(code, 0)}
            for code, label in CustomerScore.ValueTier.choices
        ],
        "scored": sum(tiers.values()),
    }


def lifecycle_overview(*, actor: User) -> list[dict[str, Any]]:
    """Each stage in order: its strategy and how many of the customers ``actor`` sees (not
    archived) are at it, and how many of those were set there by hand."""
    rows = (
        visible_customers(actor)
        .filter(archived_at__isnull=True)
        .order_by()
        .values("lifecycle_stage")
        .annotate(n=Count("pk"), by_hand=Count("pk", filter=Q(lifecycle_set_at__isnull=False)))
    )
    counts: dict[str, tuple[int, int]] = {
        row["lifecycle_stage"]: (row["n"], row["by_hand"]) for row in rows
    }
    strategies = {s.stage: s for s in LifecycleStrategy.objects.select_related("updated_by")}
    return [
        {
            "stage": stage,
            "label": str(label),
            "customers": counts.get(stage, (0, 0))[0],
            "set_by_hand": counts.get(stage, (0, 0))[1],
            "strategy": strategies.get(stage),
        }
        for stage, label in Customer.Lifecycle.choices
    ]
