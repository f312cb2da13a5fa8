"""Benchmark: ``explore.themes`` vs scikit-learn's plain TF-IDF + k-means on the same texts.

Real texts from ``../shared/data`` (tweets in Italian, English and six other languages, and
customer-support messages: ``bench/enrich.py``'s loader), shuffled with a fixed seed and
repeated to the size asked, with times spread over 90 days. For each size, in a child process
each (peak memory of the whole process tree sampled), times (a) ``themes()``: cleaning, word
1-2-grams, TF-IDF, SVD, k-means, c-TF-IDF labels, examples and growth; (b) the reference,
scikit-learn's text-clustering recipe without the SVD step (``TfidfVectorizer(max_df=0.5,
min_df=5, stop_words="english")`` and ``KMeans(max_iter=100, n_init=5)`` on the sparse rows,
each cluster named by its centroid's top terms) with the same number of clusters. Reports
medians, the ratio, and how much of the input the largest cluster swallows (a catch-all
cluster is the usual failure of k-means on short texts). Writes
``bench/results/themes.json``.

    python bench/themes.py                      # 10k and 100k messages, 3 runs each
    python bench/themes.py --sizes 3000 --repeat 1
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # also when a test loads this file by path

from enrich import DATA, real_texts  # noqa: E402
from measure import child, write_result  # noqa: E402

OURS = """
import json, time
import pyarrow.parquet as pq
from ascolto.explore.themes import themes
table = pq.read_table({parquet!r})
start = time.perf_counter()
found = themes(table)
seconds = time.perf_counter() - start
json.dump({{"seconds": seconds, "themes": len(found),
           "in_a_theme": sum(t.size for t in found) / table.num_rows,
           "largest": max((t.share for t in found), default=0.0),
           "labels": [t.label for t in found[:5]]}}, open({report!r}, "w"))
"""

REFERENCE = """
import json, time
import numpy as np
import pyarrow.parquet as pq
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from ascolto.explore.themes import auto_k
table = pq.read_table({parquet!r})
texts = [t or "" for t in table.column("text").to_pylist()]
start = time.perf_counter()
vectoriser = TfidfVectorizer(max_df=0.5, min_df=5, stop_words="english")
rows = vectoriser.fit_transform(texts)
k = auto_k(rows.shape[0])
model = KMeans(n_clusters=k, max_iter=100, n_init=5, random_state=0).fit(rows)
terms = vectoriser.get_feature_names_out()
labels = [" · ".join(terms[i] for i in np.argsort(-c)[:3]) for c in model.cluster_centers_]
seconds = time.perf_counter() - start
sizes = np.bincount(model.labels_, minlength=k)
json.dump({{"seconds": seconds, "themes": k, "in_a_theme": 1.0,
           "largest": float(sizes.max() / len(texts)),
           "labels": [labels[c] for c in np.argsort(-sizes)[:5]]}}, open({report!r}, "w"))
"""


def build(texts: list[str], n: int, path: Path, seed: int = 2026) -> None:
    """``n`` messages of real texts (shuffled, repeated when ``n`` is larger) over 90 days."""
    rng = random.Random(seed)
    pool = texts[:]
    rng.shuffle(pool)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    table = pa.table(
        {
            "platform": ["x"] * n,
            "id": [f"m{i}" for i in range(n)],
            "text": [pool[i % len(pool)] for i in range(n)],
            "created_at": pa.array(
                sorted(start + timedelta(seconds=rng.uniform(0, 90 * 86400)) for _ in range(n)),
                pa.timestamp("us", "UTC"),
            ),
            "author_id": [f"u{rng.randrange(n // 3 + 1)}" for _ in range(n)],
            "likes": pa.array([rng.randrange(5) for _ in range(n)], pa.int64()),
        }
    )
    pq.write_table(table, path)


def run(code: str, parquet: Path, report: Path) -> dict[str, Any]:
    """Run one side in a fresh interpreter; its own timing, plus the child's wall and peak."""
    wall, peak = child(code.format(parquet=str(parquet), report=str(report)))
    out: dict[str, Any] = json.loads(report.read_text())
    out.update(wall=wall, peak_mb=peak)
    return out


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--repeat", type=int, default=3, help="runs per size; medians are reported")
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--out", type=Path, default=HERE / "results" / "themes.json")
    args = ap.parse_args(argv)
    texts = real_texts(args.data)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sorted(args.sizes):
            parquet = Path(tmp) / f"messages_{n}.parquet"
            build(texts, n, parquet)
            ours, reference = [], []
            for _ in range(args.repeat):
                ours.append(run(OURS, parquet, Path(tmp) / "ours.json"))
                reference.append(run(REFERENCE, parquet, Path(tmp) / "reference.json"))
            ours_s = statistics.median(r["seconds"] for r in ours)
            ref_s = statistics.median(r["seconds"] for r in reference)
            rows.append(
                {
                    "messages": n,
                    "distinct_texts": min(n, len(texts)),
                    "themes_s": round(ours_s, 2),
                    "reference_s": round(ref_s, 2),
                    "ratio": round(ours_s / ref_s, 2),
                    "themes": ours[-1]["themes"],
                    "in_a_theme": round(ours[-1]["in_a_theme"], 3),
                    "largest_theme_share": round(ours[-1]["largest"], 3),
                    "reference_clusters": reference[-1]["themes"],
                    "reference_largest_share": round(reference[-1]["largest"], 3),
                    "themes_peak_mb": round(max(r["peak_mb"] for r in ours)),
                    "reference_peak_mb": round(max(r["peak_mb"] for r in reference)),
                    "themes_with_start_s": round(statistics.median(r["wall"] for r in ours), 2),
                    "themes_runs_s": [round(r["seconds"], 2) for r in ours],
                    "reference_runs_s": [round(r["seconds"], 2) for r in reference],
                    "top_labels": ours[-1]["labels"],
                    "reference_top_labels": reference[-1]["labels"],
                }
            )
            print(_row(rows[-1]), flush=True)
    return write_result(args.out, "themes vs scikit-learn TF-IDF + k-means (no SVD)", rows)


def _row(r: dict) -> str:
    return (
        f"{r['messages']:>8,} msgs | themes {r['themes_s']:>6}s ({r['themes']} themes, "
        f"{r['in_a_theme']:.0%} in one, largest {r['largest_theme_share']:.0%}, "
        f"peak {r['themes_peak_mb']} MB) | reference {r['reference_s']:>6}s "
        f"(largest cluster {r['reference_largest_share']:.0%}, peak {r['reference_peak_mb']} MB) "
        f"| ratio {r['ratio']}x"
    )


if __name__ == "__main__":
    main()
