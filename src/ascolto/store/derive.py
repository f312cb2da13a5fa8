"""What the store derives after an import: owned accounts, thread roots, interactions.

These run over the whole store, not one batch, because a parent or an author often arrives in
a later file than the reply that points to it.
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb

from ascolto.errors import BadOption
from ascolto.models import PLATFORMS, canonical_platform
from ascolto.store.db import scalar

_MAX_DEPTH = 200


def parse_owner(spec: str) -> tuple[str, str]:
    """``"x:@Acme"`` -> ``("x", "acme")``; one clear error for a malformed spec."""
    platform, sep, who = spec.partition(":")
    platform = canonical_platform(platform)
    who = who.strip().removeprefix("@").lower()
    if not sep or not who or platform not in PLATFORMS:
        raise BadOption(
            f"owner {spec!r}: expected PLATFORM:HANDLE_OR_ID with PLATFORM one of "
            f"{', '.join(PLATFORMS)} (e.g. x:acme)"
        )
    return platform, who


def mark_owned(con: duckdb.DuckDBPyConnection, owners: Iterable[str]) -> int:
    """Flag the authors matching ``owners`` (by id or handle, case-insensitive) as owned."""
    pairs = sorted({parse_owner(o) for o in owners})
    if not pairs:
        return 0
    con.execute("CREATE OR REPLACE TEMP TABLE owner_specs (platform VARCHAR, who VARCHAR)")
    con.executemany("INSERT INTO owner_specs VALUES (?, ?)", pairs)
    changed = scalar(
        con,
        """
        UPDATE authors a SET is_owned = true FROM owner_specs o
        WHERE a.platform = o.platform AND NOT a.is_owned
          AND (lower(a.id) = o.who OR lower(a.handle) = o.who)
        """,
    )
    con.execute("DROP TABLE owner_specs")
    return int(changed or 0)


def fill_roots(con: duckdb.DuckDBPyConnection) -> None:
    """Give every message a ``root_id`` when its format did not: walk up the parents.

    The walk stops at a message without parent (the root), at one whose root the format gave,
    or at a parent never collected (a provisional root, ``root_inferred``, redone on every
    refresh so it heals when the missing parent arrives in a later import).
    """
    con.execute("UPDATE messages SET root_id = id WHERE root_id IS NULL AND parent_id IS NULL")
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE walked AS
        WITH RECURSIVE walk(platform, id, anc, depth) AS (
            SELECT platform, id, parent_id, 0 FROM messages
            WHERE parent_id IS NOT NULL AND (root_id IS NULL OR root_inferred)
            UNION ALL
            SELECT w.platform, w.id, p.parent_id, w.depth + 1
            FROM walk w JOIN messages p ON p.platform = w.platform AND p.id = w.anc
            WHERE p.parent_id IS NOT NULL AND (p.root_id IS NULL OR p.root_inferred)
              AND w.depth < {_MAX_DEPTH}
        )
        SELECT w.platform, w.id,
               CASE WHEN t.root_id IS NOT NULL AND NOT t.root_inferred THEN t.root_id
                    ELSE w.top END AS root_id,
               t.id IS NULL OR t.parent_id IS NOT NULL AND t.root_inferred AS inferred
        FROM (SELECT platform, id, arg_max(anc, depth) AS top FROM walk GROUP BY ALL) w
        LEFT JOIN messages t ON t.platform = w.platform AND t.id = w.top
        """
    )
    con.execute(
        """
        UPDATE messages m SET root_id = w.root_id, root_inferred = w.inferred FROM walked w
        WHERE m.platform = w.platform AND m.id = w.id
          AND (m.root_id IS DISTINCT FROM w.root_id OR m.root_inferred <> w.inferred)
        """
    )
    con.execute("DROP TABLE walked")


def rebuild_interactions(con: duckdb.DuckDBPyConnection) -> int:
    """Derive reply, quote, share and mention edges between authors from all messages."""
    con.execute("DELETE FROM interactions")
    con.execute(
        """
        INSERT INTO interactions
        WITH handles AS (
            SELECT platform, lower(handle) AS handle, min(id) AS id
            FROM authors WHERE handle IS NOT NULL GROUP BY ALL
        ), mentioned AS (
            SELECT platform, id, author_id, created_at, unnest(mentions) AS handle
            FROM messages WHERE author_id IS NOT NULL AND len(mentions) > 0
        )
        SELECT m.platform, 'reply', m.id, m.author_id,
               coalesce(p.author_id, m.parent_author_id), NULL, m.created_at
        FROM messages m LEFT JOIN messages p ON p.platform = m.platform AND p.id = m.parent_id
        WHERE m.parent_id IS NOT NULL AND m.author_id IS NOT NULL
        UNION ALL
        SELECT m.platform, 'quote', m.id, m.author_id,
               coalesce(q.author_id, m.quoted_author_id), NULL, m.created_at
        FROM messages m LEFT JOIN messages q ON q.platform = m.platform AND q.id = m.quoted_id
        WHERE coalesce(m.quoted_id, m.quoted_author_id) IS NOT NULL AND m.author_id IS NOT NULL
        UNION ALL
        SELECT m.platform, 'share', m.id, m.author_id,
               coalesce(s.author_id, m.shared_author_id), NULL, m.created_at
        FROM messages m LEFT JOIN messages s ON s.platform = m.platform AND s.id = m.shared_id
        WHERE coalesce(m.shared_id, m.shared_author_id) IS NOT NULL AND m.author_id IS NOT NULL
        UNION ALL
        SELECT m.platform, 'mention', m.id, m.author_id, h.id, m.handle, m.created_at
        FROM mentioned m LEFT JOIN handles h ON h.platform = m.platform AND h.handle = m.handle
        """
    )
    return int(scalar(con, "SELECT count(*) FROM interactions") or 0)


def refresh(con: duckdb.DuckDBPyConnection, owners: Iterable[str]) -> None:
    """Everything derived, in one transaction, after an import."""
    con.execute("BEGIN TRANSACTION")
    try:
        mark_owned(con, owners)
        fill_roots(con)
        rebuild_interactions(con)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
