"""Writes to the data dictionary. Protected (non-editable) items cannot change or go away."""

from django.db import transaction
from django.utils.translation import gettext as _

from guanxi.core.audit import audit_create, audit_delete, audit_update, snapshot
from guanxi.core.errors import field_error, require_perm
from guanxi.core.models import DictCategory, DictItem

ITEM_FIELDS = ("code", "label_en", "label_zh", "order", "active")


def _check_editable(item: DictItem) -> None:
    if not item.editable:
        raise field_error(
            "editable",
            _("“%(item)s” is a protected item and cannot be changed or deleted.")
            % {"item": item.label},
        )


@transaction.atomic
def dict_item_create(
    *,
    actor: object,
    category: DictCategory,
    code: str,
    label_en: str,
    label_zh: str,
    order: int = 0,
    active: bool = True,
) -> DictItem:
    require_perm(actor, "core.add_dictitem")
    if not category.editable:
        raise field_error(
            "category",
            _("Items cannot be added to the category “%(category)s”.")
            % {"category": category.label},
        )
    item = DictItem(
        category=category,
        code=code.strip(),
        label_en=label_en.strip(),
        label_zh=label_zh.strip(),
        order=order,
        active=active,
    )
    item.full_clean()
    item.save()
    audit_create(actor=actor, instance=item)
    return item


@transaction.atomic
def dict_item_update(*, actor: object, item: DictItem, **changes: object) -> DictItem:
    require_perm(actor, "core.change_dictitem")
    unknown = set(changes) - set(ITEM_FIELDS)
    if unknown:
        raise TypeError(f"dict_item_update() got unknown fields: {sorted(unknown)}")
    _check_editable(item)
    before = snapshot(item)
    for name, value in changes.items():
        setattr(item, name, value.strip() if isinstance(value, str) else value)
    item.full_clean()
    item.save()
    audit_update(actor=actor, instance=item, before=before)
    return item


@transaction.atomic
def dict_item_delete(*, actor: object, item: DictItem) -> None:
    require_perm(actor, "core.delete_dictitem")
    _check_editable(item)
    audit_delete(actor=actor, instance=item)
    item.delete()
