"""Saved topics (a name and a Boolean query), their numbers over time, and share of voice.

Topics come from ``ascolto.toml`` (``[topics]``) and from ``ascolto topics add`` (the store's
``topics`` table); a name lives in one place only. A topic's messages are found by the search
index; everything counted about them is exact SQL over the store:

- volume: messages; authors: distinct authors;
- engagement: likes + shares + replies + quotes (the interactions the platforms report);
- impressions: the sum of each message's author followers ("potential impressions", counted
  per message as Brandwatch and Sprout Social do);
- reach: the followers of each distinct author, counted once (the "potential reach" of
  Talkwalker and Meltwater): an upper bound of the people who could have seen it;
- net sentiment: (positive - negative) / (positive + negative), None when both are 0;
- intent mix: messages per intent (``unknown`` until ``ascolto enrich``).

Share of voice (Brandwatch, Sprout Social, Talkwalker: a brand's mentions / the mentions of
the brand and its competitors) is each topic's share of the sum over all saved topics, by
volume, by engagement and by reach. A message in two topics counts for both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb
import pyarrow as pa

from ascolto.errors import BadOption
from ascolto.query.parser import parse
from ascolto.query.search import PERIODS, matching_rows
from ascolto.store.db import records, registered
from ascolto.store.index import SearchIndex

SENTIMENTS = ("positive", "neutral", "negative")
#: What share of voice is measured by.
SHARE_BY = ("volume", "engagement", "reach")


@dataclass(frozen=True)
class Topic:
    name: str
    query: str
    competitor: bool = False
    #: where it is defined: "ascolto.toml" or "store"
    source: str = "store"


def saved(con: duckdb.DuckDBPyConnection, in_file: Mapping[str, Any]) -> list[Topic]:
    """Every topic: ``ascolto.toml``'s first (``in_file``, the ``topics`` setting), then
    those added with ``topics add``."""
    out = [
        Topic(name, spec["query"], spec["competitor"], "ascolto.toml")
        for name, spec in in_file.items()
    ]
    for r in records(con, "SELECT name, query, competitor FROM topics ORDER BY created_at, name"):
        if r["name"] not in in_file:
            out.append(Topic(r["name"], r["query"], r["competitor"]))
    return out


def add(
    con: duckdb.DuckDBPyConnection,
    in_file: Mapping[str, Any],
    name: str,
    query: str,
    competitor: bool = False,
) -> Topic:
    """Save a topic (its query is checked first); replaces a topic of that name in the store."""
    name = name.strip()
    if not name:
        raise BadOption("a topic needs a name")
    parse(query)  # QueryError names the position
    if name in in_file:
        raise BadOption(
            f"topic {name!r} is defined in ascolto.toml; change it there or choose another name"
        )
    con.execute(
        "INSERT OR REPLACE INTO topics (name, query, competitor, created_at) VALUES (?, ?, ?, ?)",
        [name, query, competitor, datetime.now(UTC)],
    )
    return Topic(name, query, competitor)


def remove(con: duckdb.DuckDBPyConnection, in_file: Mapping[str, Any], name: str) -> None:
    if name in in_file:
        raise BadOption(f"topic {name!r} is defined in ascolto.toml; remove it there")
    if not con.execute("DELETE FROM topics WHERE name = ? RETURNING name", [name]).fetchall():
        raise BadOption(f"no topic {name!r}; `ascolto topics list` shows them")


def pick(topics: list[Topic], names: list[str] | None) -> list[Topic]:
    """The topics named (all when none), or one clear error naming the unknown one."""
    if not names:
        return topics
    known = {t.name: t for t in topics}
    for name in names:
        if name not in known:
            listed = ", ".join(known) or "none yet: `ascolto topics add NAME 'QUERY'`"
            raise BadOption(f"no topic {name!r}; topics: {listed}")
    return [known[n] for n in names]


_MEASURE = """
WITH hit AS (SELECT row FROM _topic_rows),
picked AS (
    SELECT m.platform, m.id, m.author_id, m.created_at,
           coalesce(m.likes, 0) + coalesce(m.shares, 0) + coalesce(m.replies, 0)
             + coalesce(m.quotes, 0) AS engagement,
           coalesce(a.followers, 0) AS followers,
           date_trunc($by, (m.created_at AT TIME ZONE $tz)::DATE)::DATE AS period
    FROM messages m
    LEFT JOIN authors a ON a.platform = m.platform AND a.id = m.author_id
    WHERE hash(m.platform, m.id) IN (SELECT row FROM hit)
      AND ($since IS NULL OR m.created_at >= $since)
      AND ($until IS NULL OR m.created_at < $until)
),
labelled AS (
    SELECT p.*, coalesce(s.label, 'unknown') AS sentiment, coalesce(i.label, 'unknown') AS intent
    FROM picked p
    LEFT JOIN labels s ON s.platform = p.platform AND s.message_id = p.id AND s.task = 'sentiment'
    LEFT JOIN labels i ON i.platform = p.platform AND i.message_id = p.id AND i.task = 'intent'
),
per_author AS (
    SELECT {group} platform, author_id, max(followers) AS followers FROM labelled GROUP BY ALL
)
SELECT {group_select}
       count(*) AS volume,
       count(DISTINCT (platform, author_id)) AS authors,
       sum(engagement)::BIGINT AS engagement,
       sum(followers)::BIGINT AS impressions,
       (SELECT coalesce(sum(followers), 0) FROM per_author a {where_same})::BIGINT AS reach,
       count(*) FILTER (WHERE sentiment = 'positive') AS positive,
       count(*) FILTER (WHERE sentiment = 'neutral') AS neutral,
       count(*) FILTER (WHERE sentiment = 'negative') AS negative,
       count(*) FILTER (WHERE sentiment = 'unknown') AS sentiment_unknown,
       histogram(intent) AS intents
FROM labelled l
{group_by}
"""


def measure(
    con: duckdb.DuckDBPyConnection,
    index: SearchIndex,
    topics: list[Topic],
    since: datetime | None = None,
    until: datetime | None = None,
    by: str = "week",
    timezone: str = "UTC",
) -> list[dict[str, Any]]:
    """Per topic: the totals and the same numbers per ``by`` period (day, week, month)."""
    if by not in PERIODS:
        raise BadOption(f"--by: one of {', '.join(PERIODS)}, not {by!r}")
    params = {"since": since, "until": until, "by": by, "tz": timezone}
    out = []
    for topic in topics:
        rows = pa.table({"row": matching_rows(index, topic.query, timezone)})
        with registered(con, "_topic_rows", rows):
            total = records(con, _sql(grouped=False), params)
            periods = records(con, _sql(grouped=True), params)
        entry = {**asdict(topic), **_numbers(total[0])}
        entry["periods"] = [{"period": r["period"].isoformat(), **_numbers(r)} for r in periods]
        out.append(entry)
    return out


def _sql(grouped: bool) -> str:
    if grouped:
        return _MEASURE.format(
            group="period,",
            group_select="l.period,",
            where_same="WHERE a.period = l.period",
            group_by="GROUP BY l.period ORDER BY l.period",
        )
    return _MEASURE.format(group="", group_select="", where_same="", group_by="")


def _numbers(r: dict[str, Any]) -> dict[str, Any]:
    pos, neg = int(r["positive"]), int(r["negative"])
    return {
        "volume": int(r["volume"]),
        "authors": int(r["authors"]),
        "engagement": int(r["engagement"] or 0),
        "impressions": int(r["impressions"] or 0),
        "reach": int(r["reach"] or 0),
        "sentiment": {
            "positive": pos,
            "neutral": int(r["neutral"]),
            "negative": neg,
            "unknown": int(r["sentiment_unknown"]),
        },
        "net_sentiment": round((pos - neg) / (pos + neg), 4) if pos + neg else None,
        "intents": dict(sorted((r["intents"] or {}).items(), key=lambda kv: (-kv[1], kv[0]))),
    }


def share_of_voice(measured: list[dict[str, Any]]) -> dict[str, Any]:
    """Each topic's share of the saved topics' sum, by volume, engagement and reach, overall
    and per period; ``brand`` adds up the topics that are not competitors'."""
    out: dict[str, Any] = {"topics": [t["name"] for t in measured]}
    for metric in SHARE_BY:
        total = sum(t[metric] for t in measured)
        shares = {t["name"]: round(t[metric] / total, 4) if total else None for t in measured}
        out[f"by_{metric}"] = shares
        own = [shares[t["name"]] or 0.0 for t in measured if not t["competitor"]]
        out.setdefault("brand", {})[metric] = round(sum(own), 4) if total else None
    periods = sorted({p["period"] for t in measured for p in t["periods"]})
    volume = {t["name"]: {p["period"]: p["volume"] for p in t["periods"]} for t in measured}
    out["periods"] = []
    for period in periods:
        total = sum(v.get(period, 0) for v in volume.values())
        out["periods"].append(
            {
                "period": period,
                "volume": total,
                **{
                    n: round(v.get(period, 0) / total, 4) if total else None
                    for n, v in volume.items()
                },
            }
        )
    return out


_AUDIENCE = """
SELECT m.platform, m.id, m.text, coalesce(g.label, m.lang) AS lang, m.created_at, m.author_id,
       m.likes, s.label AS sentiment
FROM messages m
LEFT JOIN authors a ON a.platform = m.platform AND a.id = m.author_id
LEFT JOIN labels s ON s.platform = m.platform AND s.message_id = m.id AND s.task = 'sentiment'
LEFT JOIN labels g ON g.platform = m.platform AND g.message_id = m.id AND g.task = 'language'
WHERE NOT coalesce(a.is_owned, false) AND m.kind <> 'share'
  AND ($since IS NULL OR m.created_at >= $since)
  AND ($until IS NULL OR m.created_at < $until)
  {only}
"""


def audience(
    con: duckdb.DuckDBPyConnection,
    rows: pa.Array | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> pa.Table:
    """What the audience wrote (owned accounts and shares left out), optionally only the
    messages whose ``hash(platform, id)`` is in ``rows`` (a query's or a topic's): the input
    of ``themes``."""
    params = {"since": since, "until": until}
    if rows is None:
        return con.sql(_AUDIENCE.format(only=""), params=params).to_arrow_table()
    only = "AND hash(m.platform, m.id) IN (SELECT row FROM _audience_rows)"
    with registered(con, "_audience_rows", pa.table({"row": rows})):
        return con.sql(_AUDIENCE.format(only=only), params=params).to_arrow_table()
