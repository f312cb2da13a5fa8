"""Benchmark: ``ascolto enrich`` (four tasks, linear backend) vs scikit-learn vectorising alone.

Fills a workspace with real texts from ``../shared/data`` (tweets, Facebook comments, customer
messages: real lengths and languages, repeated to the size asked), then for each size runs,
each in a child process whose whole process tree's memory is sampled: (a) only vectorising the
stored texts with scikit-learn's hashing vectorisers in one process (the same word 1-2-grams and
``char_wb`` 2-5-grams the models read: the cost of any scikit-learn n-gram model before it
scores anything), (b) ``enrich_store`` for language, sentiment, intent and toxicity into a
fresh copy of the store (reading and writing the store included, worker processes as
``ascolto enrich`` uses them).
Prints a table and writes JSON to ``bench/results/enrich.json``.

    python bench/enrich.py                  # 50k and 200k messages, 3 runs each (make bench)
    python bench/enrich.py --sizes 20000 --repeat 1
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # also when a test loads this file by path

from measure import child, write_result  # noqa: E402

DATA = HERE.parent.parent / "shared" / "data"


def real_texts(data: Path) -> list[str]:
    """Distinct texts of the shared corpora (Italian first), about 120k of them."""
    from ascolto.enrich import corpora

    seen: dict[str, None] = {}
    for text in corpora.italian_texts(data).values():
        seen.setdefault(text)
    for text in corpora.customer_texts(data).values():
        seen.setdefault(text)
    for load in (corpora.umsab, corpora.semeval, corpora.tweeteval_toxic, corpora.haspeede):
        for text in load(data).texts:
            seen.setdefault(text)
    return list(seen)


def build_store(ws: Path, texts: list[str], n: int) -> None:
    from ascolto.workspace import Workspace

    w = Workspace.create(ws)
    rows = [texts[i % len(texts)] for i in range(n)]
    table = pa.table(
        {
            "platform": pa.repeat("x", n),
            "id": pa.array([str(i) for i in range(n)]),
            "created_at": pa.repeat(datetime(2026, 1, 1, tzinfo=UTC), n),
            "text": pa.array(rows),
            "kind": pa.repeat("post", n),
        }
    )
    with w.connect() as con:
        con.register("bench_rows", table)
        con.execute(
            "INSERT INTO messages (platform, id, created_at, text, kind) SELECT * FROM bench_rows"
        )


def run_vectorise(db: Path) -> tuple[float, float]:
    """scikit-learn's hashing vectorisers over the stored texts: the n-grams the models read."""
    code = (
        "import duckdb;"
        "from sklearn.feature_extraction.text import HashingVectorizer as H;"
        "from ascolto.enrich.features import TOKENS, preprocess;"
        f"c = duckdb.connect({str(db)!r}, read_only=True);"
        "r = c.sql('SELECT text FROM messages').fetch_record_batch(10000);"
        "w = H(token_pattern=TOKENS, ngram_range=(1, 2), n_features=2**18, lowercase=False);"
        "h = H(analyzer='char_wb', ngram_range=(2, 5), n_features=2**19, lowercase=False);"
        "t = ([preprocess(t or '') for t in b.column(0).to_pylist()] for b in r);"
        "[(w.transform(b), h.transform(b)) for b in t]"
    )
    return child(code)


def run_enrich(db: Path, n: int, workers: int = 0) -> tuple[float, float]:
    """``enrich_store`` as ``ascolto enrich`` runs it (``workers`` 0: one per core)."""
    code = (
        "import duckdb;"
        "from ascolto.enrich.backends import get_backend;"
        "from ascolto.enrich.pipeline import enrich_store;"
        f"c = duckdb.connect({str(db)!r});"
        "r = enrich_store(c, ['language', 'sentiment', 'intent', 'toxicity'], get_backend(), "
        f"workers={workers});"
        f"assert r['enriched'] == {n} and r['enrichments_written'] == {4 * n}, r"
    )
    return child(code)


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[50_000, 200_000])
    ap.add_argument("--repeat", type=int, default=3, help="runs per size; medians are reported")
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--out", type=Path, default=HERE / "results" / "enrich.json")
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument(
        "--cards", action="store_true", help="write the largest size's speed into the model cards"
    )
    args = ap.parse_args(argv)
    texts = real_texts(args.data)
    rows = []
    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        tmpdir = Path(tmp)
        for n in sorted(args.sizes):
            ws = tmpdir / f"ws_{n}"
            build_store(ws, texts, n)
            db = ws / "ascolto.duckdb"
            vec_runs, enr_runs, one_runs = [], [], []
            for k in range(args.repeat):
                vec_runs.append(run_vectorise(db))
                for runs, workers in ((enr_runs, 0), (one_runs, 1)):
                    copy = tmpdir / f"run_{n}_{k}.duckdb"
                    shutil.copy(db, copy)
                    runs.append(run_enrich(copy, n, workers))
                    copy.unlink()
            vec_s = statistics.median(r[0] for r in vec_runs)
            enr_s = statistics.median(r[0] for r in enr_runs)
            one_s = statistics.median(r[0] for r in one_runs)
            rows.append(
                {
                    "messages": n,
                    "distinct_texts": min(n, len(texts)),
                    "mean_chars": round(sum(map(len, texts)) / len(texts)),
                    "vectorise_s": round(vec_s, 2),
                    "enrich_4_tasks_s": round(enr_s, 2),
                    "vectorise_per_s": round(n / vec_s),
                    "enrich_per_s": round(n / enr_s),
                    "ratio": round(enr_s / vec_s, 2),
                    "enrich_one_process_per_s": round(n / one_s),
                    "one_process_ratio": round(one_s / vec_s, 2),
                    "enrich_peak_mb": round(max(r[1] for r in enr_runs)),
                    "vectorise_peak_mb": round(max(r[1] for r in vec_runs)),
                    "vectorise_runs_s": [round(r[0], 2) for r in vec_runs],
                    "enrich_runs_s": [round(r[0], 2) for r in enr_runs],
                    "enrich_one_process_runs_s": [round(r[0], 2) for r in one_runs],
                }
            )
            print(_row(rows[-1]), flush=True)
    if args.cards:
        write_speed(rows[-1], args.repeat)
    return write_result(
        args.out, "enrich four tasks, linear backend, vs scikit-learn vectorising", rows
    )


def write_speed(r: dict, repeat: int) -> None:
    """The measured speed, as lines of every shipped model's card (the models are unchanged)."""
    import json

    from ascolto.enrich.card import write_card
    from ascolto.enrich.linear import META
    from ascolto.enrich.registry import model_dir
    from ascolto.enrich.tasks import TASKS

    lines = [
        f"`python bench/enrich.py` on {datetime.now(UTC):%Y-%m-%d}, {os.cpu_count()} cores, "
        f"medians of {repeat} runs: the four tasks together read **{r['enrich_per_s']:,} "
        f"messages/s** over {r['messages']:,} real messages (mean {r['mean_chars']} characters), "
        f"reading and writing the store included ({r['enrich_one_process_per_s']:,}/s in one "
        f"process). scikit-learn's hashing vectorisers alone on the same texts in the same run: "
        f"{r['vectorise_per_s']:,}/s, so enrichment takes {r['ratio']}x their time. "
        f"Peak memory {r['enrich_peak_mb']:,} MB.",
    ]
    for task in TASKS:
        folder = model_dir(task)
        meta = json.loads((folder / META).read_text())
        meta["speed"] = lines
        (folder / META).write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n")
        write_card(folder, meta)


def _row(r: dict) -> str:
    return (
        f"{r['messages']:>8,} msgs | vectorise only {r['vectorise_s']:>6}s "
        f"({r['vectorise_per_s']:,}/s) | enrich 4 tasks {r['enrich_4_tasks_s']:>6}s "
        f"({r['enrich_per_s']:,}/s) | ratio {r['ratio']}x | peak {r['enrich_peak_mb']} MB | "
        f"one process {r['enrich_one_process_per_s']:,}/s ({r['one_process_ratio']}x)"
    )


if __name__ == "__main__":
    main()
