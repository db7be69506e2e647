"""Template filters for values that section data carries as JSON-safe strings."""

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def isotime(value: str | datetime | None) -> str:
    """An ISO date-time (or datetime) as local "YYYY-MM-DD HH:MM"."""
    if not value:
        return ""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.strftime("%Y-%m-%d %H:%M")


@register.filter
def duration(minutes: float | int | None) -> str:
    """Working minutes as "45 min" or "4 h 05 min" (in the reader's language)."""
    if minutes is None:
        return ""
    total = round(float(minutes))
    if total < 60:
        return _("%(minutes)s min") % {"minutes": total}
    return _("%(hours)s h %(minutes)02d min") % {"hours": total // 60, "minutes": total % 60}


@register.filter
def money(value: object) -> str:
    """¥1,234.50 — amounts in CNY with thousands separators, whatever the language."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    return f"¥{amount:,.2f}"


@register.filter
def get_item(mapping: dict, key: str) -> object:
    """``mapping[key]`` in a template (None when missing)."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.inclusion_tag("web/_personal.html", takes_context=True)
def personal(
    context: dict[str, Any], source: Any, field: str, url: str = "", link: str = ""
) -> dict[str, Any]:
    """A personal value as the viewer may see it, masked with a *Show* button when they lack
    the right (``core.privacy``). ``source`` is a customer or contact, or a 360 section's
    data (already masked, with its ``masked`` list) with the reveal ``url``. ``link`` "tel"
    or "mailto" makes an unmasked value a link."""
    from django.db import models

    from guanxi.core.privacy import masked_fields, shown

    if isinstance(source, models.Model):
        user = context["user"]
        value = shown(user, source, field)
        masked = field in masked_fields(user, source)
        url = url or reverse("personal-reveal", args=[source._meta.model_name, source.pk])
    else:
        value = source.get(field, "")
        masked = field in source.get("masked", ())
    return {"value": value, "field": field, "masked": masked, "url": url, "link": link}


@register.simple_tag(takes_context=True)
def shown_value(context: dict[str, Any], source: Any, field: str) -> str:
    """A customer's or contact's value as the viewer may see it, as plain text (for places
    that cannot hold a button, such as a choice list)."""
    from guanxi.core.privacy import shown

    return shown(context["user"], source, field)
