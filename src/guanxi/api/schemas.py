"""What the apps' API schemas share: input built from the model, values handed to services.

Input schemas are Ninja ``ModelSchema``s of the model the service writes, so the API's field
names, types and lengths are the model's; the rules behind them are the model's too, judged by
the service's ``full_clean()``.
"""

from typing import Any

from django.db import models
from ninja import Schema
from pydantic import ConfigDict


class Input(Schema):
    """Request bodies: text arrives stripped of surrounding blanks, as forms strip it."""

    model_config = ConfigDict(str_strip_whitespace=True)


def model_values(
    payload: Schema,
    model: type[models.Model],
    *,
    partial: bool,
    exclude: frozenset[str] | set[str] = frozenset(),
) -> dict[str, Any]:
    """The values the caller sent for ``model``'s fields, ready for a service.

    Fields left out are left out (the model's defaults apply to a new record, an update leaves
    them alone). A null sent for a text field clears it in an update (text columns hold no
    NULL) and means "not given" for a new record.
    """
    sent = payload.model_dump(exclude_unset=True, exclude=set(exclude))
    text = {
        field.name
        for field in model._meta.fields
        if isinstance(field, models.CharField | models.TextField) and not field.null
    }
    values: dict[str, Any] = {}
    for name, value in sent.items():
        if value is None and (name in text or not partial):
            if not partial:
                continue
            value = ""
        values[name] = value
    return values
