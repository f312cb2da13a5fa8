"""Field coercion shared by sources: the seven timestamp encodings, numbers as strings, tags.

Formats disagree on how they write times and counts (FORMATS.md lists them); every source goes
through these so the store only ever sees UTC datetimes and ints.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from html import unescape
from typing import Any

from ascolto.errors import RecordError

_TWITTER_FMT = "%a %b %d %H:%M:%S %z %Y"
_HASHTAG = re.compile(r"(?<![\w&])#(\w{1,139})", re.UNICODE)
_MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_][A-Za-z0-9_.\-]{0,63}(?:@[\w.\-]+)?)")
_URL = re.compile(r"https?://[^\s<>\"')\]]+")


def to_utc(value: Any, *, naive_is: str = "utc") -> datetime:
    """Parse any timestamp the supported formats write, returning an aware UTC datetime.

    Accepts datetimes, ISO-8601 (``Z``, ``+0000``, ``+00:00``, naive), the Twitter/RFC-2822
    forms, and Unix seconds, milliseconds or microseconds as numbers or digit strings.
    Naive values are taken as UTC (``naive_is="utc"``), which is what WXR ``*_gmt`` fields mean.
    """
    if isinstance(value, str) and value[-1:] == "Z" and value[10:11] == "T":
        # RFC 3339 in UTC, what most APIs write: one C call (6x faster than the general path)
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        dt = _from_epoch(float(value))
    elif isinstance(value, str):
        s = value.strip()
        if not s:
            raise RecordError("empty timestamp")
        numeric = s.replace(".", "", 1).isdigit()
        dt = _from_epoch(float(s)) if numeric else _parse_text_time(s)
    else:
        raise RecordError(f"timestamp of type {type(value).__name__}: {value!r}")
    if dt.tzinfo is None:
        if naive_is != "utc":
            raise RecordError(f"timestamp without time zone: {value!r}")
        return dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def _from_epoch(x: float) -> datetime:
    # Tell seconds, milliseconds and microseconds apart by magnitude (year 2286 in seconds).
    if x > 1e14:
        x /= 1e6
    elif x > 1e11:
        x /= 1e3
    return datetime.fromtimestamp(x, UTC)


def _parse_text_time(s: str) -> datetime:
    fast = _twitter_time(s)
    if fast is not None:
        return fast
    try:
        return datetime.fromisoformat(s)
    except ValueError:
        pass
    try:
        return datetime.strptime(s, _TWITTER_FMT)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(s)
    except (TypeError, ValueError, IndexError):
        pass
    raise RecordError(f"unreadable timestamp {s!r}")


_MONTHS = {
    m: i
    for i, m in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}
_SIGNS = {"+": 1, "-": -1}


def _twitter_time(s: str) -> datetime | None:
    """``Wed Oct 19 20:07:25 +0000 2022`` by slicing: strptime is 10x slower, and X archives
    and the customer-support CSV have millions of these. None when ``s`` is not that form."""
    if len(s) != 30 or s[3] != " " or s[10] != " " or s[19] != " " or s[25] != " ":
        return None
    month = _MONTHS.get(s[4:7])
    sign = _SIGNS.get(s[20])
    if month is None or sign is None or not s[21:25].isdigit():
        return None
    try:
        dt = datetime(
            int(s[26:]),
            month,
            int(s[8:10]),
            int(s[11:13]),
            int(s[14:16]),
            int(s[17:19]),
            tzinfo=UTC,
        )
    except ValueError:
        return None
    return dt - sign * timedelta(hours=int(s[21:23]), minutes=int(s[23:25]))


def to_int(value: Any) -> int | None:
    """Counts arrive as ints, floats, digit strings or nothing; ``None`` means unknown."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(float(value))
    except (TypeError, ValueError):
        raise RecordError(f"not a number: {value!r}") from None


def to_str(value: Any) -> str | None:
    """Ids arrive as ints, floats (``1.0`` from pandas), or strings; return a clean string."""
    if value is None or value == "":
        return None
    if isinstance(value, float):
        if value != value:  # NaN
            return None
        if value.is_integer():
            return str(int(value))
    return str(value)


def to_bool(value: Any) -> bool | None:
    """``True``/``"true"``/``"1"``/``"yes"`` and their opposites; ``None`` when absent."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    s = str(value).strip().lower()
    if s in {"true", "1", "yes", "y", "t"}:
        return True
    if s in {"false", "0", "no", "n", "f"}:
        return False
    raise RecordError(f"not a boolean: {value!r}")


def hashtags_in(text: str | None) -> list[str]:
    """Hashtags in a text, lower-cased, without ``#``, in order, without repeats."""
    if not text:
        return []
    return list(dict.fromkeys(m.lower() for m in _HASHTAG.findall(text)))


def mentions_in(text: str | None) -> list[str]:
    """``@handles`` in a text, lower-cased, without ``@`` (``user@instance`` kept whole)."""
    if not text:
        return []
    return list(dict.fromkeys(m.lower().rstrip(".") for m in _MENTION.findall(text)))


def tag_names(tags: Any) -> list[str]:
    """Lower-cased ``name`` of each tag object in a list (Facebook ``message_tags``, Mastodon
    ``tags``), in order, without repeats; shared so both read tag lists the same way."""
    if not isinstance(tags, list):
        return []
    return list(
        dict.fromkeys(t["name"].lower() for t in tags if isinstance(t, dict) and t.get("name"))
    )


def links_in(text: str | None) -> list[str]:
    """URLs in a text, in order, without repeats."""
    if not text:
        return []
    return list(dict.fromkeys(m.rstrip(".,;:!?") for m in _URL.findall(text)))


_TAG = re.compile(r"<[^>]+>")
_BR = re.compile(r"<\s*(br|/p|/div|/li)\s*/?\s*>", re.IGNORECASE)


def html_to_text(html: str | None) -> str | None:
    """Plain text of a small HTML fragment (Mastodon content, YouTube textDisplay, comments)."""
    if html is None:
        return None
    text = _BR.sub("\n", html)
    text = _TAG.sub("", text)
    return unescape(text).strip()
