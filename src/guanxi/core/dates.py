"""Calendar helpers shared by the charts and the date filters."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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


def months_before(day: date, months: int) -> date:
    """The same day ``months`` earlier (the month's last day when it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    following = date(year + (month == 12), month % 12 + 1, 1)
    return min(day.replace(year=year, month=month, day=1) + timedelta(day.day - 1),
               following - timedelta(days=1))  # fmt: skip


@dataclass
class Period:
    start: date
    end: date  # inclusive

    @property
    def start_at(self) -> datetime:
        return day_start(self.start)

    @property
    def end_at(self) -> datetime:
        return day_start(self.end + timedelta(days=1))


def months_of(period: Period) -> list[Period]:
    """The calendar months that ``period`` touches, each cut to the period."""
    months = []
    start = period.start
    while start <= period.end:
        following = (start.replace(day=1) + timedelta(days=32)).replace(day=1)
        months.append(Period(start, min(period.end, following - timedelta(days=1))))
        start = following
    return months


# The periods dashboards offer, by the key in their ``?period=`` parameter.
PERIOD_CHOICES = [
    ("month", _("This month")),
    ("quarter", _("This quarter")),
    ("year", _("This year")),
    ("last_year", _("Last year")),
]


def named_period(choice: str | None, default: str = "year") -> tuple[Period, str]:
    """The period for a ``PERIOD_CHOICES`` key (an unknown key means ``default``)."""
    today = timezone.localdate()
    starts = {
        "month": today.replace(day=1),
        "quarter": date(today.year, (today.month - 1) // 3 * 3 + 1, 1),
        "year": date(today.year, 1, 1),
        "last_year": date(today.year - 1, 1, 1),
    }
    if choice not in starts:
        choice = default
    end = date(today.year - 1, 12, 31) if choice == "last_year" else today
    return Period(starts[choice], end), choice
