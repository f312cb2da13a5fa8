"""Benchmark: end-to-end ingest of twarc2 stream JSONL vs DuckDB's own ``read_json``.

Generates realistic twarc2 filter-stream lines (one tweet with its ``includes`` a line, ~2 KB,
a mix of posts, replies, retweets and quotes), then for each size runs, in the same process
tree and on the same file: (a) DuckDB ``CREATE TABLE AS SELECT * FROM read_json(...)`` into a
fresh database file, (b) ``ascolto ingest`` into a fresh workspace, each in a child process whose
peak memory is measured. Prints a table and writes JSON to ``bench/results/ingest.json``.

    python bench/ingest.py                 # 250k and 1M tweets (make bench)
    python bench/ingest.py --sizes 20000   # a small run
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # also when a test loads this file by path

from measure import child, write_result  # noqa: E402

WORDS = [
    "caffè",
    "nuovo",
    "gusto",
    "ordine",
    "consegna",
    "grazie",
    "problema",
    "aiuto",
    "dove",
    "comprare",
    "prezzo",
    "offerta",
    "bellissimo",
    "pessimo",
    "servizio",
    "cliente",
    "negozio",
    "online",
    "spedizione",
    "ritardo",
    "rimborso",
    "idea",
    "proposta",
    "domanda",
    "risposta",
    "love",
    "amazing",
    "great",
    "terrible",
    "support",
    "order",
    "delivery",
    "refund",
]


def generate(path: Path, n: int, seed: int = 7) -> None:
    """Write ``n`` twarc2 stream lines: realistic field set and size, deterministic."""
    rng = random.Random(seed)
    base = datetime(2026, 1, 1, tzinfo=UTC)
    n_users = max(1000, n // 20)
    with path.open("wb") as f:
        for i in range(n):
            tid = 1_600_000_000_000_000_000 + i
            uid = rng.randrange(n_users)
            created = base + timedelta(seconds=i * 3)
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 30)))
            mention = rng.randrange(n_users)
            tweet: dict = {
                "id": str(tid),
                "author_id": str(10_000 + uid),
                "created_at": created.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                "conversation_id": str(tid),
                "text": f"@user{mention} {text} #brand{rng.randrange(50)}",
                "lang": rng.choice(("it", "it", "en")),
                "source": "Twitter for iPhone",
                "reply_settings": "everyone",
                "possibly_sensitive": False,
                "edit_history_tweet_ids": [str(tid)],
                "edit_controls": {
                    "edits_remaining": 5,
                    "is_edit_eligible": True,
                    "editable_until": created.isoformat(),
                },
                "public_metrics": {
                    "retweet_count": rng.randrange(20),
                    "reply_count": rng.randrange(10),
                    "like_count": rng.randrange(200),
                    "quote_count": rng.randrange(5),
                    "impression_count": rng.randrange(10_000),
                    "bookmark_count": rng.randrange(5),
                },
                "entities": {
                    "mentions": [
                        {
                            "start": 0,
                            "end": 10,
                            "username": f"user{mention}",
                            "id": str(10_000 + mention),
                        }
                    ],
                    "hashtags": [{"start": 60, "end": 70, "tag": f"brand{rng.randrange(50)}"}],
                },
                "context_annotations": [
                    {
                        "domain": {
                            "id": "47",
                            "name": "Brand",
                            "description": "Brands and companies",
                        },
                        "entity": {"id": "10026", "name": "Aurora"},
                    }
                ],
            }
            r = rng.random()
            if i > 10 and r < 0.35:
                parent = tid - rng.randint(1, min(i, 500))
                tweet["referenced_tweets"] = [{"type": "replied_to", "id": str(parent)}]
                tweet["in_reply_to_user_id"] = str(10_000 + rng.randrange(n_users))
                tweet["conversation_id"] = str(parent)
            elif i > 10 and r < 0.55:
                tweet["referenced_tweets"] = [
                    {"type": "retweeted", "id": str(tid - rng.randint(1, min(i, 500)))}
                ]
                tweet["text"] = "RT " + tweet["text"]
            elif i > 10 and r < 0.60:
                tweet["referenced_tweets"] = [
                    {"type": "quoted", "id": str(tid - rng.randint(1, min(i, 500)))}
                ]
            user = {
                "id": str(10_000 + uid),
                "username": f"user{uid}",
                "name": f"User {uid}",
                "created_at": "2015-03-01T10:00:00.000Z",
                "verified": False,
                "protected": False,
                "description": "amante del caffè e dei viaggi",
                "location": "Milano",
                "url": "",
                "profile_image_url": "https://pbs.twimg.com/profile_images/1/a_normal.jpg",
                "public_metrics": {
                    "followers_count": rng.randrange(5000),
                    "following_count": rng.randrange(1000),
                    "tweet_count": rng.randrange(20000),
                    "listed_count": 0,
                },
            }
            line = {
                "data": tweet,
                "includes": {"users": [user]},
                "matching_rules": [{"id": "1377649934414049282", "tag": "brand"}],
                "__twarc": {
                    "url": "https://api.twitter.com/2/tweets/search/stream",
                    "version": "2.14.0",
                    "retrieved_at": created.isoformat(),
                },
            }
            f.write(orjson.dumps(line) + b"\n")


def run_duckdb(jsonl: Path, db: Path) -> tuple[float, float]:
    code = (
        "import duckdb;"
        f"c = duckdb.connect({str(db)!r});"
        'c.execute("CREATE TABLE t AS SELECT * FROM read_json('
        f"'{jsonl}', format='newline_delimited')\");"
        "c.close()"
    )
    return child(code)


def run_ascolto(jsonl: Path, ws: Path, n: int) -> tuple[float, float]:
    code = (
        "from pathlib import Path;"
        "from ascolto.workspace import Workspace;"
        "from ascolto.ingest import ingest;"
        f"w = Workspace.create(Path({str(ws)!r}));"
        f"r = ingest(w, [Path({str(jsonl)!r})]).summary();"
        f"assert r['new'] == {n} and r['quarantined'] == 0, r"
    )
    return child(code)


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[250_000, 1_000_000])
    ap.add_argument("--repeat", type=int, default=5, help="runs per size; medians are reported")
    ap.add_argument("--out", type=Path, default=HERE / "results" / "ingest.json")
    ap.add_argument("--workdir", type=Path, default=None)
    args = ap.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        tmpdir = Path(tmp)
        for n in sorted(args.sizes):
            jsonl = tmpdir / f"tweets_{n}.jsonl"
            t0 = time.perf_counter()
            generate(jsonl, n)
            gen_s = time.perf_counter() - t0
            duck_runs, asc_runs = [], []
            for k in range(args.repeat):
                duck_runs.append(run_duckdb(jsonl, tmpdir / f"duck_{n}_{k}.duckdb"))
                asc_runs.append(run_ascolto(jsonl, tmpdir / f"ws_{n}_{k}", n))
            duck_s = statistics.median(r[0] for r in duck_runs)
            asc_s = statistics.median(r[0] for r in asc_runs)
            rows.append(
                {
                    "messages": n,
                    "file_mb": round(jsonl.stat().st_size / 1e6, 1),
                    "generate_s": round(gen_s, 2),
                    "duckdb_read_json_s": round(duck_s, 2),
                    "ascolto_ingest_s": round(asc_s, 2),
                    "ratio": round(asc_s / duck_s, 2),
                    "messages_per_s": round(n / asc_s),
                    "ascolto_peak_mb": round(max(r[1] for r in asc_runs)),
                    "duckdb_peak_mb": round(max(r[1] for r in duck_runs)),
                    # every run, paired in the order they ran: the machine's noise shows here
                    "duckdb_runs_s": [round(r[0], 2) for r in duck_runs],
                    "ascolto_runs_s": [round(r[0], 2) for r in asc_runs],
                }
            )
            print(_row(rows[-1]), flush=True)
    return write_result(args.out, "ingest twarc2 stream JSONL", rows)


def _row(r: dict) -> str:
    return (
        f"{r['messages']:>9,} msgs {r['file_mb']:>7} MB | duckdb read_json "
        f"{r['duckdb_read_json_s']:>6}s | ascolto {r['ascolto_ingest_s']:>6}s "
        f"({r['messages_per_s']:,}/s) | ratio {r['ratio']}x | peak {r['ascolto_peak_mb']} MB"
    )


if __name__ == "__main__":
    main()
