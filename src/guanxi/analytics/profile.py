"""The scores section of the customer 360 view: RFM, CLV, churn risk, value tier, churn."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.accounts.models import User
from guanxi.analytics.models import CustomerScore
from guanxi.analytics.risk import describe
from guanxi.core.dictionary import DictionaryLookup
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
        key="scores",
        title=gettext_lazy("Scores and churn"),
        template="analytics/section_scores.html",
        order=15,
        build=build_scores,
        timeline=churn_events,
        permission="analytics.view_customerscore",
    )
)
