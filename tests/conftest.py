"""Shared fixtures: where the real data lives, and fresh workspaces."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from ascolto.enrich.backends import get_backend
from ascolto.enrich.pipeline import enrich_store
from ascolto.enrich.tasks import TASKS
from ascolto.ingest import ingest
from ascolto.models import Message
from ascolto.sources.base import Bad, Options, RawRecord, Source
from ascolto.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("ASCOLTO_DATA", ROOT.parent / "shared" / "data")).resolve()


def data_path(relative: str) -> Path:
    """A file under ../shared/data; skips the test with the reason when it is absent."""
    path = DATA / relative
    if not path.exists():
        pytest.skip(f"real data not available: {path} (set ASCOLTO_DATA or put shared/ beside)")
    return path


def example_path(relative: str) -> Path:
    """A source's example: ``tests/...`` is a fixture of this project, anything else real data."""
    if relative.startswith("tests/"):
        return ROOT / relative
    return data_path(relative)


def _sort_out(
    source: Source, records: Iterable[RawRecord | Bad]
) -> tuple[list[Message], int, list[Bad]]:
    messages, skipped, bad = [], 0, []
    for record in records:
        if not isinstance(record, RawRecord):
            bad.append(record)
            continue
        message = source.normalise(record)
        if message is None:
            skipped += 1
        else:
            messages.append(message)
    return messages, skipped, bad


def read_sorted(
    source: Source, path: Path, options: Options | None = None
) -> tuple[list[Message], int, list[Bad]]:
    """What ``source`` reads from ``path``: (messages, records skipped on purpose, bad records)."""
    return _sort_out(source, source.read(path, options or Options()))


def messages_of(
    source: Source, records: Iterable[RawRecord | Bad], strict: bool = True
) -> list[Message]:
    """The messages ``source`` makes of ``records`` it read, less those skipped on purpose.

    ``strict``: a bad record fails the test; otherwise bad records are passed over.
    """
    messages, _, bad = _sort_out(source, records)
    assert not (strict and bad), bad
    return messages


def read_messages(
    source: Source, path: Path, options: Options | None = None, strict: bool = True
) -> list[Message]:
    """Every message ``source`` reads from ``path``, as :func:`messages_of` gives them."""
    return messages_of(source, source.read(path, options or Options()), strict)


def twcs_slice(path: Path, ids: set[str], out: Path) -> Path:
    """The rows of a TWCS CSV whose ``tweet_id`` is in ``ids``, written to ``out``: a real
    thread imported a piece at a time, as it would arrive."""
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        rows = [r for r in reader if r["tweet_id"] in ids]
        fields = reader.fieldnames or []
    with out.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fields)
        writer.writeheader()
        writer.writerows(rows)
    return out


def search_ids(ws: Workspace, query: str, timezone: str = "Europe/Rome") -> list[str]:
    """Every message (``PLATFORM:ID``) a query finds in the workspace, best first; the index
    is brought up to date first."""
    from ascolto.query.search import search

    with ws.connect(read_only=True) as con:
        index = ws.search_index(con)
    return [r["id"] for r in search(index, query, limit=1_000_000, timezone=timezone)["results"]]


@pytest.fixture(scope="session")
def demo_workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """The demo workspace as ``ascolto demo`` builds it (import, enrichment, index), built
    once per session: tests read it; a test that changes the store changes a copy."""
    from ascolto.demo import DEFAULT_SEED
    from ascolto.demo.pipeline import run_demo

    root = tmp_path_factory.mktemp("demo_session") / "ws"
    run_demo(root, DEFAULT_SEED)
    return Workspace.find(root)


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return Workspace.create(tmp_path / "ws")


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
    """Real texts, enriched: the TWCS customer-support threads (English, brands answering)
    and the SENTIPOLC 2016 tweets (Italian)."""
    root = tmp_path_factory.mktemp("search")
    ws = Workspace.create(root / "ws")
    ingest(ws, [data_path("twcs_customer_support_twitter/twcs_part.csv")])
    ingest(
        ws, [sentipolc_jsonl(root / "sentipolc.jsonl")], "jsonl", options=Options({"platform": "x"})
    )
    with ws.connect() as con:
        enrich_store(con, TASKS, get_backend(languages=ws.languages))
    return ws
