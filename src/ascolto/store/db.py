"""Small DuckDB access helpers.

DuckDB 2 treats a result read with ``fetchone()`` as unfinished and refuses ``register()``
until it is drained, so the store always reads results whole through these.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from datetime import datetime
from typing import Any

import duckdb
import pyarrow as pa


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
    con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()
) -> list[dict[str, Any]]:
    """Rows as dicts keyed by column name (``params`` by position, or by ``$name``)."""
    cur = con.execute(sql, dict(params) if isinstance(params, Mapping) else list(params))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def iso(value: datetime | None) -> str | None:
    """A timestamp read from the store as ISO 8601 for JSON output, ``None`` kept."""
    return value.isoformat() if value is not None else None


@contextmanager
def scratch(name: str, table: pa.Table) -> Iterator[duckdb.DuckDBPyConnection]:
    """A throwaway in-memory DuckDB with ``table`` as ``name``: SQL over Arrow rows already
    read from the store, without touching (or locking) the store itself."""
    con = duckdb.connect()
    try:
        con.register(name, table)
        yield con
    finally:
        con.close()


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> Iterator[None]:
    """``table`` visible to SQL as ``name`` for the duration of the block."""
    con.register(name, table)
    try:
        yield
    finally:
        # After an interrupted or failed statement the transaction is aborted and unregister
        # fails too; let the original error through.
        with suppress(duckdb.Error):
            con.unregister(name)
