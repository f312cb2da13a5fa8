"""``ascolto search``, ``count``, ``reindex`` and ``topics`` as a user runs them, on the real
TWCS threads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_cli import ascolto, one_line_error
from tests.conftest import data_path


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> str:
    root = tmp_path_factory.mktemp("search_cli") / "ws"
    csv = data_path("twcs_customer_support_twitter/twcs_part.csv")
    ascolto("init", str(root))
    out = json.loads(ascolto("ingest", "-w", str(root), str(csv), "--json").stdout)
    assert out["indexed"] == out["new"] > 3000  # the import leaves the index up to date
    assert (root / "index" / "ascolto-index.json").exists()
    return str(root)


def test_search_prints_the_total_and_the_results(ws: str) -> None:
    found = json.loads(
        ascolto("search", "-w", ws, "@sprintcare NOT thanks", "-n", "3", "--json").stdout
    )
    assert found["total"] > 3 and len(found["results"]) == 3
    assert {"id", "text", "author", "created_at", "platform", "sentiment", "intent", "url"} <= set(
        found["results"][0]
    )
    text = ascolto("search", "-w", ws, '"send us a dm"', "-n", "2").stdout
    assert "messages match" in text and "--offset 2 for more" in text


def test_count_by_day_and_by_author(ws: str) -> None:
    days = json.loads(ascolto("count", "-w", ws, "refund*", "--by", "day", "--json").stdout)
    assert sum(c["count"] for c in days["counts"]) == days["total"] > 10
    authors = json.loads(
        ascolto("count", "-w", ws, "is:owned", "--by", "author", "--limit", "3", "--json").stdout
    )
    assert len(authors["counts"]) == 3
    assert authors["counts"][0]["count"] >= authors["counts"][-1]["count"]
    assert "█" in ascolto("count", "-w", ws, "refund*", "--by", "week").stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search", "delay AND (refund OR"], "position 21: expected"),
        (["search", 'lang:it "unclosed'], "never closed"),
        (["search", "a*"], "at least 2 letters"),
        (["search", "x", "--sort", "best"], "--sort"),
        (["count", "x", "--by", "colour"], "--by"),
        (["search", "intent:happy"], "intent: takes"),
        (["search", "x\x01y"], "control character"),
    ],
)
def test_bad_queries_are_one_line(ws: str, args: list[str], message: str) -> None:
    proc = ascolto(args[0], "-w", ws, *args[1:], ok=False)
    assert message in one_line_error(proc)


def test_reindex_and_topics(ws: str, tmp_path: Path) -> None:
    done = json.loads(ascolto("reindex", "-w", ws, "--json").stdout)
    assert done["documents"] > 3000
    ascolto("topics", "add", "sprint", "@sprintcare OR sprint", "-w", ws)
    ascolto("topics", "add", "tesco", "@tesco OR tesco", "--competitor", "-w", ws)
    listed = json.loads(ascolto("topics", "list", "-w", ws, "--json").stdout)
    assert [(t["name"], t["competitor"]) for t in listed] == [("sprint", False), ("tesco", True)]
    shown = json.loads(
        ascolto("topics", "show", "sprint", "-w", ws, "--by", "day", "--json").stdout
    )
    assert shown[0]["volume"] == sum(p["volume"] for p in shown[0]["periods"]) > 10
    share = json.loads(ascolto("topics", "share", "-w", ws, "--json").stdout)
    assert share["by_volume"]["sprint"] + share["by_volume"]["tesco"] == pytest.approx(1, abs=1e-3)
    assert "by engagement" in ascolto("topics", "share", "-w", ws).stdout
    bad = ascolto("topics", "add", "x", "tesco AND", "-w", ws, ok=False)
    assert "position" in one_line_error(bad)
    ascolto("topics", "remove", "tesco", "-w", ws)
    assert "no topic" in one_line_error(ascolto("topics", "show", "tesco", "-w", ws, ok=False))


def test_ingest_without_indexing_then_search_catches_up(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    ascolto("init", str(root))
    csv = data_path("twcs_customer_support_twitter/kaggle_sample.csv")
    out = json.loads(ascolto("ingest", "-w", str(root), str(csv), "--no-index", "--json").stdout)
    assert "indexed" not in out and not (root / "index").exists()
    found = json.loads(ascolto("search", "-w", str(root), "NOT zzzz", "--json").stdout)
    assert found["total"] == out["new"] > 0
