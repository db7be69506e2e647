"""The analytics sections of the customer 360 view: the lifecycle stage with its strategy,
and the scores (RFM, CLV, churn risk, value tier, churn)."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.accounts.models import User
from guanxi.analytics.lifecycle import explain
from guanxi.analytics.models import CustomerScore, LifecycleStrategy
from guanxi.analytics.risk import describe
from guanxi.core.dictionary import DictionaryLookup
from guanxi.core.roles import can_write
from guanxi.customers.models import Customer
from guanxi.customers.profile import Section, TimelineEvent, register


def score_data(score: CustomerScore | None) -> dict[str, Any] | None:
    """A stored score as the API and the page show it."""
    if score is None:
        return None
    return {
        "segment": score.segment,
        "segment_label": str(score.get_segment_display()) if score.segment else "",
        "r": score.r_score,
        "f": score.f_score,
        "m": score.m_score,
        "value_tier": score.value_tier,
        "value_tier_label": str(score.get_value_tier_display()),
        "annual_spend": str(score.annual_spend),
        "total_spend": str(score.total_spend),
        "last_order_date": score.last_order_date.isoformat() if score.last_order_date else None,
        "recency_days": score.recency_days,
        "order_days": score.order_days,
        "p_alive": score.p_alive,
        "expected_purchases": score.expected_purchases,
        "expected_spend": score.expected_spend,
        "clv": str(score.clv) if score.clv is not None else None,
        "churn_risk": score.churn_risk,
        "churn_reasons": [describe(reason) for reason in score.churn_reasons],
        "computed_at": score.computed_at.isoformat(),
    }


def build_scores(customer: Customer, actor: User, lookup: DictionaryLookup) -> dict[str, Any]:
    score = CustomerScore.objects.filter(customer=customer).first()
    warnings = list(customer.churn_warnings.order_by("-opened_at", "-id")[:5])
    return {
        "score": score_data(score),
        "churn_warnings": [
            {
                "id": warning.pk,
                "status": warning.status,
                "status_label": str(warning.get_status_display()),
                "opened_at": warning.opened_at.isoformat(),
                "last_order_date": warning.last_order_date.isoformat(),
                "reason_label": lookup.label("churn_reason", warning.reason)
                if warning.reason
                else "",
                "won_back_at": warning.won_back_at.isoformat() if warning.won_back_at else None,
                "url": warning.get_absolute_url(),
            }
            for warning in warnings
        ],
    }


def build_lifecycle(customer: Customer, actor: User, lookup: DictionaryLookup) -> dict[str, Any]:
    """The stage in force, where it comes from (the data's figures, or who set it and why),
    and what to do at it."""
    stages = dict(Customer.Lifecycle.choices)
    strategy = LifecycleStrategy.objects.filter(stage=customer.lifecycle_stage).first()
    set_by = customer.lifecycle_set_by
    return {
        "stage": customer.lifecycle_stage,
        "stage_label": str(stages.get(customer.lifecycle_stage, "")),
        "derived": customer.lifecycle_derived,
        "derived_label": str(stages.get(customer.lifecycle_derived, "")),
        "set_by_hand": customer.lifecycle_overridden,
        "set_by": set_by.display_name if set_by else "",
        "set_at": customer.lifecycle_set_at.isoformat() if customer.lifecycle_set_at else None,
        "reason": customer.lifecycle_reason,
        "strategy": strategy.strategy if strategy else "",
        "stages": [
            {"stage": stage, "label": str(label), "current": stage == customer.lifecycle_stage}
            for stage, label in Customer.Lifecycle.choices
        ],
        "figures": explain(customer),
        "version": customer.version,
        "may_set": actor.has_perm("customers.change_customer")
        and can_write(actor)
        and not customer.is_archived,
        "may_edit_strategy": actor.has_perm("analytics.change_lifecyclestrategy")
        and can_write(actor),
    }


def churn_events(customer: Customer, actor: User, limit: int) -> list[TimelineEvent]:
    events = []
    for warning in customer.churn_warnings.order_by("-opened_at")[:limit]:
        events.append(
            TimelineEvent(
                at=warning.opened_at,
                kind="churn",
                title=_("Churn warning: no order since %(date)s")
                % {"date": warning.last_order_date.isoformat()},
                detail="",
                url=warning.get_absolute_url(),
            )
        )
        if warning.closed_at:
            events.append(
                TimelineEvent(
                    at=warning.closed_at,
                    kind="churn",
                    title=_("Churn warning closed: %(status)s")
                    % {"status": warning.get_status_display()},
                    detail="",
                    url=warning.get_absolute_url(),
                )
            )
    return events


register(
    Section(
        key="lifecycle",
        title=gettext_lazy("Lifecycle"),
        template="analytics/section_lifecycle.html",
        order=12,
        build=build_lifecycle,
    )
)
register(
    Section(
        key="scores",
        title=gettext_lazy("Scores and churn"),
        template="analytics/section_scores.html",
        order=15,
        build=build_scores,
        timeline=churn_events,
        permission="analytics.view_customerscore",
    )
)
