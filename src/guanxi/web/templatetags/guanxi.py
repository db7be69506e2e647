"""Template filters for values that section data carries as JSON-safe strings."""

from datetime import datetime
from decimal import Decimal, InvalidOperation

from django import template
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
