"""When things happen in the demo: Italian daily rhythm, busier days, and response delays.

People write in Italian local time (CEST until 27 October 2024, CET after), more in the morning
coffee hour, at lunch and in the evening; the store keeps UTC.
"""

from __future__ import annotations

import math
import random
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate

from ascolto.demo.brand import CHRISTMAS_LAUNCH, COLD_BREW_LAUNCH, DAYS, END, START

_DST_END = datetime(2024, 10, 27, 1, 0, tzinfo=UTC)

#: Relative activity by local hour 0..23: the coffee hour, lunch and the evening scroll.
HOUR_WEIGHTS = (
    0.5,
    0.25,
    0.12,
    0.08,
    0.08,
    0.2,
    0.8,
    2.2,
    3.2,
    2.6,
    1.9,
    1.7,
    1.9,
    2.3,
    1.9,
    1.5,
    1.4,
    1.6,
    1.9,
    2.2,
    2.6,
    2.9,
    2.3,
    1.2,
)
#: Office hours of the brand's social team (local time, Monday to Friday).
OFFICE = (9, 18)
#: Days whose background volume is higher, with the multiplier (campaigns, holidays).
BUSY_DAYS: dict[date, float] = {
    COLD_BREW_LAUNCH.date(): 2.4,
    (COLD_BREW_LAUNCH + timedelta(days=1)).date(): 1.7,
    date(2024, 10, 21): 1.8,  # contest launch
    CHRISTMAS_LAUNCH.date(): 1.8,
    date(2024, 11, 29): 2.0,  # Black Friday
    date(2024, 12, 2): 1.4,  # Cyber Monday
}


def rome_offset(when: datetime) -> timedelta:
    """Italy's offset from UTC at ``when`` (2024 only, which is all the corpus spans)."""
    return timedelta(hours=2) if when < _DST_END else timedelta(hours=1)


def local(when: datetime) -> datetime:
    """``when`` as naive Italian wall-clock time."""
    return (when + rome_offset(when)).replace(tzinfo=None)


def from_local(day: date, seconds: float) -> datetime:
    """The UTC instant at ``seconds`` after local midnight of ``day``."""
    naive = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(seconds=seconds)
    return naive - rome_offset(naive - timedelta(hours=2))


def day_weight(day: date) -> float:
    """How busy ``day`` is: weekends a little quieter, slow growth, campaign days higher."""
    index = (day - START.date()).days
    weekday = 0.8 if day.weekday() >= 5 else 1.0
    growth = 1.0 + 0.35 * index / DAYS
    christmas = 1.3 if date(2024, 12, 9) <= day <= date(2024, 12, 23) else 1.0
    return weekday * growth * christmas * BUSY_DAYS.get(day, 1.0)


ALL_DAYS: tuple[date, ...] = tuple(START.date() + timedelta(days=i) for i in range(DAYS))
_DAY_CUM = list(accumulate(day_weight(d) for d in ALL_DAYS))
_HOURS = tuple(range(24))


def random_day(rng: random.Random) -> date:
    """A day of the period weighted by ``day_weight``."""
    return rng.choices(ALL_DAYS, cum_weights=_DAY_CUM)[0]


def instant(rng: random.Random, day: date) -> datetime:
    """A time on ``day`` following the Italian daily rhythm, to the second, in UTC."""
    hour = rng.choices(_HOURS, weights=HOUR_WEIGHTS)[0]
    return clamp(from_local(day, hour * 3600 + rng.randrange(3600)))


def office_instant(rng: random.Random, day: date) -> datetime:
    """A time in the social team's office hours on ``day`` (the brand's own posts)."""
    start, stop = OFFICE
    return clamp(from_local(day, rng.randrange(start * 3600, stop * 3600)))


def random_instant(rng: random.Random) -> datetime:
    return instant(rng, random_day(rng))


def next_open(when: datetime, hours: tuple[int, int], days: int) -> datetime:
    """``when`` if a team working ``hours`` (local) on the first ``days`` weekdays is at work,
    else the moment it next opens."""
    loc = local(when)
    start, stop = hours
    if loc.weekday() < days and start <= loc.hour < stop:
        return when
    day = loc.date() if loc.hour < start else loc.date() + timedelta(days=1)
    while day.weekday() >= days:
        day += timedelta(days=1)
    return from_local(day, start * 3600)


def lognormal_delay(rng: random.Random, median_minutes: float, sigma: float) -> timedelta:
    """A delay whose median is ``median_minutes``; ``sigma`` is the spread on the log scale."""
    minutes = math.exp(math.log(median_minutes) + sigma * rng.gauss(0.0, 1.0))
    return timedelta(seconds=max(30, round(minutes * 60)))


def clamp(when: datetime) -> datetime:
    """Keep generated times inside the corpus period, rounded to whole seconds."""
    when = when.replace(microsecond=0)
    last = END - timedelta(seconds=1)
    return START if when < START else last if when > last else when
