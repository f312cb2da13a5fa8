"""Response metrics: who got an answer, how fast, by intent, sentiment, platform, reach or day.

For the messages addressed to the brand (``conversations.addressed``): how many, how many got
a direct reply from an owned account, the response rate, the first-response time's median,
mean, 90th percentile and maximum in calendar time and in business hours, and what is still
unanswered and for how long (as of now, or ``as_of``). Medians and percentiles interpolate
linearly between ranks (DuckDB's ``quantile_cont``, numpy's default), so an independent
computation gives the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from ascolto.care.calendar import BusinessCalendar
from ascolto.errors import BadOption
from ascolto.store.db import records, registered, scratch

GROUPS = ("intent", "sentiment", "platform", "influence", "day", "week")

_STATS = """
SELECT {key} AS key,
       count(*) AS addressed,
       count(wait) AS answered,
       count(wait) / nullif(count(*), 0) AS response_rate,
       quantile_cont(wait, 0.5) AS first_response_median_s,
       avg(wait) AS first_response_mean_s,
       quantile_cont(wait, 0.9) AS first_response_p90_s,
       max(wait) AS first_response_max_s,
       quantile_cont(business, 0.5) AS business_median_s,
       avg(business) AS business_mean_s,
       quantile_cont(business, 0.9) AS business_p90_s,
       max(business) AS business_max_s,
       count(waiting) AS unanswered,
       quantile_cont(waiting, 0.5) AS unanswered_median_wait_s,
       max(waiting) AS unanswered_oldest_s,
       max(business_waiting) AS unanswered_oldest_business_s
FROM response_rows GROUP BY ALL ORDER BY addressed DESC, key
"""


def epoch_seconds(column: pa.ChunkedArray) -> np.ndarray:
    """Timestamps as float epoch seconds, NaN for nulls."""
    micros = column.cast(pa.timestamp("us", tz="UTC")).cast(pa.int64())
    values = micros.to_numpy(zero_copy_only=False).astype(np.float64) / 1e6
    if column.null_count:
        values[np.asarray(column.is_null())] = np.nan
    return values


def _nullable(values: np.ndarray) -> pa.Array:
    return pa.array(values, mask=np.isnan(values))


def response_rows(
    rows: pa.Table, calendar: BusinessCalendar, as_of: datetime | None = None
) -> pa.Table:
    """``rows`` (from ``addressed``) plus waits in seconds: ``wait`` and ``business`` for the
    answered, ``waiting`` and ``business_waiting`` (until ``as_of``) for the rest."""
    created = epoch_seconds(rows.column("created_at"))
    answered_at = epoch_seconds(rows.column("first_response_at"))
    now = (as_of or datetime.now(UTC)).timestamp()
    open_ = np.isnan(answered_at)
    until_now = np.where(open_, now, np.nan)
    return (
        rows.append_column("wait", _nullable(answered_at - created))
        .append_column("business", _nullable(calendar.seconds(created, answered_at)))
        .append_column("waiting", _nullable(np.maximum(until_now - created, 0.0)))
        .append_column("business_waiting", _nullable(calendar.seconds(created, until_now)))
    )


def waiting(
    con: duckdb.DuckDBPyConnection,
    rows: pa.Table,
    intents: Sequence[str] = ("support", "question", "idea", "complaint"),
    n: int = 5,
    as_of: datetime | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """The messages that show the gap: per intent, the ``n`` longest-waiting unanswered ones
    (users in difficulty left waiting, oldest questions, ideas never acknowledged)."""
    now = as_of or datetime.now(UTC)
    with scratch("addressed_rows", rows) as local:
        picked = local.sql(
            """
            SELECT platform, id, intent, created_at FROM addressed_rows
            WHERE first_response_at IS NULL AND list_contains($1, intent)
            QUALIFY row_number() OVER (PARTITION BY intent ORDER BY created_at, id) <= $2
            """,
            params=[list(intents), n],
        ).to_arrow_table()
    out: dict[str, list[dict[str, Any]]] = {i: [] for i in intents}
    with registered(con, "waiting_picked", picked):  # their texts, in one query
        found = records(
            con,
            """SELECT p.platform, p.id, p.intent, p.created_at, a.handle AS author, m.text, m.url
               FROM waiting_picked p
               JOIN messages m ON m.platform = p.platform AND m.id = p.id
               LEFT JOIN authors a ON a.platform = m.platform AND a.id = m.author_id
               ORDER BY p.created_at, p.id""",
        )
    for r in found:
        created = r.pop("created_at")
        r["created_at"] = created.isoformat()
        r["waiting_s"] = round((now - created).total_seconds())
        out[r.pop("intent")].append(r)
    return out


def _check(by: Sequence[str]) -> list[str]:
    for name in by:
        if name not in GROUPS:
            raise BadOption(f"cannot group by {name!r}: use one of {', '.join(GROUPS)}")
    return list(dict.fromkeys(by))


def metrics(
    rows: pa.Table,
    by: Sequence[str] = (),
    calendar: BusinessCalendar | None = None,
    as_of: datetime | None = None,
) -> dict[str, Any]:
    """``{"overall": {...}, "by_intent": {label: {...}}, ...}`` for the addressed messages."""
    groups = _check(by)
    table = response_rows(rows, calendar or BusinessCalendar(), as_of)
    with scratch("response_rows", table) as con:
        out: dict[str, Any] = {"overall": _stats(con, "'all'").get("all", _empty())}
        for name in groups:
            out[f"by_{name}"] = _stats(con, name)
    for name in ("day", "week"):  # time reads in order, not by volume
        if name in groups:
            out[f"by_{name}"] = dict(sorted(out[f"by_{name}"].items()))
    return out


def _stats(con: duckdb.DuckDBPyConnection, key: str) -> dict[str, dict[str, Any]]:
    result = con.execute(_STATS.format(key=key))
    names = [d[0] for d in result.description]
    return {
        str(row[0]): {n: _round(v) for n, v in zip(names[1:], row[1:], strict=True)}
        for row in result.fetchall()
    }


def _round(value: Any) -> Any:
    """Four decimals; NaN (no rows to measure) is unknown, ``None``."""
    if isinstance(value, float):
        return None if value != value else round(value, 4)
    return value


def _empty() -> dict[str, Any]:
    """The overall group when nothing was addressed: counts 0, times unknown."""
    counts = ("addressed", "answered", "unanswered")
    names = [line.split(" AS ")[-1].strip(",") for line in _STATS.splitlines() if " AS " in line]
    return {n: (0 if n in counts else None) for n in names if n != "key"}


def duration(seconds: float | None) -> str:
    """``45`` -> ``45 s``, ``780`` -> ``13 min``, ``56700`` -> ``15.8 h``, then days."""
    if seconds is None:
        return "–"
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"
