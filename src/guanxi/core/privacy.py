"""Personal data (个人信息): which fields hold it, masked for those without the right to see
it, and revealed on purpose with a record.

Apps register their models' personal fields here (:func:`register`) from ``AppConfig.ready``:
the customers app its contacts' mobiles and e-mails, individual customers' phones, e-mails and
addresses and every customer's bank account; the service desk its requesters' phones and
e-mails. Someone without ``VIEW_PERSONAL`` sees these masked (138****1234) on every page, in the
API and in exports, and may reveal one record's values: each reveal is in the read audit ("who
saw") with the fields it showed. Everything that shows such a value goes through :func:`shown`
or :func:`masked_fields`, so the rule lives here once.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from guanxi.core.access import record_reveal
from guanxi.core.errors import field_error

VIEW_PERSONAL = "core.view_personal_data"

# Each personal field with how its value is masked: "phone", "email", "address" or "number".
Fields = dict[str, str]


@dataclass(frozen=True)
class Personal:
    pick: Callable[[Any], Fields]
    # Loads one record through the actor's scoped selector (404 when they may not see it).
    get: Callable[[Any, int], models.Model]


REGISTRY: dict[type[models.Model], Personal] = {}


def register(
    model: type[models.Model],
    fields: Fields | Callable[[Any], Fields],
    *,
    get: Callable[[Any, int], models.Model],
) -> None:
    """``model``'s personal fields (a callable picks them per record: an individual
    customer's address is personal, a company's is not) and its scoped getter."""
    pick = fields if callable(fields) else (lambda instance: fields)
    REGISTRY[model] = Personal(pick=pick, get=get)  # type: ignore[arg-type]


def personal_fields(instance: models.Model) -> Fields:
    """The personal fields of this record, each with the kind of mask it takes."""
    entry = REGISTRY.get(type(instance))
    return entry.pick(instance) if entry is not None else {}


def record_for(actor: Any, model_name: str, pk: int) -> models.Model:
    """A registered record by model name (``contact``), loaded as ``actor`` may see it."""
    for model, entry in REGISTRY.items():
        if model._meta.model_name == model_name:
            return entry.get(actor, pk)
    raise Http404(_("No such record."))


def can_see(actor: Any) -> bool:
    return bool(actor.has_perm(VIEW_PERSONAL))


def mask(value: str, kind: str) -> str:
    """138****1234, 010-****6666, z***@example.com, 北京市海淀区****, ****0123."""
    if not value:
        return value
    if kind == "phone":
        digits = [i for i, ch in enumerate(value) if ch.isdigit()]
        if len(digits) < 8:
            return "*" * len(value)
        hidden = set(digits[3:-4])
        return "".join("*" if i in hidden else ch for i, ch in enumerate(value))
    if kind == "email":
        local, _at, domain = value.partition("@")
        return f"{local[:1]}***@{domain}" if domain else "***"
    if kind == "address":
        return f"{value[:6]}****" if len(value) > 6 else "****"
    return f"****{value[-4:]}" if len(value) > 4 else "****"


def masked_fields(actor: Any, instance: models.Model) -> list[str]:
    """The fields of ``instance`` that ``actor`` sees masked (only those with a value)."""
    if can_see(actor):
        return []
    return [name for name in personal_fields(instance) if getattr(instance, name, "")]


def shown(actor: Any, instance: models.Model, field: str) -> str:
    """The value of ``field`` as ``actor`` may see it."""
    value = getattr(instance, field) or ""
    kind = personal_fields(instance).get(field)
    if kind is None or not value or can_see(actor):
        return value
    return mask(value, kind)


def reveal(
    *,
    actor: Any,
    instance: models.Model,
    fields: list[str] | None = None,
    request: HttpRequest | None = None,
) -> dict[str, str]:
    """The real values of ``instance``'s personal ``fields`` (all of them when None), recorded
    as a reveal. The caller has loaded ``instance`` through the actor's scoped selector."""
    personal = personal_fields(instance)
    wanted = fields or list(personal)
    unknown = [name for name in wanted if name not in personal]
    if unknown:
        message = _("Not a personal field of this record: %(fields)s.")
        raise field_error("fields", message % {"fields": ", ".join(unknown)})
    values = {name: getattr(instance, name) or "" for name in wanted}
    shown_fields = [name for name, value in values.items() if value]
    if shown_fields and not can_see(actor):
        record_reveal(actor, instance, shown_fields, request)
    return values
