"""The strategy for each lifecycle stage: what to do with customers there."""

from django.db import transaction

from guanxi.accounts.models import User
from guanxi.analytics.models import LifecycleStrategy
from guanxi.core.audit import audit_update, snapshot
from guanxi.core.errors import require_perm, require_write
from guanxi.core.validation import full_clean

STRATEGY_FIELDS = ["strategy_zh", "strategy_en"]


@transaction.atomic
def lifecycle_strategy_save(
    *, actor: User, stage: str, strategy_zh: str | None = None, strategy_en: str | None = None
) -> LifecycleStrategy:
    """Change the strategy text of ``stage`` (a text left out stays as it is)."""
    require_perm(actor, "analytics.change_lifecyclestrategy")
    require_write(actor)
    strategy = LifecycleStrategy.objects.select_for_update().get(stage=stage)
    before = snapshot(strategy, STRATEGY_FIELDS)
    for name, value in (("strategy_zh", strategy_zh), ("strategy_en", strategy_en)):
        if value is not None:
            setattr(strategy, name, value.strip())
    full_clean(strategy, fields=STRATEGY_FIELDS)
    if snapshot(strategy, STRATEGY_FIELDS) == before:
        return strategy
    strategy.updated_by = actor
    strategy.save()
    audit_update(actor=actor, instance=strategy, before=before)
    return strategy
