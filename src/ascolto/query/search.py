"""Search and count over the index: plain data out, for the CLI, the API and the reports."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

import pyarrow as pa
import tantivy

from ascolto.errors import BadOption
from ascolto.query.compile import compile_query
from ascolto.query.parser import Node, parse, render
from ascolto.store.index import SearchIndex

#: ``--sort``: the fast field and direction, or None for relevance (BM25).
SORTS: dict[str, tuple[str, tantivy.Order] | None] = {
    "relevance": None,
    "newest": ("created", tantivy.Order.Desc),
    "oldest": ("created", tantivy.Order.Asc),
    "likes": ("likes", tantivy.Order.Desc),
}
#: ``count --by``: periods come from the ``day`` field, the rest are keyword fields.
PERIODS = ("day", "week", "month")
KEYS = {
    "platform": "platform",
    "lang": "lang",
    "sentiment": "sentiment",
    "intent": "intent",
    "toxicity": "toxicity",
    "author": "handle",
    "kind": "kind",
}
BY = (*PERIODS, *KEYS)
#: Terms aggregations return at most this many buckets per field.
MAX_BUCKETS = 100_000
EPOCH = date(1970, 1, 1)
#: Days to step from one period's start into the next.
_STEP = {"day": 1, "week": 7, "month": 32}


def compiled(index: SearchIndex, query: str | Node, timezone: str) -> tuple[Node, tantivy.Query]:
    node = parse(query) if isinstance(query, str) else query
    return node, compile_query(node, index, timezone)


def search(
    index: SearchIndex,
    query: str | Node,
    limit: int = 20,
    offset: int = 0,
    sort: str = "relevance",
    timezone: str = "UTC",
) -> dict[str, Any]:
    """``{"query", "total", "results"}``: how many messages match, and a page of them with
    text, author, time, platform, labels and link."""
    if sort not in SORTS:
        raise BadOption(f"--sort: one of {', '.join(SORTS)}, not {sort!r}")
    node, q = compiled(index, query, timezone)
    searcher = index.searcher
    order = SORTS[sort]
    options: dict[str, Any] = {"offset": offset, "count": True}
    if order:
        options.update(order_by_field=order[0], order=order[1])
    found = searcher.search(q, max(limit, 1), **options)  # a limit of 0 crashes tantivy
    hits = found.hits[:limit] if limit > 0 else []
    return {
        "query": render(node),
        "total": _count(found),
        "results": [_result(searcher.doc(address).to_dict()) for _, address in hits],
    }


def _result(doc: dict[str, list[Any]]) -> dict[str, Any]:
    first = {name: values[0] if values else None for name, values in doc.items()}
    platform, _, ident = str(first["key"]).partition("\x1f")
    created = first.get("created")
    return {
        "id": f"{platform}:{ident}",
        "platform": platform,
        "author": first.get("handle"),
        "created_at": created.isoformat() if created else None,
        "text": first.get("text"),
        "kind": first.get("kind"),
        "lang": first.get("lang"),
        "sentiment": first.get("sentiment"),
        "intent": first.get("intent"),
        "toxicity": first.get("toxicity"),
        "likes": first.get("likes"),
        "url": first.get("permalink"),
    }


def count(
    index: SearchIndex,
    query: str | Node,
    by: str = "day",
    timezone: str = "UTC",
    limit: int | None = None,
) -> dict[str, Any]:
    """``{"query", "total", "by", "counts": [{"key", "count"}]}``: periods in time order with
    empty ones filled in, other groupings by count (``unknown``: not labelled yet)."""
    if by not in BY:
        raise BadOption(f"--by: one of {', '.join(BY)}, not {by!r}")
    node, q = compiled(index, query, timezone)
    searcher = index.searcher
    total = _count(searcher.search(q, 1, count=True))
    field = "day" if by in PERIODS else KEYS[by]
    result = searcher.aggregate(q, {"g": {"terms": {"field": field, "size": MAX_BUCKETS}}})
    buckets = {b["key"]: int(b["doc_count"]) for b in result["g"]["buckets"]}
    if by in PERIODS:
        counts = _periods(buckets, by)
    else:
        ranked = sorted(buckets.items(), key=lambda kv: (-kv[1], str(kv[0])))
        missing = total - sum(buckets.values())
        if missing > 0:
            ranked.append(("unknown", missing))
        counts = [{"key": k, "count": n} for k, n in ranked[:limit]]
    return {"query": render(node), "total": total, "by": by, "counts": counts}


def period_start(day: date, by: str) -> date:
    if by == "week":
        return day - timedelta(days=day.weekday())
    if by == "month":
        return day.replace(day=1)
    return day


def _periods(buckets: dict[Any, int], by: str) -> list[dict[str, Any]]:
    per: Counter[date] = Counter()
    for n, c in buckets.items():
        per[period_start(EPOCH + timedelta(days=int(n)), by)] += c
    if not per:
        return []
    out, cursor, last = [], min(per), max(per)
    while cursor <= last:
        out.append({"key": cursor.isoformat(), "count": per.get(cursor, 0)})
        cursor = period_start(cursor + timedelta(days=_STEP[by]), by)
    return out


def matching_rows(index: SearchIndex, query: str | Node, timezone: str = "UTC") -> pa.Array:
    """DuckDB's ``hash(platform, id)`` of every matching message: the way back to the store
    (``WHERE hash(platform, id) IN (...)``) for analyses that need more than the index holds."""
    _, q = compiled(index, query, timezone)
    searcher = index.searcher
    total = _count(searcher.search(q, 1, count=True))
    if not total:
        return pa.array([], pa.uint64())
    hits = searcher.search(q, total, count=False).hits
    return pa.array(searcher.fast_field_values("row", [a for _, a in hits]), pa.uint64())


def _count(found: tantivy.SearchResult) -> int:
    """The number of matches a search counted (the type stubs do not declare it)."""
    return int(found.count)  # type: ignore[attr-defined]
