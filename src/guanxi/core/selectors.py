"""Reads of the data dictionary and the audit trail."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from guanxi.core.dates import day_start
from guanxi.core.errors import require_perm
from guanxi.core.models import AuditEntry, DictCategory, DictItem


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


def dict_items(category_code: str) -> QuerySet[DictItem]:
    """The active items of one category, for choice fields in later modules."""
    return DictItem.objects.filter(category__code=category_code, active=True)


def audit_search(
    *,
    actor: object,
    q: str = "",
    model: str = "",
    actor_id: int | None = None,
    action: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEntry]:
    """Search the whole audit trail (administrators and anyone granted ``view_auditentry``)."""
    require_perm(actor, "core.view_auditentry")
    entries = AuditEntry.objects.select_related("actor")
    if q:
        entries = entries.filter(Q(object_repr__icontains=q) | Q(object_id=q))
    if model:
        entries = entries.filter(model=model)
    if actor_id is not None:
        entries = entries.filter(actor_id=actor_id)
    if action:
        entries = entries.filter(action=action)
    # Whole local days as datetime ranges, so the index on ``at`` is used.
    if date_from:
        entries = entries.filter(at__gte=day_start(date_from))
    if date_to:
        entries = entries.filter(at__lt=day_start(date_to + timedelta(days=1)))
    return entries


def audit_for_record(*, instance: object) -> QuerySet[AuditEntry]:
    """The history of one record, newest first; callers have already checked access to it."""
    meta = instance._meta  # type: ignore[attr-defined]
    return AuditEntry.objects.select_related("actor").filter(
        model=meta.label_lower,
        object_id=str(instance.pk),  # type: ignore[attr-defined]
    )


class DictionaryLookup:
    """Codes and labels of the dictionary, loaded once; resolves a code or either label.

    ``categories`` loads only those (one field's check needs one category).
    """

    def __init__(self, categories: Iterable[str] | None = None) -> None:
        self.labels: dict[str, dict[str, str]] = {}
        self._by_text: dict[str, dict[str, str]] = {}
        items = DictItem.objects.filter(active=True).select_related("category")
        if categories is not None:
            items = items.filter(category__code__in=list(categories))
        for item in items.order_by("category__code", "order", "code"):
            category = item.category.code
            self.labels.setdefault(category, {})[item.code] = item.label
            index = self._by_text.setdefault(category, {})
            for text in (item.code, item.label_en, item.label_zh):
                index.setdefault(text.strip().lower(), item.code)

    def resolve(self, category: str, value: str) -> str | None:
        """The item code for ``value`` (a code, an English or a Chinese label), or None."""
        return self._by_text.get(category, {}).get(str(value).strip().lower())

    def code(self, category: str, value: object) -> str:
        """The code for ``value`` ("" for blank); ``ValidationError`` naming the choices."""
        text = "" if value is None else str(value).strip()
        if not text:
            return ""
        code = self.resolve(category, text)
        if code is None:
            raise ValidationError(
                _("“%(value)s” is not in the dictionary. Choose from: %(choices)s.")
                % {"value": text, "choices": ", ".join(self.labels.get(category, {}).values())}
            )
        return code

    def label(self, category: str, code: str) -> str:
        return self.labels.get(category, {}).get(code, code)

    def choices(self, category: str) -> list[tuple[str, str]]:
        return list(self.labels.get(category, {}).items())


_lookup_in_use: ContextVar[DictionaryLookup | None] = ContextVar("dictionary", default=None)


@contextmanager
def dictionary_in_use(lookup: DictionaryLookup | None = None) -> Iterator[DictionaryLookup]:
    """Dictionary fields checked inside this block share one lookup (one query in all).

    An import holds one for its whole file; ``full_clean`` through ``core.validation`` holds
    one per record. Nested blocks keep the outer lookup.
    """
    outer = _lookup_in_use.get()
    if outer is not None and lookup is None:
        yield outer
        return
    token = _lookup_in_use.set(lookup or DictionaryLookup())
    try:
        yield _lookup_in_use.get()  # type: ignore[misc]
    finally:
        _lookup_in_use.reset(token)


def current_lookup(category: str) -> DictionaryLookup:
    """The lookup in use, or a fresh one of ``category`` alone."""
    return _lookup_in_use.get() or DictionaryLookup([category])
