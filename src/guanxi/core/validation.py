"""How services judge a record before saving it: the model's own rules, once.

Field rules live on the model (``guanxi.core.fields``, Django validators, ``Model.clean``).
A create or update service sets the given values on the instance and calls :func:`full_clean`;
the errors come back keyed by field, in the user's language, and the page, the API and the
import show the same words for the same mistake.
"""

from collections.abc import Iterable
from functools import cache
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from guanxi.core.dictionary import dictionary_in_use


def full_clean(instance: models.Model, *, fields: Iterable[str] | None = None) -> None:
    """Run the model's field rules and ``clean()`` — on every field, or on ``fields`` only.

    Checking only the fields an update touches lets a record with an old, now-invalid value
    elsewhere still be edited. Uniqueness and constraints are the services' own refusals (with
    messages that name the clash), so they are not checked here.
    """
    exclude = None
    if fields is not None:
        given = set(fields)
        exclude = {field.name for field in instance._meta.fields if field.name not in given}
    with dictionary_in_use():
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


def clean_values(
    model: type[models.Model], values: dict[str, Any], *, required: Iterable[str] = ()
) -> dict[str, Any]:
    """Each value cleaned by its model field, without making an instance (the bulk path).

    ``required`` names fields that must be present and not empty. All the errors at once.
    """
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    fields = _fields(model)
    for name in required:
        if values.get(name) in (None, ""):
            errors[name] = [str(fields[name].error_messages["blank"])]
    with dictionary_in_use():
        for name, value in values.items():
            if name in errors:
                continue
            try:
                cleaned[name] = fields[name].clean(value, None)
            except ValidationError as error:
                errors[name] = error.messages
    if errors:
        raise ValidationError(errors)
    return cleaned


@cache
def _fields(model: type[models.Model]) -> dict[str, Any]:
    return {field.name: field for field in model._meta.concrete_fields}
