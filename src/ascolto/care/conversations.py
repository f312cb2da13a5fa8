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
    SELECT platform, message_id AS id,
           any_value(label) FILTER (WHERE task = 'intent') AS intent,
           any_value(label) FILTER (WHERE task = 'sentiment') AS sentiment,
           any_value(label) FILTER (WHERE task = 'toxicity') AS toxicity
    FROM labels WHERE task IN ('intent', 'sentiment', 'toxicity') GROUP BY ALL
)
SELECT d.platform, d.id, d.author_id, d.created_at, d.root_id, d.parent_id,
       coalesce(l.intent, 'unknown') AS intent,
       coalesce(l.sentiment, 'unknown') AS sentiment,
       coalesce(l.toxicity, 'unknown') AS toxicity,
       u.followers,
       CASE WHEN u.followers IS NULL THEN 'unknown'
            {influence} END AS influence,
       (d.created_at AT TIME ZONE $tz)::DATE AS day,
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
    return con.sql(_ADDRESSED.format(influence=influence), params=params).to_arrow_table()
