"""Small DuckDB access helpers.

DuckDB 2 treats a result read with ``fetchone()`` as unfinished and refuses ``register()``
until it is drained, so the store always reads results whole through these.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb


def one(con: duckdb.DuckDBPyConnection, sql: str, params: Any = None) -> tuple[Any, ...] | None:
    """The first row of a query (the result is drained), or ``None``."""
    rows = (
        con.execute(sql, params).fetchall() if params is not None else con.execute(sql).fetchall()
    )
    return rows[0] if rows else None


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: Any = None) -> Any:
    """The first column of the first row, or ``None``."""
    row = one(con, sql, params)
    return row[0] if row else None


def records(
    con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()
) -> list[dict[str, Any]]:
    """Rows as dicts keyed by column name."""
    cur = con.execute(sql, list(params))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
