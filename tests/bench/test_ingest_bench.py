"""A small real run of ``bench/ingest.py`` (``make bench`` runs the full sizes)."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import pytest

from tests.bench import load_bench


def _bench_module() -> ModuleType:
    return load_bench("ingest")


def test_generated_tweets_import_without_loss(tmp_path: Path) -> None:
    bench = _bench_module()
    out = tmp_path / "ingest.json"
    result = bench.main(
        ["--sizes", "4000", "--repeat", "1", "--out", str(out), "--workdir", str(tmp_path)]
    )
    row = result["rows"][0]
    assert row["messages"] == 4000
    assert row["duckdb_read_json_s"] > 0 and row["ascolto_ingest_s"] > 0
    assert row["ratio"] == pytest.approx(
        row["ascolto_ingest_s"] / row["duckdb_read_json_s"], rel=0.05
    )
    assert row["ascolto_peak_mb"] < 1500
    assert json.loads(out.read_text())["rows"][0]["messages"] == 4000


@pytest.mark.slow
def test_full_size_targets(tmp_path: Path) -> None:
    """The issue's targets at 250k messages: run with `pytest -m slow`."""
    bench = _bench_module()
    result = bench.main(
        ["--sizes", "250000", "--out", str(tmp_path / "i.json"), "--workdir", str(tmp_path)]
    )
    row = result["rows"][0]
    assert row["ascolto_peak_mb"] < 1500
    assert row["ratio"] < 5
