"""A list's query parameters, made from its FilterSet: the same names, typed for OpenAPI.

The values reach the list's selector, whose FilterSet judges them with the same words as the
page's filter bar; pydantic only checks their types here.
"""

from datetime import date, datetime
from typing import Any

import django_filters
from django.utils import translation
from ninja import Field, Schema
from pydantic import create_model

TYPES: list[tuple[type, Any]] = [
    (django_filters.BooleanFilter, bool),
    (django_filters.DateTimeFilter, datetime),
    (django_filters.DateFilter, date),
    (django_filters.ModelChoiceFilter, int),
    (django_filters.NumberFilter, int),
    (django_filters.ChoiceFilter, str),
    (django_filters.CharFilter, str),
]


def _python_type(filter_: django_filters.Filter) -> Any:
    for kind, python_type in TYPES:
        if isinstance(filter_, kind):
            return python_type
    return str


def query_schema(
    name: str, filterset: type[django_filters.FilterSet], **extra: Any
) -> type[Schema]:
    """Query parameters named and typed after ``filterset``'s filters, plus ``extra`` (name:
    ``(type, Field(...))``, for parameters that are not filters, such as ``ordering``).

    Filters registered later by other modules (see ``customers.filters.register_filter``) are
    included when this is called after the apps are ready: the API modules are imported then.
    """
    fields: dict[str, Any] = {}
    with translation.override("en"):
        for filter_name, filter_ in filterset.base_filters.items():
            description = str(filter_.label or filter_name)
            choices = filter_.extra.get("choices")
            if choices and not callable(choices):
                description += " (" + ", ".join(str(value) for value, _label in choices) + ")"
            fields[filter_name] = (
                _python_type(filter_) | None,
                Field(None, description=description),
            )
    fields.update(extra)
    return create_model(name, __base__=Schema, **fields)
