"""Template filters for values that section data carries as JSON-safe strings."""

from datetime import datetime
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import timezone

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
def money(value: object) -> str:
    """¥1,234.50 — amounts in CNY with thousands separators, whatever the language."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    return f"¥{amount:,.2f}"
