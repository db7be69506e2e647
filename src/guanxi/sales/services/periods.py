"""An opportunity's history: how long it spent in each status and stage (the sales cycle)."""

from datetime import datetime

from django.utils import timezone

from guanxi.accounts.models import User
from guanxi.sales.models import Opportunity, OpportunityPeriod


def open_period(opportunity: Opportunity, actor: User | None, now: datetime | None = None) -> None:
    """Close the current history period and open one for the opportunity's status and stage."""
    now = now or timezone.now()
    OpportunityPeriod.objects.filter(opportunity=opportunity, left_at__isnull=True).update(
        left_at=now
    )
    OpportunityPeriod.objects.create(
        opportunity=opportunity,
        status=opportunity.status,
        stage=opportunity.stage,
        entered_at=now,
        changed_by=actor,
    )
