"""Conversations seen from the brand: which messages were addressed to it, and its answers.

A message is *addressed to the brand* when it is not by an owned account, not a share, and it
sits in a thread rooted at an owned post, replies to or quotes an owned account's message, or
mentions an owned account. It is *answered* by the first direct reply from an owned account at
or after it. Threads (root, parent chain, depth, participants) come from the store's
``parent_id`` and ``root_id``, which every importer fills and ``store.derive`` completes.

``addressed`` returns one Arrow row per addressed message with what the response metrics,
the inbox and the reports group by: platform, day, intent and sentiment (``unknown`` until
``ascolto enrich`` has run; a user's correction wins), the author's reach, and the first
answer (time and owned account).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import duckdb
import pyarrow as pa

from ascolto.store.db import iso, records
from ascolto.store.queries import find_message, labels_by_message

#: Follower buckets of the ``influence`` grouping, as (label, lower bound).
INFLUENCE = (("100k+", 100_000), ("10k-100k", 10_000), ("1k-10k", 1_000), ("<1k", 0))

_ADDRESSED = """
WITH owned AS (SELECT platform, id FROM authors WHERE is_owned),
owned_roots AS (
    SELECT m.platform, m.id FROM messages m
    JOIN owned o ON o.platform = m.platform AND o.id = m.author_id
    WHERE m.parent_id IS NULL
),
to_owned AS (
    SELECT DISTINCT i.platform, i.message_id AS id FROM interactions i
    JOIN owned o ON o.platform = i.platform AND o.id = i.dst_author_id
    WHERE i.kind IN ('mention', 'reply', 'quote')
),
addressed AS (
    SELECT m.platform, m.id, m.author_id, m.created_at, m.root_id, m.parent_id
    FROM messages m
    LEFT JOIN owned a ON a.platform = m.platform AND a.id = m.author_id
    LEFT JOIN owned_roots r ON r.platform = m.platform AND r.id = m.root_id AND m.id <> m.root_id
    LEFT JOIN to_owned t ON t.platform = m.platform AND t.id = m.id
    WHERE a.id IS NULL AND m.kind <> 'share' AND (r.id IS NOT NULL OR t.id IS NOT NULL)
      AND ($since IS NULL OR m.created_at >= $since)
      AND ($until IS NULL OR m.created_at < $until)
      AND ($platform IS NULL OR m.platform = $platform)
),
answers AS (
    SELECT d.platform, d.id, min(r.created_at) AS first_response_at,
           arg_min(r.author_id, r.created_at) AS responder, count(*) AS owner_replies
    FROM addressed d
    JOIN messages r ON r.platform = d.platform AND r.parent_id = d.id
    JOIN owned o ON o.platform = r.platform AND o.id = r.author_id
    WHERE r.created_at >= d.created_at
    GROUP BY ALL
),
read AS (
{read}
)
SELECT d.platform, d.id, d.author_id, d.created_at, d.root_id, d.parent_id,
       coalesce(l.intent, 'unknown') AS intent,
       coalesce(l.sentiment, 'unknown') AS sentiment,
       coalesce(l.toxicity, 'unknown') AS toxicity,
       u.followers,
       CASE WHEN u.followers IS NULL THEN 'unknown'
            {influence} END AS influence,
       (d.created_at AT TIME ZONE $tz)::DATE AS day,
       date_trunc('week', (d.created_at AT TIME ZONE $tz)::DATE)::DATE AS week,
       s.first_response_at, s.responder, coalesce(s.owner_replies, 0) AS owner_replies
FROM addressed d
LEFT JOIN answers s USING (platform, id)
LEFT JOIN read l USING (platform, id)
LEFT JOIN authors u ON u.platform = d.platform AND u.id = d.author_id
"""


def addressed(
    con: duckdb.DuckDBPyConnection,
    since: datetime | None = None,
    until: datetime | None = None,
    platform: str | None = None,
    timezone: str = "UTC",
) -> pa.Table:
    """One row per message addressed to the brand, with its labels and first answer (in no
    particular order: sorting a million rows nobody reads in order costs a quarter second)."""
    influence = " ".join(
        f"WHEN u.followers >= {bound} THEN '{label}'" for label, bound in INFLUENCE
    )
    params: dict[str, Any] = {
        "since": since,
        "until": until,
        "platform": platform,
        "tz": timezone,
    }
    sql = _ADDRESSED.format(
        influence=influence, read=labels_by_message(("intent", "sentiment", "toxicity"))
    )
    return con.sql(sql, params=params).to_arrow_table()


_THREAD = """
WITH RECURSIVE members AS (
    SELECT m.platform, m.id, m.parent_id, m.author_id, m.created_at, m.text, m.kind
    FROM messages m WHERE m.platform = $1 AND m.root_id = $2
),
walk AS (
    -- the root, and any message whose parent was never collected (it hangs from the root)
    SELECT id, parent_id, CASE WHEN id = $2 THEN 0 ELSE 1 END AS depth,
           [created_at] AS path, parent_id IS NOT NULL AND id <> $2 AS parent_missing
    FROM members
    WHERE id = $2 OR parent_id IS NULL OR parent_id NOT IN (SELECT id FROM members)
    UNION ALL
    SELECT c.id, c.parent_id, w.depth + 1, list_append(w.path, c.created_at), false
    FROM walk w JOIN members c ON c.parent_id = w.id AND c.id <> $2
    WHERE w.depth < 1000
)
SELECT w.id, w.parent_id, w.depth, w.parent_missing, m.author_id, a.handle,
       coalesce(a.is_owned, false) AS owned, m.created_at, m.kind, m.text,
       l.label AS intent
FROM walk w
JOIN members m ON m.id = w.id
LEFT JOIN authors a ON a.platform = m.platform AND a.id = m.author_id
LEFT JOIN labels l ON l.platform = m.platform AND l.message_id = m.id AND l.task = 'intent'
ORDER BY w.path, w.id
"""


def thread(con: duckdb.DuckDBPyConnection, message: str) -> dict[str, Any]:
    """The whole conversation a message belongs to: its messages in reply order with their
    depth, the parent chain up to the message, and the participants (owned accounts marked)."""
    platform, ident = find_message(con, message)
    root = (
        records(
            con, "SELECT root_id FROM messages WHERE platform = ? AND id = ?", [platform, ident]
        )[0]["root_id"]
        or ident
    )
    rows = records(con, _THREAD, [platform, root])
    by_id = {r["id"]: r for r in rows}
    chain, cursor = [], by_id.get(ident)
    while cursor is not None:
        chain.append(cursor["id"])
        cursor = by_id.get(cursor["parent_id"]) if cursor["parent_id"] else None
    people: dict[str, dict[str, Any]] = {}
    for r in rows:
        r["created_at"] = iso(r["created_at"])
        who = people.setdefault(
            r["author_id"] or "?",
            {
                "author_id": r["author_id"],
                "handle": r["handle"],
                "owned": r["owned"],
                "messages": 0,
            },
        )
        who["messages"] += 1
    return {
        "platform": platform,
        "root_id": root,
        "message_id": ident,
        "messages": rows,
        "chain": chain[::-1],
        "depth": max((r["depth"] for r in rows), default=0),
        "participants": sorted(people.values(), key=lambda p: (-p["messages"], str(p["handle"]))),
    }
