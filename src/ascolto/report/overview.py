"""The overview report: one static HTML file describing what a workspace holds.

``build_overview`` computes plain data from the store (volume by day and platform, what the
audience says: sentiment, intent, language and toxicity mix, top authors, biggest threads,
owner responses, kinds); ``render_overview`` writes it as a single HTML file
with the data as JSON and Chart.js inlined, so the page works offline and can be mailed around.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import orjson
import pyarrow as pa
from jinja2 import Environment, FileSystemLoader, select_autoescape

from ascolto import __version__
from ascolto.care.conversations import addressed
from ascolto.care.responses import duration, metrics, waiting
from ascolto.enrich.tasks import INTENT, SENTIMENT, TASKS
from ascolto.store.db import iso, records, scratch
from ascolto.store.queries import labels_by_message

TEMPLATES = Path(__file__).parent / "templates"
CHART_JS = Path(__file__).parents[1] / "web" / "static" / "vendor" / "chart.umd.min.js"
TOP = 15


def build_overview(
    con: duckdb.DuckDBPyConnection,
    brand: str = "",
    top: int = TOP,
    explore: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Everything the overview shows, as plain JSON-ready data; ``explore`` is
    ``report.explore.build_explore``'s (share of voice, themes, ideas), when there is an index."""
    totals = records(
        con,
        """
        SELECT count(*) AS messages, count(DISTINCT (platform, author_id)) AS authors,
               count(DISTINCT (platform, root_id)) AS threads,
               min(created_at) AS first, max(created_at) AS last
        FROM messages""",
    )[0]
    platforms = [
        r["platform"]
        for r in records(
            con, "SELECT platform, count(*) AS n FROM messages GROUP BY 1 ORDER BY 2 DESC, 1"
        )
    ]
    return {
        "brand": brand,
        "generated_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "version": __version__,
        "first": iso(totals["first"]),
        "last": iso(totals["last"]),
        "totals": {k: totals[k] for k in ("messages", "authors", "threads")},
        "platforms": platforms,
        "owned": records(
            con,
            """SELECT platform, id, handle, name FROM authors WHERE is_owned
                              ORDER BY platform, id""",
        ),
        "volume": _volume(con, platforms),
        "kinds": _kinds(con),
        "top_authors": _top_authors(con, "messages DESC, followers DESC NULLS LAST", top),
        "top_followed": _top_authors(
            con, "followers DESC NULLS LAST, messages DESC", top, "a.followers IS NOT NULL"
        ),
        "threads": _threads(con, top),
        "responses": _responses(con),
        "reading": _reading(con),
        "explore": explore,
    }


def _volume(con: duckdb.DuckDBPyConnection, platforms: list[str]) -> dict[str, Any]:
    """Messages per day and platform; per week or month when the data spans years."""
    span = records(
        con,
        """
        SELECT min(created_at AT TIME ZONE 'UTC')::DATE AS first,
               max(created_at AT TIME ZONE 'UTC')::DATE AS last FROM messages""",
    )[0]
    if span["first"] is None:
        return {"bucket": "day", "days": [], "series": {}}
    days = (span["last"] - span["first"]).days
    bucket = "day" if days <= 200 else "week" if days <= 1500 else "month"
    rows = records(
        con,
        f"""
        SELECT date_trunc('{bucket}', created_at AT TIME ZONE 'UTC')::DATE AS day, platform,
               count(*) AS n
        FROM messages GROUP BY ALL ORDER BY day""",
    )
    labels = [d.isoformat() for d in _buckets(rows[0]["day"], rows[-1]["day"], bucket)]
    index = {d: i for i, d in enumerate(labels)}
    series = {p: [0] * len(labels) for p in platforms}
    for r in rows:
        series[r["platform"]][index[r["day"].isoformat()]] = r["n"]
    return {"bucket": bucket, "days": labels, "series": series}


def _buckets(first: date, last: date, bucket: str) -> list[date]:
    """Every bucket start from ``first`` to ``last``, so quiet periods show as zeros."""
    out, d = [], first
    while d <= last:
        out.append(d)
        if bucket == "day":
            d += timedelta(days=1)
        elif bucket == "week":
            d += timedelta(weeks=1)
        else:
            d = date(d.year + d.month // 12, d.month % 12 + 1, 1)
    return out


def _kinds(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for r in records(
        con,
        "SELECT platform, kind, count(*) AS n FROM messages GROUP BY ALL ORDER BY platform, kind",
    ):
        out.setdefault(r["platform"], {})[r["kind"]] = r["n"]
    return out


def _top_authors(
    con: duckdb.DuckDBPyConnection, order: str, top: int, where: str = "true"
) -> list[dict[str, Any]]:
    return records(
        con,
        f"""
        SELECT m.platform, m.author_id AS id, a.handle, a.name, a.followers,
               coalesce(a.is_owned, false) AS owned, count(*) AS messages,
               count(*) FILTER (WHERE m.parent_id IS NOT NULL) AS replies
        FROM messages m LEFT JOIN authors a ON a.platform = m.platform AND a.id = m.author_id
        WHERE m.author_id IS NOT NULL AND {where}
        GROUP BY ALL ORDER BY {order}, m.platform, m.author_id LIMIT ?""",
        [top],
    )


def _threads(con: duckdb.DuckDBPyConnection, top: int) -> list[dict[str, Any]]:
    rows = records(
        con,
        """
        WITH sizes AS (
            SELECT platform, root_id, count(*) - 1 AS replies,
                   count(DISTINCT author_id) AS authors, max(created_at) AS last
            FROM messages WHERE root_id IS NOT NULL GROUP BY ALL
            HAVING count(*) > 1
        )
        SELECT s.platform, s.root_id AS id, s.replies, s.authors, s.last,
               r.created_at AS started, coalesce(r.title, r.text) AS text, r.url,
               a.handle, a.name
        FROM sizes s
        LEFT JOIN messages r ON r.platform = s.platform AND r.id = s.root_id
        LEFT JOIN authors a ON a.platform = r.platform AND a.id = r.author_id
        ORDER BY s.replies DESC, s.platform, s.root_id LIMIT ?""",
        [top],
    )
    for r in rows:
        r["started"], r["last"] = iso(r["started"]), iso(r["last"])
        if r["text"] and len(r["text"]) > 160:
            r["text"] = r["text"][:157] + "…"
    return rows


#: One row per audience message (not by an owned account, not a share) with its four labels
#: from the ``labels`` view (a user's correction wins over the model), counted by combination.
_READING = """
WITH audience AS (
    SELECT m.platform, m.id FROM messages m
    LEFT JOIN authors a ON a.platform = m.platform AND a.id = m.author_id
    WHERE NOT coalesce(a.is_owned, false) AND m.kind <> 'share'
), read AS (
{read}
)
SELECT a.platform, r.sentiment, r.intent, r.language, r.toxicity, count(*) AS n
FROM audience a LEFT JOIN read r USING (platform, id)
GROUP BY ALL
"""


def _reading(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Sentiment, intent, language and toxicity mix of the audience's messages."""
    rows = records(con, _READING.format(read=labels_by_message(TASKS)))
    audience = sum(r["n"] for r in rows)
    read = [r for r in rows if r["sentiment"] or r["intent"]]
    out: dict[str, Any] = {"audience": audience, "read": sum(r["n"] for r in read)}

    def count(key: str, where: Any = lambda r: True) -> dict[str, int]:
        tally: dict[str, int] = {}
        for r in read:
            if r[key] and where(r):
                tally[r[key]] = tally.get(r[key], 0) + r["n"]
        return tally

    sentiment = count("sentiment")
    pos, neg = sentiment.get("positive", 0), sentiment.get("negative", 0)
    out["sentiment"] = {
        "overall": {k: sentiment.get(k, 0) for k in SENTIMENT},
        "net": round((pos - neg) / (pos + neg), 3) if pos + neg else None,
        "by_platform": {
            p: count("sentiment", lambda r, p=p: r["platform"] == p)
            for p in sorted({r["platform"] for r in read})
        },
    }
    intents = count("intent")
    out["intent"] = [
        {
            "intent": name,
            "n": intents.get(name, 0),
            "share": round(intents.get(name, 0) / out["read"], 4) if out["read"] else 0.0,
            "sentiment": {
                k: count("sentiment", lambda r, i=name: r["intent"] == i).get(k, 0)
                for k in SENTIMENT
            },
            "toxic": count("toxicity", lambda r, i=name: r["intent"] == i).get("toxic", 0),
        }
        for name in sorted(INTENT, key=lambda i: (-intents.get(i, 0), INTENT.index(i)))
    ]
    out["language"] = dict(sorted(count("language").items(), key=lambda kv: -kv[1]))
    out["toxic"] = count("toxicity").get("toxic", 0)
    out["models"] = records(
        con,
        """SELECT task, model, version, count(*) AS messages FROM enrichments
           GROUP BY ALL ORDER BY task, model, version""",
    )
    return out


def _responses(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The response gap: answered, rate and first-reply times per platform and per intent,
    the rate week by week, and the messages still waiting longest."""
    owned = records(con, "SELECT count(*) AS n FROM authors WHERE is_owned")[0]["n"]
    rows = addressed(con)
    result = metrics(rows, ["platform", "intent"])
    return {
        "owned_accounts": owned,
        "overall": result["overall"],
        "by_platform": [{"platform": k, **v} for k, v in result["by_platform"].items()],
        "by_intent": [{"intent": k, **v} for k, v in result["by_intent"].items()],
        "over_time": _gap_over_time(rows),
        "waiting": waiting(con, rows, n=3),
    }


def _gap_over_time(rows: pa.Table) -> dict[str, Any]:
    """Response rate per week for the intents the gap is about."""
    with scratch("addressed_rows", rows) as local:
        weekly = local.execute(
            """SELECT week::VARCHAR AS week, intent, count(first_response_at) / count(*) AS rate
               FROM addressed_rows WHERE intent IN ('purchase', 'question', 'support',
                    'complaint', 'idea') GROUP BY ALL ORDER BY week"""
        ).fetchall()
    weeks = sorted({w for w, _, _ in weekly})
    series: dict[str, list[float | None]] = {}
    for week, intent, rate in weekly:
        series.setdefault(intent, [None] * len(weeks))[weeks.index(week)] = round(rate, 3)
    return {"weeks": weeks, "series": series}


def render_overview(data: dict[str, Any], path: Path) -> Path:
    """Write ``data`` as one self-contained HTML file at ``path``; returns ``path``."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    template = env.get_template("overview.html.j2")
    payload = orjson.dumps(data, default=str).decode()
    html = template.render(
        data=data, data_json=_script_safe(payload), chart_js=_chart_js(), duration=duration
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path


def _chart_js() -> str:
    """The vendored Chart.js, without its source-map line (the map is not shipped)."""
    text = CHART_JS.read_text(encoding="utf-8")
    return "\n".join(
        line for line in text.splitlines() if not line.startswith("//# sourceMappingURL")
    )


def _script_safe(text: str) -> str:
    """JSON that cannot close the ``<script>`` element it sits in."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
