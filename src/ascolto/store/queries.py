"""Read-side queries over the store used by ``stats``, ``export`` and the overview report."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

from ascolto.enrich.tasks import check_task
from ascolto.errors import AscoltoError, BadOption
from ascolto.models import PLATFORMS
from ascolto.store.db import iso, one, scalar


def stats(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Counts over the whole store: what ``ascolto stats`` shows."""
    first, last = one(con, "SELECT min(created_at), max(created_at) FROM messages") or (None, None)
    platforms = dict(
        con.execute(
            "SELECT platform, count(*) FROM messages GROUP BY platform ORDER BY 2 DESC, 1"
        ).fetchall()
    )
    kinds = dict(
        con.execute("SELECT kind, count(*) FROM messages GROUP BY 1 ORDER BY 2 DESC").fetchall()
    )
    owner_replies = scalar(
        con,
        """
        SELECT count(*) FROM messages m JOIN authors a
          ON a.platform = m.platform AND a.id = m.author_id
        WHERE a.is_owned AND m.parent_id IS NOT NULL
        """,
    )
    return {
        "messages": scalar(con, "SELECT count(*) FROM messages"),
        "authors": scalar(con, "SELECT count(*) FROM authors"),
        "owned_authors": scalar(con, "SELECT count(*) FROM authors WHERE is_owned"),
        "threads": scalar(con, "SELECT count(DISTINCT (platform, root_id)) FROM messages"),
        "replies": scalar(con, "SELECT count(*) FROM messages WHERE parent_id IS NOT NULL"),
        "owner_replies": owner_replies,
        "interactions": scalar(con, "SELECT count(*) FROM interactions"),
        "quarantined": scalar(con, "SELECT count(*) FROM quarantine"),
        "imports": scalar(con, "SELECT count(*) FROM sources"),
        "platforms": platforms,
        "kinds": kinds,
        "first": iso(first),
        "last": iso(last),
    }


EXPORT_SQL = """
SELECT m.platform, m.id, m.created_at, m.kind, m.author_id, a.handle AS author_handle,
       a.name AS author_name, a.followers AS author_followers, a.is_owned AS author_is_owned,
       m.text, m.lang, m.url, m.title, m.parent_id, m.root_id, m.quoted_id, m.shared_id,
       m.likes, m.shares, m.replies, m.quotes, m.views, m.score,
       m.mentions, m.hashtags, m.links{raw}
FROM messages m LEFT JOIN authors a ON a.platform = m.platform AND a.id = m.author_id
ORDER BY m.created_at, m.platform, m.id
"""


def export(con: duckdb.DuckDBPyConnection, output: Path, include_raw: bool = False) -> int:
    """Write every message (joined with its author) to Parquet, CSV or JSONL by extension."""
    suffix = output.suffix.lower()
    sql = EXPORT_SQL.format(raw=", m.raw::JSON AS raw" if include_raw else "")
    target = str(output).replace("'", "''")
    if suffix == ".parquet":
        options = "FORMAT parquet, COMPRESSION zstd"
    elif suffix == ".csv":
        # CSV has no lists: join them with spaces so the file opens in a spreadsheet.
        sql = f"""SELECT * REPLACE (array_to_string(mentions, ' ') AS mentions,
                  array_to_string(hashtags, ' ') AS hashtags,
                  array_to_string(links, ' ') AS links) FROM ({sql})"""
        options = "FORMAT csv, HEADER true"
    elif suffix in (".jsonl", ".ndjson"):
        options = "FORMAT json"
    else:
        raise BadOption(
            f"{output}: unknown export type {suffix or '(none)'}; "
            "use a name ending in .parquet, .csv or .jsonl"
        )
    output.parent.mkdir(parents=True, exist_ok=True)
    con.execute(f"COPY ({sql}) TO '{target}' ({options})")
    return int(scalar(con, "SELECT count(*) FROM messages") or 0)


def labels_by_message(tasks: Sequence[str]) -> str:
    """SQL: one row per message (``platform``, ``id``) with a column of its label per task,
    from the ``labels`` view (a user's correction wins over the model)."""
    names = [check_task(t) for t in tasks]  # column names come from the known tasks only
    columns = ",\n       ".join(
        f"any_value(label) FILTER (WHERE task = '{t}') AS {t}" for t in names
    )
    listed = ", ".join(f"'{t}'" for t in names)
    return (
        f"SELECT platform, message_id AS id,\n       {columns}\n"
        f"FROM labels WHERE task IN ({listed}) GROUP BY ALL"
    )


def find_message(con: duckdb.DuckDBPyConnection, message: str) -> tuple[str, str]:
    """``(platform, id)`` for ``PLATFORM:ID`` or a bare id that only one platform uses."""
    platform, sep, ident = message.partition(":")
    if sep and platform in PLATFORMS:
        row = one(
            con,
            "SELECT platform, id FROM messages WHERE platform = ? AND id = ?",
            [platform, ident],
        )
        if row:
            return row[0], row[1]
    rows = con.execute(
        "SELECT platform, id FROM messages WHERE id = ? LIMIT 2", [message]
    ).fetchall()
    if len(rows) == 1:
        return rows[0][0], rows[0][1]
    if rows:
        raise AscoltoError(
            f"message {message!r} exists on several platforms: write PLATFORM:{message}"
        )
    raise AscoltoError(f"no message {message!r} in the workspace (ids are PLATFORM:ID or ID)")
