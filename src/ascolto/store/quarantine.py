"""Quarantined records: what could not be imported, where it was, and why."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import duckdb
import pyarrow as pa

from ascolto.sources.base import Bad
from ascolto.store.db import records, registered, scalar

_SCHEMA = pa.schema(
    [
        ("source_id", pa.int64()),
        ("path", pa.string()),
        ("format", pa.string()),
        ("location", pa.string()),
        ("reason", pa.string()),
        ("excerpt", pa.string()),
        ("quarantined_at", pa.timestamp("us", tz="UTC")),
    ]
)


def write_quarantine(
    con: duckdb.DuckDBPyConnection,
    bad: Sequence[Bad],
    source_id: int | None,
    path: str,
    fmt: str | None,
) -> None:
    """Store bad records (inside the caller's transaction, with the batch they came with)."""
    if not bad:
        return
    now = datetime.now(UTC)
    table = pa.Table.from_pydict(
        {
            "source_id": [source_id] * len(bad),
            "path": [path] * len(bad),
            "format": [fmt] * len(bad),
            "location": [b.location for b in bad],
            "reason": [b.reason for b in bad],
            "excerpt": [b.excerpt[:2000] for b in bad],
            "quarantined_at": [now] * len(bad),
        },
        schema=_SCHEMA,
    )
    with registered(con, "batch_quarantine", table):
        con.execute(
            "INSERT INTO quarantine (source_id, path, format, location, reason, excerpt, "
            "quarantined_at) SELECT * FROM batch_quarantine"
        )


def list_quarantine(
    con: duckdb.DuckDBPyConnection, limit: int = 100, path: str | None = None
) -> list[dict[str, Any]]:
    """The newest quarantined records first."""
    sql = "SELECT id, path, format, location, reason, excerpt, quarantined_at FROM quarantine"
    params: list[Any] = []
    if path:
        sql += " WHERE path = ?"
        params.append(path)
    sql += " ORDER BY id DESC LIMIT ?"
    params.append(limit)
    return records(con, sql, params)


def clear_quarantine(con: duckdb.DuckDBPyConnection) -> int:
    n = scalar(con, "SELECT count(*) FROM quarantine")
    con.execute("DELETE FROM quarantine")
    return int(n or 0)
