"""Calendar helpers shared by the charts."""

from datetime import date, timedelta

from django.utils import timezone


def last_months(count: int) -> list[date]:
    """The first day of each of the last ``count`` months, this month last (local time)."""
    today = timezone.localdate()
    month = date(today.year, today.month, 1)
    months = [month]
    for _i in range(count - 1):
        month = (month - timedelta(days=1)).replace(day=1)
        months.append(month)
    return months[::-1]
