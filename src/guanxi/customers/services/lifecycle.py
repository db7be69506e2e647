"""Writes to a customer's lifecycle stage: the nightly derivation, and a stage set by hand.

The rule that derives the stage lives with the data it reads (``analytics.lifecycle``); here
are the writes, which own the version bump, the audit row and the refusals.
"""

from collections import defaultdict
from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.core.audit import audit_update, snapshot
from guanxi.core.errors import field_error, require_perm, require_write
from guanxi.core.validation import full_clean
from guanxi.customers.models import Customer
from guanxi.customers.selectors import customer_for_update
from guanxi.customers.services.customers import (
    BULK_CHUNK,
    EditConflict,
    changes_since,
    move_customers,
)

OVERRIDE_FIELDS = ["lifecycle_stage", "lifecycle_set_by", "lifecycle_set_at", "lifecycle_reason"]


def customers_lifecycle_derive(changes: Mapping[int, str]) -> int:
    """Store newly derived stages (customer id → stage), a few queries per 2,000 customers.

    A customer whose stage nobody set by hand moves to it: version bumped, one audit entry
    each. One set by hand keeps its stage; only the derived one beside it changes.
    Returns how many customers' stage in force moved.
    """
    by_stage: dict[str, list[int]] = defaultdict(list)
    for pk, stage in changes.items():
        Customer._meta.get_field("lifecycle_derived").clean(stage, None)
        by_stage[stage].append(pk)
    moved = 0
    now = timezone.now()
    for stage, ids in by_stage.items():
        ids.sort()
        for start in range(0, len(ids), BULK_CHUNK):
            chunk = ids[start : start + BULK_CHUNK]
            with transaction.atomic():
                rows = list(
                    Customer.objects.select_for_update()
                    .filter(pk__in=chunk, lifecycle_set_at__isnull=True)
                    .exclude(lifecycle_stage=stage)
                    .values_list("pk", "name", "lifecycle_stage", "version")
                )
                Customer.objects.filter(pk__in=chunk).update(lifecycle_derived=stage)
                move_customers(rows, "lifecycle_stage", stage, now)
                moved += len(rows)
    return moved


@transaction.atomic
def customer_lifecycle_set(
    *,
    actor: User,
    customer: Customer,
    stage: str | None,
    reason: str = "",
    version: int | None = None,
) -> Customer:
    """Set the stage by hand, with the reason (kept until cleared), or clear it (``stage``
    None or empty): the stage the data gives is in force again."""
    require_perm(actor, "customers.change_customer")
    require_write(actor)
    locked = customer_for_update(actor=actor, pk=customer.pk)
    if locked.is_archived:
        raise field_error("archived_at", _("Restore this customer before changing it."))
    if version is not None and version != locked.version:
        raise EditConflict(locked, changes_since(locked, version))
    before = snapshot(locked, [*OVERRIDE_FIELDS, "version"])
    if stage:
        reason = (reason or "").strip()
        if not reason:
            raise field_error("reason", _("Say why the stage differs from what the data shows."))
        locked.lifecycle_stage = stage
        locked.lifecycle_reason = reason
        full_clean(locked, fields=["lifecycle_stage", "lifecycle_reason"])
        locked.lifecycle_set_by, locked.lifecycle_set_at = actor, timezone.now()
    else:
        if not locked.lifecycle_overridden:
            raise field_error("stage", _("The stage was not set by hand."))
        locked.lifecycle_stage = locked.lifecycle_derived
        locked.lifecycle_set_by, locked.lifecycle_set_at, locked.lifecycle_reason = None, None, ""
    locked.version += 1
    locked.save(update_fields=[*OVERRIDE_FIELDS, "version", "updated_at"])
    audit_update(actor=actor, instance=locked, before=before)
    return locked
