"""The effective-communication target of each customer level (每月有效沟通次数)."""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction

from guanxi.accounts.models import User
from guanxi.core.audit import audit_create, audit_update, snapshot
from guanxi.core.errors import require_perm, require_write
from guanxi.core.validation import full_clean
from guanxi.customers.models import DEFAULT_MONTHLY_TARGET, CommunicationTarget


@transaction.atomic
def communication_targets_set(*, actor: User, targets: Mapping[str, int]) -> int:
    """Set the monthly target of each level given (a level or label → communications a month);
    levels left out keep theirs. Every value is checked before any is stored: a bad one raises
    ``ValidationError`` keyed by the level as it was given. Returns how many changed."""
    require_perm(actor, "customers.change_communicationtarget")
    require_write(actor)
    errors: dict[str, list[str]] = {}
    checked: list[CommunicationTarget] = []
    for given, per_month in targets.items():
        target = CommunicationTarget(level=given, per_month=per_month)
        try:
            full_clean(target, fields=["level", "per_month"])
        except ValidationError as error:
            errors[given] = [m for messages in error.message_dict.values() for m in messages]
        else:
            checked.append(target)
    if errors:
        raise ValidationError(errors)
    existing = {
        row.level: row
        for row in CommunicationTarget.objects.select_for_update().filter(
            level__in=[target.level for target in checked]
        )
    }
    changed = 0
    for target in checked:
        row = existing.get(target.level)
        if row is None and target.per_month == DEFAULT_MONTHLY_TARGET:
            continue  # the default already applies
        if row is None:
            target.updated_by = actor
            target.save()
            audit_create(actor=actor, instance=target)
        elif row.per_month != target.per_month:
            before = snapshot(row, ["per_month"])
            row.per_month, row.updated_by = target.per_month, actor
            row.save()
            audit_update(actor=actor, instance=row, before=before)
        else:
            continue
        changed += 1
    return changed
