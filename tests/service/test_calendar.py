"""Working-time arithmetic: nights, weekends, holidays, make-up working days."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from guanxi.service.calendar import WorkCalendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
# China working days around the 2026 National Day: 1–7 October off, Sunday 20 September and
# Saturday 10 October worked.
CHINA = WorkCalendar.build(
    time_zone="Asia/Shanghai",
    working_hours=[["09:00", "12:00"], ["13:00", "18:00"]],
    days_off=[5, 6],
    holidays=[date(2026, 10, d) for d in range(1, 8)],
    workdays=[date(2026, 9, 20), date(2026, 10, 10)],
)
ALWAYS = WorkCalendar.build(
    time_zone="Asia/Shanghai", working_hours=[["00:00", "24:00"]], days_off=[]
)
HOUR = 3600


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


class TestAdd:
    def test_it_counts_within_the_morning(self) -> None:
        assert CHINA.add(at(2026, 9, 1, 9, 0), 2 * HOUR) == at(2026, 9, 1, 11, 0)

    def test_it_skips_lunch(self) -> None:
        # Tuesday 11:00 + 2 h: one hour before lunch, one after.
        assert CHINA.add(at(2026, 9, 1, 11, 0), 2 * HOUR) == at(2026, 9, 1, 14, 0)

    def test_it_carries_over_the_night(self) -> None:
        assert CHINA.add(at(2026, 9, 1, 17, 0), 2 * HOUR) == at(2026, 9, 2, 10, 0)

    def test_a_request_at_night_starts_counting_in_the_morning(self) -> None:
        assert CHINA.add(at(2026, 9, 1, 22, 30), 30 * 60) == at(2026, 9, 2, 9, 30)

    def test_it_skips_the_weekend(self) -> None:
        # Friday 17:00 + 2 h → Monday 10:00.
        assert CHINA.add(at(2026, 9, 4, 17, 0), 2 * HOUR) == at(2026, 9, 7, 10, 0)

    def test_a_make_up_sunday_is_worked(self) -> None:
        # Saturday 19 September: off; Sunday 20 September: a make-up working day.
        assert CHINA.add(at(2026, 9, 19, 10, 0), HOUR) == at(2026, 9, 20, 10, 0)

    def test_it_skips_the_golden_week(self) -> None:
        # Wednesday 30 September 17:00 + 2 h: 1–7 October off, Thursday 8 October 10:00.
        assert CHINA.add(at(2026, 9, 30, 17, 0), 2 * HOUR) == at(2026, 10, 8, 10, 0)

    def test_the_saturday_after_the_holiday_is_worked(self) -> None:
        # Friday 9 October 17:00 + 2 h → Saturday 10 October (make-up day) 10:00.
        assert CHINA.add(at(2026, 10, 9, 17, 0), 2 * HOUR) == at(2026, 10, 10, 10, 0)

    def test_24_hours_round_the_clock_is_a_day(self) -> None:
        assert ALWAYS.add(at(2026, 10, 1, 15, 0), 24 * HOUR) == at(2026, 10, 2, 15, 0)

    def test_the_end_of_a_stretch_is_reached_exactly(self) -> None:
        assert CHINA.add(at(2026, 9, 1, 9, 0), 3 * HOUR) == at(2026, 9, 1, 12, 0)

    def test_a_calendar_with_no_working_days_is_refused(self) -> None:
        never = WorkCalendar.build(
            time_zone="UTC", working_hours=[["09:00", "10:00"]], days_off=range(7)
        )
        with pytest.raises(ValueError, match="no working time"):
            never.add(at(2026, 1, 1, 0, 0), 60)


class TestBetween:
    def test_it_counts_only_working_time(self) -> None:
        # Friday 17:00 to Monday 10:00: one hour on Friday, one on Monday.
        assert CHINA.between(at(2026, 9, 4, 17, 0), at(2026, 9, 7, 10, 0)) == 2 * HOUR

    def test_a_holiday_counts_nothing(self) -> None:
        assert CHINA.between(at(2026, 10, 1, 0, 0), at(2026, 10, 8, 0, 0)) == 0

    def test_backwards_is_zero(self) -> None:
        assert CHINA.between(at(2026, 9, 2, 10, 0), at(2026, 9, 1, 10, 0)) == 0


starts = st.datetimes(
    min_value=datetime(2026, 8, 1), max_value=datetime(2026, 12, 31), timezones=st.just(SHANGHAI)
)
durations = st.integers(min_value=1, max_value=60 * HOUR)


@given(start=starts, seconds=durations)
def test_adding_then_measuring_gives_back_the_duration(start: datetime, seconds: int) -> None:
    assert CHINA.between(start, CHINA.add(start, seconds)) == seconds


@given(start=starts, first=durations, second=durations)
def test_adding_in_two_steps_is_adding_once(start: datetime, first: int, second: int) -> None:
    assert CHINA.add(CHINA.add(start, first), second) == CHINA.add(start, first + second)


@given(start=starts, seconds=durations)
def test_the_due_time_is_working_time(start: datetime, seconds: int) -> None:
    due = CHINA.add(start, seconds).astimezone(SHANGHAI)
    assert CHINA.is_working_day(due.date())
    minute = due.hour * 60 + due.minute + due.second / 60
    assert 9 * 60 < minute <= 12 * 60 or 13 * 60 < minute <= 18 * 60


@given(start=starts, seconds=durations, pause=st.integers(min_value=0, max_value=20 * HOUR))
def test_a_pause_pushes_the_due_time_back_by_working_time(
    start: datetime, seconds: int, pause: int
) -> None:
    due = CHINA.add(start, seconds)
    assert CHINA.add(start, seconds + pause) >= due
    assert CHINA.between(due, CHINA.add(start, seconds + pause)) == pause


@given(start=starts, seconds=durations)
def test_round_the_clock_is_plain_time(start: datetime, seconds: int) -> None:
    assert ALWAYS.add(start, seconds) == start + timedelta(seconds=seconds)
