"""The opportunities and activities sections of the customer 360 view."""

from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.accounts.models import User
from guanxi.core.dictionary import DictionaryLookup
from guanxi.customers.models import Customer
from guanxi.customers.profile import Section, TimelineEvent, register
from guanxi.sales.selectors import activity_list, customer_opportunities


def _opportunities(customer: Customer, actor: User) -> Any:
    return customer_opportunities(actor=actor, customer=customer).order_by("-created_at", "-id")


def build_opportunities(
    customer: Customer, actor: User, lookup: DictionaryLookup
) -> dict[str, Any]:
    return {
        "items": [
            {
                "id": opportunity.pk,
                "number": opportunity.number,
                "summary": opportunity.summary,
                "status": opportunity.status,
                "status_label": opportunity.get_status_display(),
                "amount": str(opportunity.amount),
                "expected_close": (
                    opportunity.expected_close.isoformat() if opportunity.expected_close else None
                ),
                "url": opportunity.get_absolute_url(),
            }
            for opportunity in _opportunities(customer, actor)[:10]
        ]
    }


def opportunity_events(customer: Customer, actor: User, limit: int) -> list[TimelineEvent]:
    return [
        TimelineEvent(
            at=opportunity.closed_at or opportunity.created_at,
            kind="opportunity",
            title=_("Opportunity %(number)s: %(status)s")
            % {"number": opportunity.number, "status": opportunity.get_status_display()},
            detail=opportunity.summary,
            url=opportunity.get_absolute_url(),
        )
        for opportunity in _opportunities(customer, actor)[:limit]
    ]


def _activities(customer: Customer, actor: User) -> Any:
    return activity_list(actor=actor, filters={"customer": customer.pk})


def build_activities(customer: Customer, actor: User, lookup: DictionaryLookup) -> dict[str, Any]:
    now = timezone.now()
    found = _activities(customer, actor)
    rows = list(found.filter(done_at__isnull=True)[:10]) + list(
        found.filter(done_at__isnull=False).order_by("-due_at")[:5]
    )
    return {
        "open": sum(1 for a in rows if a.done_at is None),
        "overdue": sum(1 for a in rows if a.done_at is None and a.due_at < now),
        "items": [
            {
                "id": activity.pk,
                "kind": activity.kind,
                "kind_label": activity.get_kind_display(),
                "subject": activity.subject,
                "due_at": activity.due_at.isoformat(),
                "due_label": timezone.localtime(activity.due_at).strftime("%Y-%m-%d %H:%M"),
                "done": activity.done_at is not None,
                "overdue": activity.is_overdue,
                "assignee": str(activity.assignee),
                "url": activity.get_absolute_url(),
            }
            for activity in rows
        ],
    }


def activity_events(customer: Customer, actor: User, limit: int) -> list[TimelineEvent]:
    done = _activities(customer, actor).filter(done_at__isnull=False).order_by("-done_at")
    return [
        TimelineEvent(
            at=activity.done_at or datetime.now(tz=timezone.get_current_timezone()),
            kind="activity",
            title=f"{activity.get_kind_display()}: {activity.subject}",
            detail=activity.outcome,
            url=activity.get_absolute_url(),
        )
        for activity in done[:limit]
    ]


register(
    Section(
        key="opportunities",
        title=gettext_lazy("Opportunities"),
        template="sales/section_opportunities.html",
        order=50,
        build=build_opportunities,
        timeline=opportunity_events,
        permission="sales.view_opportunity",
    )
)
register(
    Section(
        key="activities",
        title=gettext_lazy("Activities"),
        template="sales/section_activities.html",
        order=55,
        build=build_activities,
        timeline=activity_events,
        permission="sales.view_activity",
    )
)
