"""Business-hours arithmetic against a minute-by-minute count, across nights, weekends,
holidays and daylight saving time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ascolto.care.calendar import BusinessCalendar, parse_closures, parse_hours
from ascolto.errors import BadOption

ROME = ZoneInfo("Europe/Rome")
HOURS = "mon-fri 09:00-13:00 14:00-18:00; sat 09:00-12:00"
CAL = BusinessCalendar("Europe/Rome", HOURS, "IT", ("2024-04-05", "2024-08-12..2024-08-16"))
# Easter Monday (1 April) and the night DST starts (31 March) both fall in this window
WINDOW = datetime(2024, 3, 25, tzinfo=UTC).timestamp()


def _t(*args: int) -> float:
    return datetime(*args, tzinfo=ROME).timestamp()


def brute(cal: BusinessCalendar, start: float, end: float) -> float:
    """Open seconds counted a minute at a time in local time."""
    week = parse_hours(cal.hours)
    closed = cal.closed_days(date(2024, 1, 1), date(2024, 12, 31))
    total = 0
    for minute in range(int(start), int(end), 60):
        local = datetime.fromtimestamp(minute, ROME)
        if local.date() in closed:
            continue
        now = local.time()
        if any(a <= now < b for a, b in week.get(local.weekday(), ())):
            total += 60
    return float(total)


@settings(max_examples=150, deadline=None)
@given(
    st.integers(0, 14 * 24 * 60),  # minutes into the window
    st.integers(0, 6 * 24 * 60),  # duration in minutes
)
def test_matches_a_minute_by_minute_count(start_min: int, length_min: int) -> None:
    start = WINDOW + 60 * start_min
    end = start + 60 * length_min
    got = CAL.seconds(np.array([start]), np.array([end]))[0]
    assert got == brute(CAL, start, end)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 30 * 24 * 3600), min_size=3, max_size=3))
def test_additive_and_never_negative(offsets: list[int]) -> None:
    a, b, c = sorted(WINDOW + o for o in offsets)
    ab, bc, ac, ba = CAL.seconds(np.array([a, b, a, b]), np.array([b, c, c, a]))
    assert ab + bc == pytest.approx(ac) and ba == 0.0 and ab >= 0


def test_known_waits() -> None:
    friday_evening, monday_morning = _t(2024, 3, 22, 17, 55), _t(2024, 3, 25, 9, 5)
    lunch_start, lunch_end = _t(2024, 3, 26, 12, 50), _t(2024, 3, 26, 14, 10)
    easter_sat, after_easter = _t(2024, 3, 30, 11, 0), _t(2024, 4, 2, 9, 30)
    got = CAL.seconds(
        np.array([friday_evening, lunch_start, easter_sat, np.nan]),
        np.array([monday_morning, lunch_end, after_easter, monday_morning]),
    )
    # 5 min Friday + Saturday 9-12 + 5 min Monday; 10 + 10 around lunch; Saturday 11-12,
    # Easter Sunday and Monday closed, Tuesday 9:00-9:30
    assert got[:3].tolist() == [600.0 + 3 * 3600.0, 1200.0, 3600.0 + 1800.0]
    assert np.isnan(got[3])


def test_closures_and_holidays() -> None:
    closed = CAL.closed_days(date(2024, 1, 1), date(2024, 12, 31))
    assert {date(2024, 4, 1), date(2024, 4, 25), date(2024, 12, 26), date(2024, 4, 5)} <= closed
    assert date(2024, 8, 14) in closed and date(2024, 8, 17) not in closed
    none = BusinessCalendar("Europe/Rome", HOURS, "", ())
    assert none.closed_days(date(2024, 1, 1), date(2024, 12, 31)) == set()
    assert parse_closures(["2024-01-02..2024-01-03"]) == ((date(2024, 1, 2), date(2024, 1, 3)),)


def test_round_the_clock_and_bad_settings() -> None:
    always = BusinessCalendar("UTC", "mon-sun 00:00-24:00", "", ())
    start = datetime(2024, 1, 1, tzinfo=UTC).timestamp()
    week = timedelta(days=7).total_seconds()
    assert always.seconds(np.array([start]), np.array([start + week]))[0] == week
    with pytest.raises(BadOption, match="time zone"):
        BusinessCalendar("Mars/Olympus")
    with pytest.raises(BadOption, match="HH:MM-HH:MM"):
        BusinessCalendar(hours="mon-fri 9-18")
    with pytest.raises(BadOption, match="end after it starts"):
        BusinessCalendar(hours="mon 18:00-09:00")
    with pytest.raises(BadOption, match="YYYY-MM-DD"):
        BusinessCalendar(closures=("24/12/2024",))


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 20 * 24 * 3600), st.integers(0, 40 * 3600))
def test_add_is_the_inverse_of_seconds(offset: int, budget: int) -> None:
    start = WINDOW + offset
    due = CAL.add(np.array([start]), np.array([float(budget)]))[0]
    assert CAL.seconds(np.array([start]), np.array([due]))[0] == pytest.approx(budget)
    if budget:  # and it is the first such instant: a second earlier is not enough
        assert CAL.seconds(np.array([start]), np.array([due - 1]))[0] < budget


def test_sla_due_across_a_weekend() -> None:
    friday = _t(2024, 3, 22, 17, 0)
    due = CAL.add(np.array([friday, np.nan]), np.array([2 * 3600.0, 60.0]))
    # one hour on Friday, one on Saturday morning (the calendar opens Saturdays 9-12)
    assert due[0] == _t(2024, 3, 23, 10, 0) and np.isnan(due[1])
