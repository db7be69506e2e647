"""Working-time arithmetic on a business calendar: add working time, measure working time.

Pure functions over a :class:`WorkCalendar` snapshot, so the SLA rules are testable without a
database. Times are aware datetimes; the calendar's hours are local to its time zone.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAY = 24 * 3600
# A calendar that has no working time for ten years is a mistake, not a long wait.
MAX_DAYS = 3660


def parse_clock(text: str) -> int:
    """Seconds after midnight for "HH:MM" ("24:00" is the end of the day)."""
    hours, minutes = text.strip().split(":")
    value = int(hours) * 3600 + int(minutes) * 60
    if not (0 <= int(minutes) < 60 and 0 <= value <= DAY):
        raise ValueError(text)
    return value


@dataclass(frozen=True)
class WorkCalendar:
    zone: ZoneInfo
    # Working stretches of a working day, seconds after midnight, sorted and not overlapping.
    hours: tuple[tuple[int, int], ...]
    days_off: frozenset[int]
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()

    @classmethod
    def build(
        cls,
        *,
        time_zone: str,
        working_hours: Iterable[Iterable[str]],
        days_off: Iterable[int],
        holidays: Iterable[date] = (),
        workdays: Iterable[date] = (),
    ) -> "WorkCalendar":
        hours = tuple(sorted((parse_clock(a), parse_clock(b)) for a, b in working_hours))
        return cls(
            zone=ZoneInfo(time_zone),
            hours=hours,
            days_off=frozenset(days_off),
            holidays=frozenset(holidays),
            workdays=frozenset(workdays),
        )

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() not in self.days_off

    def _windows(self, day: date) -> Iterator[tuple[datetime, datetime]]:
        if not self.is_working_day(day):
            return
        midnight = datetime.combine(day, time(0), self.zone)
        for start, end in self.hours:
            yield midnight + timedelta(seconds=start), midnight + timedelta(seconds=end)

    def add(self, start: datetime, seconds: int) -> datetime:
        """The moment ``seconds`` of working time after ``start`` (in UTC, as stored)."""
        if seconds <= 0:
            return start
        remaining = float(seconds)
        local = start.astimezone(self.zone)
        day = local.date()
        for _ in range(MAX_DAYS):
            for begin, end in self._windows(day):
                if end <= local:
                    continue
                begin = max(begin, local)
                available = (end - begin).total_seconds()
                if remaining <= available:
                    return (begin + timedelta(seconds=remaining)).astimezone(UTC)
                remaining -= available
            day += timedelta(days=1)
        raise ValueError("the calendar has no working time in the next ten years")

    def between(self, start: datetime, end: datetime) -> int:
        """Whole seconds of working time from ``start`` to ``end`` (0 if end is not later)."""
        if end <= start:
            return 0
        total = 0.0
        local_start = start.astimezone(self.zone)
        local_end = end.astimezone(self.zone)
        day = local_start.date()
        while day <= local_end.date():
            for begin, finish in self._windows(day):
                overlap = (min(finish, local_end) - max(begin, local_start)).total_seconds()
                if overlap > 0:
                    total += overlap
            day += timedelta(days=1)
        return round(total)
