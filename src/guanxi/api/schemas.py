"""What the apps' API schemas share: input built from the model, values handed to services.

Input schemas are Ninja ``ModelSchema``s of the model the service writes, so the API's field
names, types and lengths are the model's; the rules behind them are the model's too, judged by
the service's ``full_clean()``.
"""

from typing import Annotated, Any

from django.db import models
from ninja import Schema
from pydantic import ConfigDict, Field

# An id as the database stores it (a 64-bit integer): a larger one is refused by name (422)
# instead of reaching the database.
RecordId = Annotated[int, Field(ge=1, le=2**63 - 1)]


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

    A new record (``partial=False``) takes the schema's defaults for what was left out, and a
    null means "not given" (the model's default applies). An update (``partial``) gets only
    the fields sent; a null sent for a text field clears it (text columns hold no NULL).
    """
    sent = payload.model_dump(exclude_unset=partial, exclude=set(exclude))
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
