"""A small real run of ``bench/enrich.py`` (``make bench`` runs 50k and 200k messages)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.bench import load_bench
from tests.conftest import DATA, data_path


def test_enrich_bench_small_run(tmp_path: Path) -> None:
    data_path("umsab_xlmt_sentiment")
    bench = load_bench("enrich")
    out = tmp_path / "enrich.json"
    result = bench.main(
        [
            "--sizes",
            "3000",
            "--repeat",
            "1",
            "--data",
            str(DATA),
            "--out",
            str(out),
            "--workdir",
            str(tmp_path),
        ]
    )
    row = result["rows"][0]
    assert row["messages"] == 3000 and row["vectorise_s"] > 0 and row["enrich_4_tasks_s"] > 0
    assert row["enrich_peak_mb"] < 2500
    assert json.loads(out.read_text())["rows"][0]["messages"] == 3000
