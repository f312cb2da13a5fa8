"""Label corrections: stored with who and when, winning over any model, and trainable.

The commercial suites are criticised for never learning from users' fixes; here a fix shows at
once (the store's ``labels`` view prefers it) and ``models train --corrections`` learns from it.
"""

from __future__ import annotations

import getpass
from datetime import UTC, datetime
from typing import Any

import duckdb

from ascolto.enrich.tasks import check_label
from ascolto.store.db import one, records
from ascolto.store.queries import find_message


def correct(
    con: duckdb.DuckDBPyConnection, message: str, task: str, label: str, actor: str | None = None
) -> dict[str, Any]:
    """Store a correction; returns the message key and the label it replaces."""
    check_label(task, label)
    platform, ident = find_message(con, message)
    previous = one(
        con,
        "SELECT label FROM labels WHERE platform = ? AND message_id = ? AND task = ?",
        [platform, ident, task],
    )
    con.execute(
        "INSERT INTO corrections VALUES (?, ?, ?, ?, ?, ?)",
        [platform, ident, task, label, actor or getpass.getuser(), datetime.now(UTC)],
    )
    return {
        "platform": platform,
        "message_id": ident,
        "task": task,
        "label": label,
        "previous": previous[0] if previous else None,
    }


def training_rows(con: duckdb.DuckDBPyConnection, task: str) -> list[tuple[str, str, str]]:
    """``(text, label, lang)`` of each corrected message (newest correction) for training."""
    rows = records(
        con,
        """
        SELECT m.text, arg_max(c.label, c.created_at) AS label, any_value(m.lang) AS lang
        FROM corrections c JOIN messages m ON m.platform = c.platform AND m.id = c.message_id
        WHERE c.task = ? AND m.text IS NOT NULL
        GROUP BY c.platform, c.message_id, m.text
        """,
        [task],
    )
    return [(r["text"], r["label"], r["lang"] or "und") for r in rows]
