"""Timestamp and count coercion shared by the sources."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ascolto.errors import RecordError
from ascolto.sources.fields import to_utc

T = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    "value",
    [
        "2026-01-02T03:04:05Z",
        "2026-01-02T03:04:05.000Z",
        "2026-01-02T04:04:05+01:00",
        "2026-01-02T03:04:05+0000",
        "2026-01-02 03:04:05",
        "Fri Jan 02 03:04:05 +0000 2026",
        "Fri, 02 Jan 2026 03:04:05 GMT",
        1767323045,
        "1767323045000",
        T,
    ],
)
def test_every_encoding_gives_the_same_utc_instant(value: object) -> None:
    got = to_utc(value)
    assert got == T and got.utcoffset() is not None and got.utcoffset().total_seconds() == 0


def test_fractions_survive_the_fast_path() -> None:
    assert to_utc("2026-01-02T03:04:05.123456Z") == T.replace(microsecond=123456)


@pytest.mark.parametrize("value", ["2026-13-02T03:04:05Z", "yesterdayZ", "", None, [1]])
def test_unreadable_timestamps_are_record_errors(value: object) -> None:
    with pytest.raises(RecordError):
        to_utc(value)
