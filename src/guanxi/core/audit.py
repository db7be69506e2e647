"""The audit trail: every service that writes customer data records the change here."""

import datetime
import decimal
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import models

from guanxi.core.models import AuditEntry

# Never copied into the trail: secrets, and fields that change on every save.
SKIPPED_FIELDS = frozenset({"password", "key_hash", "last_login", "updated_at", "created_at"})


def json_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The instance's concrete field values, JSON-safe, keyed by field name (FKs by ``_id``)."""
    wanted = set(fields) if fields is not None else None
    values: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in SKIPPED_FIELDS or (wanted is not None and field.name not in wanted):
            continue
        values[field.name] = json_value(getattr(instance, field.attname))
    return values


def _entry(
    actor: Any, instance: models.Model, action: str, changes: dict[str, list[Any]]
) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        model=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        changes=changes,
    )


def audit_create(*, actor: Any, instance: models.Model) -> AuditEntry:
    changes = {name: [None, value] for name, value in snapshot(instance).items()}
    return _entry(actor, instance, AuditEntry.Action.CREATE, changes)


def audit_update(
    *, actor: Any, instance: models.Model, before: dict[str, Any]
) -> AuditEntry | None:
    """Record the fields that differ from ``before``; nothing when nothing changed."""
    after = snapshot(instance, before.keys())
    changes = {
        name: [before[name], value] for name, value in after.items() if before[name] != value
    }
    if not changes:
        return None
    return _entry(actor, instance, AuditEntry.Action.UPDATE, changes)


def audit_saved(
    *, actor: Any, instance: models.Model, before: dict[str, Any] | None
) -> AuditEntry | None:
    """Record a save: a creation when there was nothing ``before``, else the changed fields."""
    if before is None:
        return audit_create(actor=actor, instance=instance)
    return audit_update(actor=actor, instance=instance, before=before)


def audit_delete(*, actor: Any, instance: models.Model) -> AuditEntry:
    changes = {name: [value, None] for name, value in snapshot(instance).items()}
    return _entry(actor, instance, AuditEntry.Action.DELETE, changes)


def audit_note(
    *, actor: Any, instance: models.Model, field: str, before: Any, after: Any
) -> AuditEntry:
    """Record a change that is not a plain field value, such as "password reset"."""
    return _entry(actor, instance, AuditEntry.Action.UPDATE, {field: [before, after]})
