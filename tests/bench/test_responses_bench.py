"""A small real run of ``bench/responses.py`` (``make bench``: 1M messages, 200k threads)."""

from __future__ import annotations

from pathlib import Path

from tests.bench import load_bench


def test_responses_bench_small_run_matches_pandas(tmp_path: Path) -> None:
    bench = load_bench("responses")
    out = tmp_path / "r.json"
    row = bench.main(["--messages", "20000", "--repeat", "1", "--out", str(out)])["rows"][0]
    assert row["results_match"] is True
    assert row["messages"] > 19_000 and row["addressed"] > 5_000 and row["ascolto_s"] > 0
