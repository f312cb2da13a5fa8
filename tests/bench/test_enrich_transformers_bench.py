"""A small real run of ``bench/enrich_transformers.py`` (``make bench``: XLM-R base's shape)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.bench import load_bench
from tests.conftest import DATA, data_path

if not os.environ.get("CI"):  # `make test` installs the transformers extra; CI must run this
    pytest.importorskip("torch")


def test_transformers_bench_small_run(tmp_path: Path) -> None:
    data_path("umsab_xlmt_sentiment")
    bench = load_bench("enrich_transformers")
    out = tmp_path / "t.json"
    args = ["--size", "tiny", "--texts", "64", "--data", str(DATA), "--out", str(out)]
    row = bench.main(args)["rows"][0]
    assert row["texts"] == 64 and row["per_s"] > 0 and row["linear_sentiment_per_s"] > 0
    assert row["dtype"] in ("fp32", "fp16") and row["parameters"] > 10_000
