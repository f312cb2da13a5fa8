"""Benchmark: the search index on 1M real texts, against DuckDB ILIKE scans in the same run.

Fills a store with 1M messages whose texts are the shared corpora's real texts (Italian
political tweets, customer-support tweets in English, ...; about 120k distinct, cycled), with
authors, followers, replies, links, a year of dates and sentiment and intent labels (drawn at
random: they are filters here, not what is measured). Then, in the same run:

- the index build (``store.index.update``, the whole store, in a fresh process; the median of
  ``--builds`` runs), its peak memory and its size on disk;
- 20 realistic Boolean queries (NEAR, wildcards, phrases, field filters) through
  ``query.search.search`` (parse, compile, count every match, fetch the top 20), each run
  ``--repeat`` times: p50 and p95 over all runs;
- DuckDB ``count(*) ... WHERE text ILIKE ?`` over the same queries' plain-term parts (fields
  dropped, NEAR read as AND), parameters only, the same way.

Writes ``bench/results/search.json``.

    python bench/search.py                      # 1M messages
    python bench/search.py --messages 50000 --repeat 3
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pyarrow as pa

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from enrich import DATA, real_texts  # noqa: E402
from measure import child, write_result  # noqa: E402

QUERIES = (
    "refund AND (flight OR booking)",
    '"customer service" NOT thanks',
    "delay* AND lang:en",
    "password NEAR/3 reset",
    "order NEAR/5f arrived",
    "(iphone OR ipad) AND (battery OR charg*)",
    "governo AND (renzi OR monti) sentiment:negative",
    '"buona scuola"',
    "monti NEAR/3 governo",
    "#renzi OR #monti",
    "@amazonhelp intent:support",
    "app AND (crash* OR freez*) NOT update",
    "w?fi OR internet platform:x",
    "scuola AND date:2025-03-01..2025-06-30",
    "(cancel* OR refund*) AND followers:>1000",
    "lavoro AND NOT (governo OR politica)",
    '"not working"~2',
    "is:reply AND (help OR aiuto) AND sentiment:negative",
    "package NEAR/3 (lost OR missing OR stolen)",
    "prezz* AND (caro OR alto OR aumento)",
)
PLATFORMS = ("x", "facebook", "instagram", "youtube")
SITES = ("example.com", "shop.example.it", "news.example.org", "youtu.be")
SENTIMENTS = ("negative", "neutral", "positive")
INTENTS = ("purchase", "question", "support", "complaint", "idea", "praise", "spam", "other")
START = datetime(2025, 1, 1, tzinfo=UTC)


def build(ws_dir: Path, n: int, seed: int = 2026) -> None:
    """A workspace whose store holds ``n`` messages of real texts with authors and labels."""
    from ascolto.enrich.language import identify
    from ascolto.workspace import Workspace

    rng = np.random.default_rng(seed)
    texts = real_texts(DATA)
    langs = [code for code, _ in identify(texts, ("it", "en", "es", "fr", "de", "pt"))]
    pick = rng.permutation(n) % len(texts)  # each text spread over the year
    users = 200_000
    author = rng.integers(0, users, n)
    created = START.timestamp() + np.sort(rng.uniform(0, 365 * 86400, n))
    reply = rng.random(n) < 0.4
    parent = np.where(reply, (rng.random(n) * np.arange(n)).astype(np.int64), -1)
    linked = rng.random(n) < 0.05
    ids = np.arange(n).astype(str)
    table = pa.table(
        {
            "platform": np.asarray(PLATFORMS)[rng.integers(0, 4, n)].tolist(),
            "id": ids.tolist(),
            "author_id": np.char.add("u", author.astype(str)).tolist(),
            "created_at": pa.array((created * 1e6).astype(np.int64)).cast(
                pa.timestamp("us", tz="UTC")
            ),
            "text": [texts[i] for i in pick],
            "kind": np.where(reply, "reply", "post").tolist(),
            "lang": [langs[i] for i in pick],
            "parent_id": [str(p) if p >= 0 else None for p in parent],
            "links": [
                [f"https://{SITES[i % 4]}/p/{i}"] if link else None for i, link in enumerate(linked)
            ],
            "likes": rng.poisson(3, n),
            "imported_at": pa.repeat(pa.scalar(START, pa.timestamp("us", tz="UTC")), n),
        }
    )
    people = pa.table(
        {
            "platform": ["x"] * users,
            "id": [f"u{i}" for i in range(users)],
            "handle": [f"user{i}" for i in range(users)],
            "followers": rng.lognormal(5, 2, users).astype(np.int64),
            "is_owned": [False] * users,
        }
    )
    labels = []
    for task, names in (("sentiment", SENTIMENTS), ("intent", INTENTS)):
        labels.append(
            pa.table(
                {
                    "platform": table.column("platform"),
                    "message_id": table.column("id"),
                    "task": pa.repeat(task, n),
                    "label": np.asarray(names)[rng.integers(0, len(names), n)].tolist(),
                    "score": np.ones(n),
                    "model": pa.repeat("bench", n),
                    "version": pa.repeat("1", n),
                    "created_at": pa.repeat(pa.scalar(START, pa.timestamp("us", tz="UTC")), n),
                }
            )
        )
    ws = Workspace.create(ws_dir)
    with ws.connect() as con:
        con.register("t", table)
        con.execute(
            "INSERT INTO messages (platform, id, author_id, created_at, text, kind, lang, "
            "parent_id, links, likes, imported_at) SELECT * FROM t"
        )
        con.register("u", people)
        con.execute(
            "INSERT INTO authors (platform, id, handle, followers, is_owned) SELECT * FROM u"
        )
        for table_ in labels:
            con.register("l", table_)
            con.execute("INSERT INTO enrichments SELECT * FROM l")


def build_index(db: Path, root: Path) -> tuple[dict[str, Any], float]:
    """``store.index.update`` over the whole store in a fresh process: its own timing (the
    interpreter's start left out) and the process's peak memory."""
    out = root.parent / "built.json"
    code = (
        "import duckdb, orjson\n"
        "from pathlib import Path\n"
        "from ascolto.store.index import update\n"
        f"con = duckdb.connect({str(db)!r}, read_only=True)\n"
        f"r = update(Path({str(root)!r}), con, 'Europe/Rome', full=True)\n"
        f"Path({str(out)!r}).write_bytes(orjson.dumps(dict(seconds=r.seconds, total=r.total)))\n"
    )
    _, peak = child(code)
    built: dict[str, Any] = orjson.loads(out.read_bytes())
    return built, peak


def ilike_sql(query: str) -> tuple[str, list[str]]:
    """The query's plain-term parts as a WHERE clause of ILIKE patterns, with parameters."""
    from ascolto.query.parser import And, Field, Near, Not, Or, Phrase, Tag, Term, parse

    params: list[str] = []

    def pattern(text: str) -> str:
        params.append("%" + text.replace("*", "%").replace("?", "_") + "%")
        return "text ILIKE ?"

    def walk(node: Any) -> str:
        if isinstance(node, Term):
            return pattern(node.text)
        if isinstance(node, Phrase):
            return pattern(" ".join(node.words))
        if isinstance(node, Tag):
            return pattern(node.kind + node.name)
        if isinstance(node, Field):
            return "true"
        if isinstance(node, Not):
            return f"NOT ({walk(node.node)})"
        if isinstance(node, And):
            return "(" + " AND ".join(walk(n) for n in node.nodes) + ")"
        if isinstance(node, Or):
            return "(" + " OR ".join(walk(n) for n in node.nodes) + ")"
        assert isinstance(node, Near)
        return f"({walk(node.left)} AND {walk(node.right)})"

    return walk(parse(query)), params


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def main(argv: list[str] | None = None) -> dict[str, Any]:
    import duckdb

    from ascolto.query.search import search
    from ascolto.store.index import SearchIndex

    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--messages", type=int, default=1_000_000)
    p.add_argument("--repeat", type=int, default=5, help="runs of each query")
    p.add_argument("--builds", type=int, default=3, help="index builds (the median is kept)")
    p.add_argument("--out", type=Path, default=HERE / "results" / "search.json")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp) / "ws"
        print(f"building a store of {args.messages:,} messages ...", flush=True)
        build(ws, args.messages)
        db, root = ws / "ascolto.duckdb", ws / "index"
        builds = [build_index(db, root) for _ in range(args.builds)]
        built = {
            "total": builds[0][0]["total"],
            "seconds": statistics.median(b["seconds"] for b, _ in builds),
            "runs": [round(b["seconds"], 2) for b, _ in builds],
        }
        peak_mb = max(peak for _, peak in builds)
        size_mb = sum(f.stat().st_size for f in root.rglob("*") if f.is_file()) / 1e6
        print(
            f"index: {built['total']:,} documents in {built['seconds']:.1f} s, "
            f"{size_mb:.0f} MB on disk, peak memory {peak_mb:.0f} MB"
        )
        index = SearchIndex(root)
        index.index.reload()
        ours: list[float] = []
        per_query = []
        with duckdb.connect(str(db), read_only=True) as con:
            con.execute("SET threads = 2")
            scans: list[float] = []
            for q in QUERIES:
                found = search(index, q, limit=20, timezone="Europe/Rome")  # warm
                times = []
                for _ in range(args.repeat):
                    start = time.perf_counter()
                    search(index, q, limit=20, timezone="Europe/Rome")
                    times.append(time.perf_counter() - start)
                where, params = ilike_sql(q)
                sql = f"SELECT count(*) FROM messages WHERE {where}"
                con.execute(sql, params).fetchall()  # warm
                scan_times = []
                for _ in range(max(1, args.repeat // 2)):
                    start = time.perf_counter()
                    scanned = con.execute(sql, params).fetchall()[0][0]
                    scan_times.append(time.perf_counter() - start)
                ours += times
                scans += scan_times
                per_query.append(
                    {
                        "query": q,
                        "matches": found["total"],
                        "ilike_matches": scanned,
                        "ms": round(1000 * statistics.median(times), 2),
                        "ilike_ms": round(1000 * statistics.median(scan_times), 1),
                    }
                )
                print(
                    f"  {q:<55} {found['total']:>8,} {per_query[-1]['ms']:>8.2f} ms   "
                    f"ILIKE {scanned:>8,} {per_query[-1]['ilike_ms']:>8.1f} ms",
                    flush=True,
                )
    p50, p95 = 1000 * percentile(ours, 50), 1000 * percentile(ours, 95)
    s50, s95 = 1000 * percentile(scans, 50), 1000 * percentile(scans, 95)
    row = {
        "messages": args.messages,
        "build_s": round(built["seconds"], 2),
        "build_runs_s": built["runs"],
        "build_peak_mb": round(peak_mb),
        "index_mb": round(size_mb, 1),
        "p50_ms": round(p50, 2),
        "p95_ms": round(p95, 2),
        "ilike_p50_ms": round(s50, 1),
        "ilike_p95_ms": round(s95, 1),
        "speedup_p50": round(s50 / p50, 1),
        "queries": per_query,
    }
    line = (
        f"search, {args.messages:,} messages: build {built['seconds']:.1f} s "
        f"(peak {peak_mb:.0f} MB); 20 queries "
        f"p50 {p50:.1f} ms, p95 {p95:.1f} ms; DuckDB ILIKE p50 {s50:.0f} ms, p95 {s95:.0f} ms "
        f"({s50 / p50:.0f}x at p50)"
    )
    return write_result(args.out, "search", [row], line)


if __name__ == "__main__":
    main()
