"""A small real run of ``bench/search.py`` (``make bench``: 1M messages)."""

from __future__ import annotations

from pathlib import Path

from tests.bench import load_bench
from tests.conftest import data_path


def test_search_bench_small_run_beats_a_scan(tmp_path: Path) -> None:
    data_path("twcs_customer_support_twitter")
    bench = load_bench("search")
    out = tmp_path / "s.json"
    args = ["--messages", "20000", "--repeat", "2", "--builds", "1", "--out", str(out)]
    row = bench.main(args)["rows"][0]
    assert row["messages"] == 20000 and row["build_s"] > 0 and row["index_mb"] > 0
    assert len(row["queries"]) == 20 and sum(q["matches"] > 0 for q in row["queries"]) >= 12
    assert row["p50_ms"] < row["ilike_p50_ms"], "the index must beat scanning every text"
    # words the scan finds anywhere in a text, the index finds as words: never more
    for q in row["queries"]:
        if q["query"] in ('"buona scuola"', "refund AND (flight OR booking)"):
            assert q["matches"] <= q["ilike_matches"]
