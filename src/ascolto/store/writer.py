"""Batch writes: messages and authors go to DuckDB as Arrow tables, one transaction a batch.

Import is idempotent on ``(platform, id)``: a record seen again updates metrics (newest known
value wins) and fills fields that were missing, and is counted as ``updated`` when that changed
something, ``duplicate`` when it did not.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from operator import attrgetter
from typing import Any

import duckdb
import orjson
import pyarrow as pa

from ascolto.models import Author, Message
from ascolto.store.db import one

#: Counts and profile numbers: the newest non-null value wins on re-import.
MESSAGE_METRICS = ("likes", "shares", "replies", "quotes", "views", "score")
#: Everything else: filled when missing, never overwritten by a later import.
MESSAGE_FILLS = (
    "author_id", "text", "lang", "url", "title", "parent_id", "parent_author_id",
    "quoted_id", "quoted_author_id", "shared_id", "shared_author_id",
)
AUTHOR_PROFILE = ("handle", "name", "followers", "following", "posts_count", "verified",
                  "description", "url")

_STR = pa.string()
_INT = pa.int64()
_TS = pa.timestamp("us", tz="UTC")
_STRS = pa.list_(pa.string())

MESSAGE_SCHEMA = pa.schema(
    [("platform", _STR), ("id", _STR), ("author_id", _STR), ("created_at", _TS),
     ("text", _STR), ("kind", _STR), ("lang", _STR), ("url", _STR), ("title", _STR),
     ("parent_id", _STR), ("root_id", _STR), ("parent_author_id", _STR),
     ("quoted_id", _STR), ("quoted_author_id", _STR), ("shared_id", _STR),
     ("shared_author_id", _STR)]
    + [(m, _INT) for m in MESSAGE_METRICS]
    + [("mentions", _STRS), ("hashtags", _STRS), ("links", _STRS), ("raw", _STR)]
)
AUTHOR_SCHEMA = pa.schema(
    [("platform", _STR), ("id", _STR), ("handle", _STR), ("name", _STR),
     ("followers", _INT), ("following", _INT), ("posts_count", _INT), ("created_at", _TS),
     ("verified", pa.bool_()), ("description", _STR), ("url", _STR), ("is_owned", pa.bool_())]
)
_MESSAGE_FIELDS = [f for f in MESSAGE_SCHEMA.names if f not in ("author_id", "raw")]
_AUTHOR_FIELDS = AUTHOR_SCHEMA.names


@dataclass(slots=True)
class BatchCounts:
    new: int = 0
    updated: int = 0
    duplicates: int = 0

    def add(self, other: BatchCounts) -> None:
        self.new += other.new
        self.updated += other.updated
        self.duplicates += other.duplicates


def raw_json(raw: Any) -> str | None:
    """The original record as JSON text.

    A string that opens like a JSON object or array is the record's original JSON text and is
    kept as is; any other string (an XML element, a CSV line) is stored as a JSON string.
    """
    if raw is None:
        return None
    if isinstance(raw, str) and raw[:1] in ("{", "["):
        return raw
    return orjson.dumps(raw, default=str, option=orjson.OPT_NON_STR_KEYS).decode()


def merge_authors(authors: Iterable[Author]) -> list[Author]:
    """One author per ``(platform, id)``; a fuller profile (with a handle) replaces a bare id.

    Profiles seen in one batch are snapshots of the same account moments apart, so the last
    full one is kept whole; the store then coalesces it with what it already knows.
    """
    merged: dict[tuple[str, str], Author] = {}
    for a in authors:
        key = (a.platform, a.id)
        old = merged.get(key)
        if old is None or a.handle is not None or a.name is not None or a.is_owned:
            if old is not None and old.is_owned and not a.is_owned:
                a.is_owned = True
            merged[key] = a
    return list(merged.values())


_message_row = attrgetter(*[f for f in MESSAGE_SCHEMA.names if f not in ("author_id", "raw")])
_author_row = attrgetter(*AUTHOR_SCHEMA.names)


def messages_table(messages: Sequence[Message], raws: Sequence[str | None]) -> pa.Table:
    """Arrow table of a batch, built column-wise from per-message tuples (C-speed getters)."""
    columns = list(zip(*map(_message_row, messages), strict=True)) if messages else [
        () for _ in _MESSAGE_FIELDS]
    arrays = dict(zip(_MESSAGE_FIELDS, columns, strict=True))
    arrays["author_id"] = [m.author.id if m.author is not None else None for m in messages]
    arrays["raw"] = raws
    return pa.Table.from_pydict(
        {name: arrays[name] for name in MESSAGE_SCHEMA.names}, schema=MESSAGE_SCHEMA
    )


def authors_table(authors: Sequence[Author]) -> pa.Table:
    columns = list(zip(*map(_author_row, authors), strict=True)) if authors else [
        () for _ in _AUTHOR_FIELDS]
    return pa.Table.from_pydict(dict(zip(_AUTHOR_FIELDS, columns, strict=True)),
                                schema=AUTHOR_SCHEMA)


def _changed(columns: Iterable[str], fill: bool) -> str:
    if fill:
        return " OR ".join(f"(m.{c} IS NULL AND b.{c} IS NOT NULL)" for c in columns)
    return " OR ".join(f"(b.{c} IS NOT NULL AND b.{c} IS DISTINCT FROM m.{c})" for c in columns)


_COUNT_SQL = f"""
SELECT count(*) FILTER (WHERE m.id IS NULL),
       count(*) FILTER (WHERE m.id IS NOT NULL AND ({_changed(MESSAGE_METRICS, False)}
                                                    OR {_changed(MESSAGE_FILLS, True)}
                                                    OR (b.root_id IS NOT NULL AND
                                                        (m.root_id IS NULL OR m.root_inferred)))),
       count(*) FILTER (WHERE m.id IS NOT NULL)
FROM batch_messages b LEFT JOIN messages m ON m.platform = b.platform AND m.id = b.id
"""

_MSG_COLS = ", ".join(MESSAGE_SCHEMA.names)
_UPSERT_MESSAGES = f"""
INSERT INTO messages ({_MSG_COLS}, source_id, imported_at, updated_at)
SELECT {_MSG_COLS}, $source_id, $now, $now FROM batch_messages
ON CONFLICT (platform, id) DO UPDATE SET
  {", ".join(f"{c} = coalesce(excluded.{c}, {c})" for c in MESSAGE_METRICS)},
  {", ".join(f"{c} = coalesce({c}, excluded.{c})" for c in MESSAGE_FILLS)},
  mentions = CASE WHEN len(mentions) = 0 THEN excluded.mentions ELSE mentions END,
  hashtags = CASE WHEN len(hashtags) = 0 THEN excluded.hashtags ELSE hashtags END,
  links = CASE WHEN len(links) = 0 THEN excluded.links ELSE links END,
  root_id = CASE
      -- the format now names the root: it beats one the store inferred
      WHEN excluded.root_id IS NOT NULL AND (root_inferred OR
           (parent_id IS NULL AND excluded.parent_id IS NOT NULL)) THEN excluded.root_id
      -- a parent appears for a message stored as a thread top: derive its root again
      WHEN parent_id IS NULL AND excluded.parent_id IS NOT NULL THEN NULL
      ELSE coalesce(root_id, excluded.root_id) END,
  root_inferred = root_inferred AND excluded.root_id IS NULL,
  raw = coalesce(excluded.raw, raw),
  updated_at = excluded.updated_at
"""

_AUTHOR_COLS = ", ".join(_AUTHOR_FIELDS)
_UPSERT_AUTHORS = f"""
INSERT INTO authors ({_AUTHOR_COLS}, first_seen, updated_at)
SELECT {", ".join(c if c != "is_owned" else "coalesce(is_owned, false)" for c in _AUTHOR_FIELDS)},
       $now, $now
FROM batch_authors
ON CONFLICT (platform, id) DO UPDATE SET
  {", ".join(f"{c} = coalesce(excluded.{c}, {c})" for c in AUTHOR_PROFILE)},
  created_at = coalesce(created_at, excluded.created_at),
  is_owned = is_owned OR excluded.is_owned,
  updated_at = excluded.updated_at
"""


def write_batch(
    con: duckdb.DuckDBPyConnection,
    messages: pa.Table,
    authors: pa.Table,
    source_id: int,
) -> BatchCounts:
    """Upsert one batch (unique on ``(platform, id)``) inside the caller's transaction."""
    now = datetime.now(UTC)
    counts = BatchCounts()
    if messages.num_rows == 0:
        return counts
    con.register("batch_messages", messages)
    try:
        row = one(con, _COUNT_SQL)
        assert row is not None
        counts.new, counts.updated = int(row[0]), int(row[1])
        counts.duplicates = int(row[2]) - counts.updated
        con.execute(_UPSERT_MESSAGES, {"source_id": source_id, "now": now})
    finally:
        con.unregister("batch_messages")
    if authors.num_rows:
        con.register("batch_authors", authors)
        try:
            con.execute(_UPSERT_AUTHORS, {"now": now})
        finally:
            con.unregister("batch_authors")
    return counts
