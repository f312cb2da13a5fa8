"""Business hours: how much of a wait fell inside the team's opening hours.

Care teams are judged in business time (a question at 17:55 on Friday answered at 09:05 on
Monday waited ten minutes of it), so every response time is given both ways. A calendar is a
time zone, weekly opening hours, the public holidays of a country (Italy's by default, from the
maintained ``holidays`` package: Easter Monday and the rest) and extra closures.

The calendar becomes a sorted array of open intervals in UTC seconds, daylight saving time
included (each day's hours are placed in its own UTC offset), with the open time before each
interval summed. ``seconds(start, end)`` is then two binary searches per pair, whole arrays at
once: a million response times cost milliseconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
import numpy as np

from ascolto.errors import BadOption

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPAN = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")

#: Weekly hours as the settings write them: day or day range, then one or more spans.
DEFAULT_HOURS = "mon-fri 09:00-18:00"


def parse_hours(spec: str) -> dict[int, tuple[tuple[time, time], ...]]:
    """``"mon-fri 09:00-13:00 14:00-18:00; sat 09:00-12:00"`` -> weekday -> open spans.

    Days not named are closed. ``24:00`` ends a span at midnight.
    """
    week: dict[int, tuple[tuple[time, time], ...]] = {}
    for part in filter(None, (p.strip() for p in re.split(r"[;\n]", spec))):
        days, *spans = part.split()
        first, _, last = days.lower().partition("-")
        if first not in DAYS or (last and last not in DAYS) or not spans:
            raise ValueError(
                f"{part!r}: expected DAY[-DAY] HH:MM-HH:MM ..., days as {', '.join(DAYS)}"
            )
        a, b = DAYS.index(first), DAYS.index(last or first)
        parsed = []
        for span in spans:
            m = _SPAN.match(span)
            if not m:
                raise ValueError(f"{span!r}: expected HH:MM-HH:MM, e.g. 09:00-18:00")
            h1, m1, h2, m2 = map(int, m.groups())
            if (
                h1 > 23
                or m1 > 59
                or h2 > 24
                or m2 > 59
                or (h2 == 24 and m2)
                or (h1, m1)
                >= (
                    h2,
                    m2,
                )
            ):
                raise ValueError(f"{span!r}: a span must end after it starts, within a day")
            end = time.max if h2 == 24 else time(h2, m2)
            parsed.append((time(h1, m1), end))
        for d in range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)]:
            week[d] = tuple(sorted(week.get(d, ()) + tuple(parsed)))
    return week


def parse_closures(values: list[str]) -> tuple[tuple[date, date], ...]:
    """``["2024-12-24", "2024-08-10..2024-08-20"]`` -> inclusive date ranges."""
    out = []
    for value in values:
        first, _, last = value.partition("..")
        try:
            a = date.fromisoformat(first.strip())
            b = date.fromisoformat(last.strip()) if last else a
        except ValueError:
            raise ValueError(f"{value!r}: expected YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD") from None
        if b < a:
            raise ValueError(f"{value!r}: the range ends before it starts")
        out.append((a, b))
    return tuple(out)


@dataclass(frozen=True)
class BusinessCalendar:
    """Opening hours in a time zone, minus public holidays and closures."""

    timezone: str = "Europe/Rome"
    hours: str = DEFAULT_HOURS
    country: str = "IT"  # public holidays of this country ("" for none)
    closures: tuple[str, ...] = ()
    _week: dict[int, tuple[tuple[time, time], ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise BadOption(
                f"unknown time zone {self.timezone!r}: use an IANA name such as Europe/Rome"
            ) from None
        try:
            object.__setattr__(self, "_week", parse_hours(self.hours))
            parse_closures(list(self.closures))
        except ValueError as e:
            raise BadOption(f"business hours: {e}") from None
        if self.country and self.country.upper() not in holidays.list_supported_countries():
            raise BadOption(f"no public holidays known for {self.country!r}: use e.g. IT, or ''")

    def closed_days(self, first: date, last: date) -> set[date]:
        """Public holidays and closures between two dates (inclusive)."""
        out: set[date] = set()
        if self.country:
            years = range(first.year, last.year + 1)
            out |= set(holidays.country_holidays(self.country.upper(), years=years))
        for a, b in parse_closures(list(self.closures)):
            out |= {a + timedelta(days=i) for i in range((b - a).days + 1)}
        return {d for d in out if first <= d <= last}

    def intervals(self, first: date, last: date) -> np.ndarray:
        """Open intervals (UTC epoch seconds, shape n x 2) of the days ``first``..``last``."""
        zone = ZoneInfo(self.timezone)
        closed = self.closed_days(first, last)
        rows = []
        day = first
        while day <= last:
            if day not in closed:
                for start, end in self._week.get(day.weekday(), ()):
                    a = datetime.combine(day, start, zone).timestamp()
                    b = (
                        datetime.combine(day + timedelta(days=1), time(), zone).timestamp()
                        if end == time.max
                        else datetime.combine(day, end, zone).timestamp()
                    )
                    rows.append((a, b))
            day += timedelta(days=1)
        return np.asarray(rows, dtype=np.float64).reshape(-1, 2)

    def seconds(self, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """Open seconds between each ``start`` and ``end`` (UTC epoch seconds; NaN stays NaN).

        Negative spans (an answer stamped before its question) give 0, never a negative time.
        """
        start = np.asarray(start, dtype=np.float64)
        end = np.asarray(end, dtype=np.float64)
        ok = ~(np.isnan(start) | np.isnan(end))
        out = np.full(start.shape, np.nan)
        if not ok.any():
            return out
        lo = float(min(start[ok].min(), end[ok].min()))
        hi = float(max(start[ok].max(), end[ok].max()))
        timeline = _Timeline(self.intervals(_day(lo, -2), _day(hi, 2)))
        out[ok] = np.maximum(timeline.open_until(end[ok]) - timeline.open_until(start[ok]), 0.0)
        return out

    def add(self, start: np.ndarray, seconds: np.ndarray) -> np.ndarray:
        """The instant (UTC epoch seconds) when ``seconds`` of open time have passed since
        each ``start``: an SLA's due time. NaN stays NaN."""
        start = np.asarray(start, dtype=np.float64)
        seconds = np.broadcast_to(np.asarray(seconds, dtype=np.float64), start.shape)
        ok = ~(np.isnan(start) | np.isnan(seconds))
        out = np.full(start.shape, np.nan)
        if not ok.any():
            return out
        # the hours of a quiet week can be few: look far enough ahead for the longest wait
        ahead = 14 + float(seconds[ok].max()) / 3600 * 7
        lo, hi = float(start[ok].min()), float(start[ok].max())
        timeline = _Timeline(self.intervals(_day(lo, -2), _day(hi, int(ahead) + 2)))
        if timeline.empty:
            return out
        target = timeline.open_until(start[ok]) + seconds[ok]
        ends = timeline.before + timeline.lengths
        i = np.searchsorted(ends, target, side="left")
        found = i < ends.size
        j = np.minimum(i, ends.size - 1)
        due = timeline.starts[j] + (target - timeline.before[j])
        out[ok] = np.where(found, np.maximum(due, start[ok]), np.nan)
        return out


def _day(epoch: float, shift: int) -> date:
    """The UTC date of ``epoch`` moved by ``shift`` days (a margin for any time zone)."""
    return datetime.fromtimestamp(epoch, UTC).date() + timedelta(days=shift)


class _Timeline:
    """Cumulative open time: ``open_until(t)`` is the open seconds before ``t``."""

    def __init__(self, intervals: np.ndarray) -> None:
        self.starts = intervals[:, 0]
        self.lengths = intervals[:, 1] - intervals[:, 0]
        self.before = np.concatenate(([0.0], np.cumsum(self.lengths)[:-1]))

    @cached_property
    def empty(self) -> bool:
        return self.starts.size == 0

    def open_until(self, t: np.ndarray) -> np.ndarray:
        if self.empty:
            return np.zeros_like(t)
        i = np.searchsorted(self.starts, t, side="right") - 1
        inside = np.clip(t - self.starts[np.maximum(i, 0)], 0.0, self.lengths[np.maximum(i, 0)])
        return np.where(i < 0, 0.0, self.before[np.maximum(i, 0)] + inside)
