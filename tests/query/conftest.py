"""A workspace of real texts for the search tests: the TWCS customer-support threads
(English, brands answering) and the SENTIPOLC 2016 tweets (Italian), enriched."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from ascolto.enrich.backends import get_backend
from ascolto.enrich.pipeline import enrich_store
from ascolto.enrich.tasks import TASKS
from ascolto.ingest import ingest
from ascolto.sources.base import Options
from ascolto.workspace import Workspace
from tests.conftest import data_path

TWITTER_EPOCH_MS = 1288834974657


def sentipolc_jsonl(out: Path) -> Path:
    """SENTIPOLC's CSV as JSON lines with each tweet's time read from its snowflake id."""
    source = data_path("sentipolc2016/sentipolc16_officialdistrib_train.csv")
    with source.open(newline="", encoding="utf-8") as f, out.open("wb") as w:
        for row in csv.DictReader(f):
            ms = (int(row["idtwitter"]) >> 22) + TWITTER_EPOCH_MS
            created = datetime.fromtimestamp(ms / 1000, UTC).isoformat()
            record = {"id": row["idtwitter"], "text": row["text"], "created_at": created}
            w.write(orjson.dumps(record) + b"\n")
    return out


@pytest.fixture(scope="session")
def real_ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    root = tmp_path_factory.mktemp("search")
    ws = Workspace.create(root / "ws")
    ingest(ws, [data_path("twcs_customer_support_twitter/twcs_part.csv")])
    ingest(
        ws, [sentipolc_jsonl(root / "sentipolc.jsonl")], "jsonl", options=Options({"platform": "x"})
    )
    with ws.connect() as con:
        enrich_store(con, TASKS, get_backend(languages=ws.languages))
    return ws
