"""Reads of the data dictionary and the audit trail."""

from collections.abc import Mapping
from typing import Any, TypeVar

from django.db.models import Model, Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from guanxi.core.errors import field_error, require_perm
from guanxi.core.filters import AccessFilterSet, AuditFilterSet, filtered
from guanxi.core.models import AccessEntry, AuditEntry, DictCategory, DictItem

M = TypeVar("M", bound=Model)


def locked(queryset: QuerySet[M], pk: int, *, field: str, refusal: str) -> M:
    """One row of ``queryset`` — a scoped selector's — locked until the transaction ends: the
    way every service loads what it changes. Out of the actor's scope, it is refused by name
    (``field``, ``refusal``) and nothing is locked."""
    found = queryset.select_for_update(of=("self",)).filter(pk=pk).first()
    if found is None:
        raise field_error(field, refusal)
    return found


def dictionary(*, include_inactive: bool = False) -> QuerySet[DictCategory]:
    """Every category with its items prefetched, in display order."""
    items = DictItem.objects.all() if include_inactive else DictItem.objects.filter(active=True)
    return DictCategory.objects.prefetch_related(Prefetch("items", queryset=items))


def dict_category_get(*, code: str) -> DictCategory:
    category = DictCategory.objects.filter(code=code).first()
    if category is None:
        raise Http404(_("No such dictionary category."))
    return category


def dict_item_get(*, category: DictCategory, pk: int) -> DictItem:
    item = category.items.filter(pk=pk).first()
    if item is None:
        raise Http404(_("No such dictionary item."))
    return item


def audit_filters(*, actor: Any, data: Mapping[str, Any] | None = None) -> AuditFilterSet:
    """The audit search's FilterSet (administrators and anyone granted ``view_auditentry``)."""
    require_perm(actor, "core.view_auditentry")
    entries = AuditEntry.objects.select_related("actor")
    return AuditFilterSet(data, actor=actor, queryset=entries)


def audit_search(*, actor: Any, filters: Mapping[str, Any] | None = None) -> QuerySet[AuditEntry]:
    """Entries of the whole audit trail matching ``filters``; a bad value is refused by name."""
    return filtered(audit_filters(actor=actor, data=filters))


def access_filters(*, actor: Any, data: Mapping[str, Any] | None = None) -> AccessFilterSet:
    """The read audit's FilterSet (administrators and anyone granted ``view_accessentry``)."""
    require_perm(actor, "core.view_accessentry")
    entries = AccessEntry.objects.select_related("actor")
    return AccessFilterSet(data, actor=actor, queryset=entries)


def access_search(*, actor: Any, filters: Mapping[str, Any] | None = None) -> QuerySet[AccessEntry]:
    return filtered(access_filters(actor=actor, data=filters))


def audit_for_record(*, instance: object) -> QuerySet[AuditEntry]:
    """The history of one record, newest first; callers have already checked access to it."""
    meta = instance._meta  # type: ignore[attr-defined]
    return AuditEntry.objects.select_related("actor").filter(
        model=meta.label_lower,
        object_id=str(instance.pk),  # type: ignore[attr-defined]
    )
