"""How lists are filtered: one django-filter FilterSet per list, used by its page, the API and
the export alike.

A list's selector makes its FilterSet over the rows the actor may see (the scope is decided
before any filter), so a filter can narrow the scope but never widen it. The page renders the
FilterSet's form and ignores a filter it shows an error for; the API and the export refuse it
(``filtered``), naming the parameter.
"""

import operator
from collections.abc import Mapping
from datetime import timedelta
from functools import partial, reduce
from typing import Any

import django_filters
from django import forms
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from guanxi.core.dates import day_start
from guanxi.core.dictionary import DictionaryLookup
from guanxi.core.forms import DateInput
from guanxi.core.models import AccessEntry, AuditEntry


class ScopedFilterSet(django_filters.FilterSet):
    """A FilterSet made for one actor; always bound, so its defaults apply with no filter set.

    ``dictionary`` maps filter names to dictionary categories: their choices are the
    dictionary's items, read once for the whole form and only when a value is given or the
    form is shown (filtering a customer's requests reads no dictionary).
    """

    dictionary: dict[str, str] = {}

    def __init__(
        self,
        data: Mapping[str, Any] | None,
        *,
        actor: Any,
        queryset: QuerySet,
        lookup: DictionaryLookup | None = None,
        **kwargs: Any,
    ) -> None:
        self.actor = actor
        self.lookup = lookup
        super().__init__(_plain(data), queryset=queryset, **kwargs)
        for name, category in self.dictionary.items():
            self.filters[name].extra["choices"] = partial(self._dictionary_choices, category)

    def _dictionary_choices(self, category: str) -> list[tuple[str, str]]:
        if self.lookup is None:
            self.lookup = DictionaryLookup()
        return self.lookup.choices(category)


def _plain(data: Mapping[str, Any] | None) -> Any:
    """Request data as it is (a QueryDict), or a dict of the API's typed values without the
    ones left out (None)."""
    if data is None:
        return {}
    if hasattr(data, "getlist"):
        return data
    return {name: value for name, value in data.items() if value is not None}


def filtered(filterset: django_filters.FilterSet) -> QuerySet:
    """The filtered rows; a filter with a bad value is refused, by name and message."""
    if not filterset.is_valid():
        raise ValidationError(filterset.form.errors.as_data())
    return filterset.qs


class DayFromFilter(django_filters.DateFilter):
    """From the start of a local day: a range on the timestamp, so its index is used."""

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__gte": day_start(value)})


class DayToFilter(django_filters.DateFilter):
    """Up to the end of a local day."""

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__lt": day_start(value + timedelta(days=1))})


class _TickField(forms.NullBooleanField):
    widget = forms.CheckboxInput

    def to_python(self, value: Any) -> bool | None:  # type: ignore[override]
        # Unticked is "no filter" (None), not a False to filter by.
        return True if super().to_python(value) else None


class CheckboxFilter(django_filters.BooleanFilter):
    """A tick box: ticked filters, unticked (or ``false`` in the API) does not."""

    field_class = _TickField


class ActiveFilter(django_filters.BooleanFilter):
    """Active, inactive or both, as users and products offer it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Status"))
        kwargs.setdefault(
            "widget",
            forms.Select(
                choices=[
                    ("", _("Active and inactive")),
                    ("true", _("Active")),
                    ("false", _("Inactive")),
                ]
            ),
        )
        super().__init__(*args, **kwargs)


class SearchFilter(django_filters.CharFilter):
    """``q``: the text in any of ``lookups`` (``"name__icontains"``, ``"code__iexact"`` …)."""

    def __init__(self, *lookups: str, **kwargs: Any) -> None:
        self.lookups = lookups
        kwargs.setdefault("label", _("Search"))
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "search"}))
        super().__init__(**kwargs)

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        text = (value or "").strip()
        if not text:
            return qs
        return qs.filter(reduce(operator.or_, (Q(**{lookup: text}) for lookup in self.lookups)))


class StatusFilter(django_filters.ChoiceFilter):
    """A status, or "open" for any of the ``open`` statuses (the desk's and the pipeline's)."""

    def __init__(self, choices: Any, *, open: tuple[str, ...], **kwargs: Any) -> None:
        self.open = open
        kwargs.setdefault("label", _("Status"))
        kwargs.setdefault("empty_label", _("All statuses"))
        super().__init__(choices=[("open", _("Open")), *choices], **kwargs)

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        if value == "open":
            return qs.filter(status__in=self.open)
        return super().filter(qs, value)


class _AuditForm(forms.Form):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


def audited_models() -> list[tuple[str, str]]:
    """The kinds of record the trail holds entries of, by their names."""
    labels = AuditEntry.objects.order_by().values_list("model", flat=True).distinct()
    choices = []
    for label in labels:
        try:
            name = str(apps.get_model(label)._meta.verbose_name)
        except LookupError:
            name = label
        choices.append((label, name))
    return sorted(choices, key=lambda choice: choice[1])


class AuditFilterSet(ScopedFilterSet):
    """The audit trail's search: its page and ``GET /api/v1/audit``."""

    q = SearchFilter(
        "object_repr__icontains",
        "object_id",
        label=_("Record"),
        widget=forms.TextInput(attrs={"placeholder": _("Name or id of the record")}),
    )
    model = django_filters.ChoiceFilter(
        label=_("Record type"), choices=audited_models, empty_label=_("All types")
    )
    actor = django_filters.ModelChoiceFilter(
        label=_("Changed by"),
        queryset=lambda request: get_user_model().objects.all(),
        empty_label=_("Anyone"),
    )
    action = django_filters.ChoiceFilter(
        label=_("Action"), choices=AuditEntry.Action.choices, empty_label=_("All actions")
    )
    date_from = DayFromFilter(label=_("From"), field_name="at", widget=DateInput)
    date_to = DayToFilter(label=_("To"), field_name="at", widget=DateInput)

    class Meta:
        form = _AuditForm


class AccessFilterSet(ScopedFilterSet):
    """The read audit's search ("who saw"): its page and ``GET /api/v1/audit/reads``."""

    q = SearchFilter(
        "object_repr__icontains",
        "object_id",
        "model",
        label=_("Record"),
        widget=forms.TextInput(attrs={"placeholder": _("Name or id of the record")}),
    )
    actor = django_filters.ModelChoiceFilter(
        label=_("Seen by"),
        queryset=lambda request: get_user_model().objects.all(),
        empty_label=_("Anyone"),
    )
    action = django_filters.ChoiceFilter(
        label=_("Action"), choices=AccessEntry.Action.choices, empty_label=_("All actions")
    )
    date_from = DayFromFilter(label=_("From"), field_name="at", widget=DateInput)
    date_to = DayToFilter(label=_("To"), field_name="at", widget=DateInput)

    class Meta:
        form = _AuditForm
