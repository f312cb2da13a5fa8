"""Benchmark: ``ascolto enrich`` (four tasks, linear backend) vs scikit-learn vectorising alone.

Fills a workspace with real texts from ``../shared/data`` (tweets, Facebook comments, customer
messages: real lengths and languages, repeated to the size asked), then for each size runs,
each in a child process whose whole process tree's memory is sampled: (a) only vectorising the
stored texts with scikit-learn's hashing vectorisers (the floor of any n-gram model: the same
word and character n-grams the models read), (b) ``enrich_store`` for language, sentiment,
intent and toxicity into a fresh copy of the store (reading and writing the store included).
Prints a table and writes JSON to ``bench/results/enrich.json``.

    python bench/enrich.py                  # 50k and 200k messages, 3 runs each (make bench)
    python bench/enrich.py --sizes 20000 --repeat 1
"""

from __future__ import annotations

import argparse
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
    code = (
        "import duckdb;"
        "from ascolto.enrich.features import Featurizer;"
        f"c = duckdb.connect({str(db)!r}, read_only=True);"
        "r = c.sql('SELECT text FROM messages').fetch_record_batch(10000);"
        "f = Featurizer();"
        "[f.transform([t or '' for t in b.column(0).to_pylist()]) for b in r]"
    )
    return child(code)


def run_enrich(db: Path, n: int) -> tuple[float, float]:
    code = (
        "import duckdb;"
        "from ascolto.enrich.backends import get_backend;"
        "from ascolto.enrich.pipeline import enrich_store;"
        f"c = duckdb.connect({str(db)!r});"
        "r = enrich_store(c, ['language', 'sentiment', 'intent', 'toxicity'], get_backend());"
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
    args = ap.parse_args(argv)
    texts = real_texts(args.data)
    rows = []
    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        tmpdir = Path(tmp)
        for n in sorted(args.sizes):
            ws = tmpdir / f"ws_{n}"
            build_store(ws, texts, n)
            db = ws / "ascolto.duckdb"
            vec_runs, enr_runs = [], []
            for k in range(args.repeat):
                vec_runs.append(run_vectorise(db))
                copy = tmpdir / f"run_{n}_{k}.duckdb"
                shutil.copy(db, copy)
                enr_runs.append(run_enrich(copy, n))
                copy.unlink()
            vec_s = statistics.median(r[0] for r in vec_runs)
            enr_s = statistics.median(r[0] for r in enr_runs)
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
                    "enrich_peak_mb": round(max(r[1] for r in enr_runs)),
                    "vectorise_peak_mb": round(max(r[1] for r in vec_runs)),
                    "vectorise_runs_s": [round(r[0], 2) for r in vec_runs],
                    "enrich_runs_s": [round(r[0], 2) for r in enr_runs],
                }
            )
            print(_row(rows[-1]), flush=True)
    return write_result(
        args.out, "enrich four tasks, linear backend, vs scikit-learn vectorising", rows
    )


def _row(r: dict) -> str:
    return (
        f"{r['messages']:>8,} msgs | vectorise only {r['vectorise_s']:>6}s "
        f"({r['vectorise_per_s']:,}/s) | enrich 4 tasks {r['enrich_4_tasks_s']:>6}s "
        f"({r['enrich_per_s']:,}/s) | ratio {r['ratio']}x | peak {r['enrich_peak_mb']} MB"
    )


if __name__ == "__main__":
    main()
