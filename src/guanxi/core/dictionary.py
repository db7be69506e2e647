"""The data dictionary (数据字典) as the code reads it: codes and labels, loaded once."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from guanxi.core.models import DictItem


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


class _Shared:
    """The lookup a block shares, read from the database only when a field first needs it."""

    def __init__(self, lookup: DictionaryLookup | None) -> None:
        self.lookup = lookup

    def get(self) -> DictionaryLookup:
        if self.lookup is None:
            self.lookup = DictionaryLookup()
        return self.lookup


_in_use: ContextVar[_Shared | None] = ContextVar("dictionary", default=None)


@contextmanager
def dictionary_in_use(lookup: DictionaryLookup | None = None) -> Iterator[None]:
    """Dictionary fields checked inside this block share one lookup (one query in all, and none
    if no dictionary field is checked).

    An import holds one for its whole file; ``full_clean`` through ``core.validation`` holds
    one per record. Nested blocks keep the outer lookup.
    """
    if _in_use.get() is not None and lookup is None:
        yield
        return
    token = _in_use.set(_Shared(lookup))
    try:
        yield
    finally:
        _in_use.reset(token)


def current_lookup(category: str) -> DictionaryLookup:
    """The lookup in use, or a fresh one of ``category`` alone."""
    shared = _in_use.get()
    return shared.get() if shared is not None else DictionaryLookup([category])
