"""Benchmark: response metrics by intent and by day over 1M messages in 200k threads.

Builds a store of brand posts, customer comments under them and the brand's replies, with
realistic reply delays (log-normal, by intent), mentions and an intent for every customer
message; then, in the same run, times ``ascolto`` (``care.conversations.addressed`` on the
store plus ``care.responses.metrics`` grouped by intent and day, business hours included)
against plain pandas computing the same calendar-time numbers from the same tables already
loaded in memory. The two results must match. Writes ``bench/results/responses.json``.

    python bench/responses.py                     # 1M messages, 200k threads, 3 runs
    python bench/responses.py --messages 50000 --repeat 1
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from measure import write_result  # noqa: E402

INTENTS = ("purchase", "question", "support", "complaint", "idea", "praise", "spam", "other")
#: share of customer messages, median reply minutes (None: never answered) per intent
MIX = (0.12, 0.18, 0.15, 0.12, 0.05, 0.15, 0.03, 0.20)
MEDIAN_MIN = (8, 240, 120, 600, 2000, 300, 60, 900)
ANSWER_RATE = (0.9, 0.5, 0.6, 0.3, 0.1, 0.2, 0.05, 0.2)
AS_OF = datetime(2026, 1, 1, tzinfo=UTC)


def build(ws_dir: Path, messages: int, threads: int, seed: int = 2026) -> None:
    """Fill a workspace's store: ``threads`` brand posts, customer comments, brand replies."""
    from ascolto.store.derive import rebuild_interactions
    from ascolto.workspace import Workspace

    rng = np.random.default_rng(seed)
    ws = Workspace.create(ws_dir, owners=["x:brand"])
    start = datetime(2025, 1, 1, tzinfo=UTC).timestamp()
    post_at = start + np.sort(rng.uniform(0, 300 * 86400, threads))
    customers_n = int((messages - threads) / (1 + float(np.dot(MIX, ANSWER_RATE))))
    thread = rng.integers(0, threads, customers_n)
    intent = rng.choice(len(INTENTS), customers_n, p=MIX)
    asked_at = post_at[thread] + rng.exponential(3 * 3600, customers_n)
    answered = rng.random(customers_n) < np.asarray(ANSWER_RATE)[intent]
    answered &= np.cumsum(answered) <= messages - threads - customers_n  # the size asked
    delay = np.exp(np.log(np.asarray(MEDIAN_MIN)[intent] * 60) + rng.normal(0, 1, customers_n))
    replies_n = int(answered.sum())
    author = rng.integers(0, 100_000, customers_n)
    mentions_brand = rng.random(customers_n) < 0.3

    post_ids = np.char.add("p", np.arange(threads).astype(str))
    cust_ids = np.char.add("c", np.arange(customers_n).astype(str))
    reply_ids = np.char.add("r", np.arange(replies_n).astype(str))
    cols = {
        "platform": ["x"] * (threads + customers_n + replies_n),
        "id": np.concatenate([post_ids, cust_ids, reply_ids]).tolist(),
        "author_id": ["brand"] * threads
        + np.char.add("u", author.astype(str)).tolist()
        + ["brand"] * replies_n,
        "created_at": pa.array(
            np.round(np.concatenate([post_at, asked_at, (asked_at + delay)[answered]])) * 1e6
        )
        .cast(pa.int64())
        .cast(pa.timestamp("us", tz="UTC")),
        "text": [None] * (threads + customers_n + replies_n),
        "kind": ["post"] * threads + ["comment"] * customers_n + ["reply"] * replies_n,
        "parent_id": [None] * threads + post_ids[thread].tolist() + cust_ids[answered].tolist(),
        "root_id": post_ids.tolist()
        + post_ids[thread].tolist()
        + post_ids[thread[answered]].tolist(),
        "mentions": [None] * threads
        + [["brand"] if m else None for m in mentions_brand]
        + [None] * replies_n,
    }
    table = pa.table(cols)
    users = pa.table(
        {
            "platform": ["x"] * 100_001,
            "id": ["brand", *[f"u{i}" for i in range(100_000)]],
            "handle": ["brand", *[f"u{i}" for i in range(100_000)]],
            "followers": rng.lognormal(5, 2, 100_001).astype(np.int64),
            "is_owned": [True] + [False] * 100_000,
        }
    )
    labels = pa.table(
        {
            "platform": ["x"] * customers_n,
            "message_id": cust_ids.tolist(),
            "task": ["intent"] * customers_n,
            "label": np.asarray(INTENTS)[intent].tolist(),
            "score": np.ones(customers_n),
            "model": ["bench"] * customers_n,
            "version": ["1"] * customers_n,
            "created_at": pa.array([AS_OF] * customers_n, pa.timestamp("us", tz="UTC")),
        }
    )
    with ws.connect() as con:
        con.register("t", table)
        con.execute(
            "INSERT INTO messages (platform, id, author_id, created_at, text, kind, parent_id, "
            "root_id, mentions) SELECT * FROM t"
        )
        con.register("u", users)
        con.execute(
            "INSERT INTO authors (platform, id, handle, followers, is_owned) SELECT * FROM u"
        )
        con.register("l", labels)
        con.execute("INSERT INTO enrichments SELECT * FROM l")
        rebuild_interactions(con)


def run_ascolto(db: Path) -> tuple[float, dict]:
    import duckdb

    from ascolto.care.calendar import BusinessCalendar
    from ascolto.care.conversations import addressed
    from ascolto.care.responses import metrics

    with duckdb.connect(str(db), read_only=True) as con:
        start = time.perf_counter()
        rows = addressed(con)
        result = metrics(rows, ["intent", "day"], BusinessCalendar(), AS_OF)
        return time.perf_counter() - start, result


def load_frames(db: Path) -> dict[str, pd.DataFrame]:
    """The tables pandas starts from, loaded before its clock starts."""
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        return {
            "messages": con.sql(
                "SELECT platform, id, author_id, created_at, kind, parent_id, root_id FROM messages"
            )
            .to_arrow_table()
            .to_pandas(),
            "authors": con.sql("SELECT platform, id, is_owned FROM authors")
            .to_arrow_table()
            .to_pandas(),
            "interactions": con.sql(
                "SELECT platform, kind, message_id, dst_author_id FROM interactions"
            )
            .to_arrow_table()
            .to_pandas(),
            "labels": con.sql("SELECT platform, message_id, task, label FROM labels")
            .to_arrow_table()
            .to_pandas(),
        }


def run_pandas(f: dict[str, pd.DataFrame]) -> tuple[float, dict]:
    """The same definitions, written the plain pandas way."""
    start = time.perf_counter()
    m, a = f["messages"], f["authors"]
    owned = a[a["is_owned"]][["platform", "id"]]
    key = ["platform", "id"]
    m = m.merge(
        owned.assign(owned=True),
        how="left",
        left_on=["platform", "author_id"],
        right_on=key,
        suffixes=("", "_o"),
    )
    m["owned"] = m["owned"].fillna(False).astype(bool)
    roots = m[m["owned"] & m["parent_id"].isna()][key].rename(columns={"id": "root_id"})
    inter = f["interactions"]
    inter = inter[inter["kind"].isin(["mention", "reply", "quote"])]
    to_owned = inter.merge(owned, left_on=["platform", "dst_author_id"], right_on=key)
    to_owned = to_owned[["platform", "message_id"]].drop_duplicates()
    cand = m[~m["owned"] & (m["kind"] != "share")]
    by_root = cand.merge(roots.assign(r=True), on=["platform", "root_id"], how="left")
    by_root = by_root["r"].fillna(False).astype(bool).to_numpy() & (
        cand["id"].to_numpy() != cand["root_id"].to_numpy()
    )
    mentioned = cand.merge(
        to_owned.assign(t=True), left_on=key, right_on=["platform", "message_id"], how="left"
    )["t"]
    d = cand[by_root | mentioned.fillna(False).astype(bool).to_numpy()]
    replies = m[m["owned"] & m["parent_id"].notna()][["platform", "parent_id", "created_at"]]
    j = d[["platform", "id", "created_at"]].merge(
        replies, left_on=["platform", "id"], right_on=["platform", "parent_id"], suffixes=("", "_r")
    )
    j = j[j["created_at_r"] >= j["created_at"]]
    first = j.groupby(["platform", "id"])["created_at_r"].min().rename("first")
    d = d.merge(first, left_on=key, right_index=True, how="left")
    lab = f["labels"]
    lab = lab[lab["task"] == "intent"][["platform", "message_id", "label"]]
    d = d.merge(lab, left_on=key, right_on=["platform", "message_id"], how="left")
    d["intent"] = d["label"].fillna("unknown")
    d["day"] = d["created_at"].dt.tz_convert("UTC").dt.strftime("%Y-%m-%d")
    d["wait"] = (d["first"] - d["created_at"]).dt.total_seconds()
    now = pd.Timestamp(AS_OF)
    d["waiting"] = np.where(d["first"].isna(), (now - d["created_at"]).dt.total_seconds(), np.nan)
    out = {}
    for name in ("intent", "day"):
        g = d.groupby(name)
        out[name] = pd.DataFrame(
            {
                "addressed": g.size(),
                "answered": g["wait"].count(),
                "median": g["wait"].median(),
                "p90": g["wait"].quantile(0.9),
                "mean": g["wait"].mean(),
                "max": g["wait"].max(),
                "oldest": g["waiting"].max(),
            }
        )
    return time.perf_counter() - start, out


def same(ours: dict, theirs: dict) -> bool:
    """Every group's counts equal, and times equal to the millisecond."""
    for name in ("intent", "day"):
        frame = theirs[name]
        groups = ours[f"by_{name}"]
        if set(groups) != set(frame.index):
            return False
        for label, g in groups.items():
            row = frame.loc[label]
            pairs = [
                (g["addressed"], row["addressed"]),
                (g["answered"], row["answered"]),
                (g["first_response_median_s"], row["median"]),
                (g["first_response_p90_s"], row["p90"]),
                (g["first_response_mean_s"], row["mean"]),
                (g["first_response_max_s"], row["max"]),
                (g["unanswered_oldest_s"], row["oldest"]),
            ]
            for a, b in pairs:
                if (a is None) != bool(pd.isna(b)) or (a is not None and abs(a - b) > 1e-3):
                    return False
    return True


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=int, default=1_000_000)
    ap.add_argument("--threads", type=int, default=0, help="default: a fifth of the messages")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", type=Path, default=HERE / "results" / "responses.json")
    args = ap.parse_args(argv)
    threads = args.threads or args.messages // 5
    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp) / "ws"
        started = time.perf_counter()
        build(ws, args.messages, threads)
        build_s = time.perf_counter() - started
        db = ws / "ascolto.duckdb"
        frames = load_frames(db)
        ours_runs, pandas_runs = [], []
        for _ in range(args.repeat):
            seconds, ours = run_ascolto(db)
            ours_runs.append(seconds)
            seconds, theirs = run_pandas(frames)
            pandas_runs.append(seconds)
        stored = len(frames["messages"])
    ours_s, pandas_s = statistics.median(ours_runs), statistics.median(pandas_runs)
    row = {
        "messages": stored,
        "threads": threads,
        "addressed": ours["overall"]["addressed"],
        "ascolto_s": round(ours_s, 3),
        "pandas_s": round(pandas_s, 3),
        "speedup": round(pandas_s / ours_s, 2),
        "results_match": same(ours, theirs),
        "ascolto_runs_s": [round(s, 3) for s in ours_runs],
        "pandas_runs_s": [round(s, 3) for s in pandas_runs],
        "build_store_s": round(build_s, 1),
    }
    line = (
        f"{stored:,} messages in {threads:,} threads ({row['addressed']:,} addressed): "
        f"ascolto {row['ascolto_s']} s (business hours included), pandas {row['pandas_s']} s "
        f"({row['speedup']}x); results match: {row['results_match']}"
    )
    return write_result(args.out, "response metrics by intent and day vs pandas", [row], line)


if __name__ == "__main__":
    main()
