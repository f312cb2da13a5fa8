"""A small real run of ``bench/themes.py`` (``make bench`` sizes: 10k and 100k messages)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.bench import load_bench
from tests.conftest import DATA, data_path


def test_themes_bench_small_run(tmp_path: Path) -> None:
    data_path("umsab_xlmt_sentiment")
    bench = load_bench("themes")
    out = tmp_path / "themes.json"
    result = bench.main(
        ["--sizes", "3000", "--repeat", "1", "--data", str(DATA), "--out", str(out)]
    )
    row = result["rows"][0]
    assert row["messages"] == 3000 and row["themes_s"] > 0 and row["reference_s"] > 0
    assert 5 <= row["themes"] <= 40 and row["reference_clusters"] == 17
    # the reference piles a third of the texts into one cluster; no theme is that big
    assert row["largest_theme_share"] < row["reference_largest_share"]
    assert row["in_a_theme"] > 0.5 and row["themes_peak_mb"] < 2000
    assert all(row["top_labels"]) and json.loads(out.read_text())["rows"][0]["messages"] == 3000
