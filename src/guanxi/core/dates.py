"""Calendar helpers shared by the charts and the date filters."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone


def day_start(day: date) -> datetime:
    """Midnight at the start of ``day`` in the local time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def last_months(count: int) -> list[date]:
    """The first day of each of the last ``count`` months, this month last (local time)."""
    today = timezone.localdate()
    month = date(today.year, today.month, 1)
    months = [month]
    for _i in range(count - 1):
        month = (month - timedelta(days=1)).replace(day=1)
        months.append(month)
    return months[::-1]
