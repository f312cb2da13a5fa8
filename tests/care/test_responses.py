"""Response metrics on the real TWCS customer-support threads, against an independent count
made here straight from the CSV (its ``inbound=False`` authors are the brands)."""

from __future__ import annotations

import csv
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from ascolto.care.calendar import BusinessCalendar
from ascolto.care.conversations import addressed, thread
from ascolto.care.responses import metrics, waiting
from ascolto.errors import BadOption
from ascolto.ingest import ingest
from ascolto.workspace import Workspace
from tests.conftest import data_path

AS_OF = datetime(2017, 12, 1, tzinfo=UTC)
ROUND_CLOCK = BusinessCalendar("UTC", "mon-sun 00:00-24:00", "", ())


def independent(path: Path) -> dict[str, Any]:
    """Addressed messages and their first direct brand reply, computed from the raw rows."""
    rows = {}
    with path.open(newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["author_id"] and r["created_at"]:  # a split row's tail carries neither
                parent = r["in_response_to_tweet_id"].split(".")[0] or None
                at = datetime.strptime(r["created_at"], "%a %b %d %H:%M:%S %z %Y")
                rows[r["tweet_id"]] = (r["author_id"], at, parent, r["text"], r["inbound"])
    owned = {a for a, *_, inbound in rows.values() if inbound == "False"}
    handles = {o.lower() for o in owned}

    def root(tid: str) -> str:
        while (parent := rows[tid][2]) is not None:
            if parent not in rows:
                return parent  # a parent never collected stands in as the root
            tid = parent
        return tid

    waits, open_since = {}, {}
    for tid, (author, at, parent, text, _) in rows.items():
        if author in owned:
            continue
        top = root(tid)
        to_owned_root = top != tid and top in rows and rows[top][0] in owned
        reply_to_owned = parent in rows and rows[parent][0] in owned
        mentions = {m.lower().rstrip(".") for m in re.findall(r"@(\w+)", text)}
        if not (to_owned_root or reply_to_owned or mentions & handles):
            continue
        answers = [
            a_at
            for a_author, a_at, a_parent, *_ in rows.values()
            if a_parent == tid and a_author in owned and a_at >= at
        ]
        if answers:
            waits[tid] = (min(answers) - at).total_seconds()
        else:
            open_since[tid] = (AS_OF - at).total_seconds()
    return {"waits": waits, "open": open_since}


@pytest.fixture(scope="module")
def twcs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Workspace, Path]:
    path = data_path("twcs_customer_support_twitter/twcs_part.csv")
    ws = Workspace.create(tmp_path_factory.mktemp("twcs") / "ws")
    ingest(ws, [path])
    return ws, path


def test_response_numbers_equal_an_independent_count(twcs: tuple[Workspace, Path]) -> None:
    ws, path = twcs
    truth = independent(path)
    with ws.connect(read_only=True) as con:
        rows = addressed(con)
    ids = set(rows.column("id").to_pylist())
    assert ids == set(truth["waits"]) | set(truth["open"])
    got = metrics(rows, ["platform"], ROUND_CLOCK, AS_OF)["overall"]
    waits = np.array(list(truth["waits"].values()))
    assert got["addressed"] == len(ids) > 1000
    assert got["answered"] == len(waits) and got["unanswered"] == len(truth["open"])
    assert got["response_rate"] == pytest.approx(len(waits) / len(ids), abs=1e-4)
    assert got["first_response_median_s"] == pytest.approx(np.median(waits))
    assert got["first_response_p90_s"] == pytest.approx(np.percentile(waits, 90), abs=1e-3)
    assert got["first_response_mean_s"] == pytest.approx(waits.mean(), abs=1e-3)
    assert got["first_response_max_s"] == waits.max()
    assert got["unanswered_oldest_s"] == max(truth["open"].values())
    # round the clock, business time is calendar time
    assert got["business_median_s"] == pytest.approx(got["first_response_median_s"])


def test_groups_partition_the_messages(twcs: tuple[Workspace, Path]) -> None:
    ws, _ = twcs
    with ws.connect(read_only=True) as con:
        rows = addressed(con)
    result = metrics(rows, ["day", "intent", "influence"], as_of=AS_OF)
    overall = result["overall"]
    for key in ("by_day", "by_intent", "by_influence"):
        groups = result[key].values()
        assert sum(g["addressed"] for g in groups) == overall["addressed"]
        assert sum(g["answered"] for g in groups) == overall["answered"]
    assert list(result["by_day"]) == sorted(result["by_day"])
    assert set(result["by_intent"]) == {"unknown"}  # not enriched yet
    with pytest.raises(BadOption, match="cannot group by"):
        metrics(rows, ["mood"])


def test_filters_and_an_empty_result(twcs: tuple[Workspace, Path]) -> None:
    ws, _ = twcs
    with ws.connect(read_only=True) as con:
        everything = addressed(con).num_rows
        late = addressed(con, since=datetime(2017, 10, 31, tzinfo=UTC)).num_rows
        none = addressed(con, platform="facebook")
    assert 0 < late < everything and none.num_rows == 0
    empty = metrics(none, ["intent"])
    assert empty["overall"]["addressed"] == 0 and empty["overall"]["response_rate"] is None
    assert empty["by_intent"] == {}


def test_thread_has_depth_chain_and_participants(twcs: tuple[Workspace, Path]) -> None:
    ws, path = twcs
    with path.open(newline="", encoding="utf-8") as f:
        parent = {
            r["tweet_id"]: r["in_response_to_tweet_id"].split(".")[0] or None
            for r in csv.DictReader(f)
            if r["author_id"]
        }
    with ws.connect(read_only=True) as con:
        t = thread(con, "x:2952")
    chain, cursor = [], "2952"
    while cursor:
        chain.append(cursor)
        cursor = parent.get(cursor)
    assert t["chain"] == chain[::-1] and t["root_id"] == chain[-1]
    depth = {m["id"]: m["depth"] for m in t["messages"]}
    assert all(depth[m["id"]] == depth[m["parent_id"]] + 1 for m in t["messages"] if m["parent_id"])
    assert depth["2952"] == len(chain) - 1 and t["depth"] == max(depth.values())
    assert {p["handle"]: p["owned"] for p in t["participants"]} == {
        "116393": False,
        "SpotifyCares": True,
    }
    assert sum(p["messages"] for p in t["participants"]) == len(t["messages"])


def test_waiting_lists_the_oldest_unanswered_per_intent(twcs: tuple[Workspace, Path]) -> None:
    ws, path = twcs
    truth = independent(path)
    with ws.connect(read_only=True) as con:
        rows = addressed(con)
        found = waiting(con, rows, intents=("unknown",), n=3, as_of=AS_OF)["unknown"]
    oldest = sorted(truth["open"].items(), key=lambda kv: -kv[1])[:3]
    assert [w["id"] for w in found] == [tid for tid, _ in oldest]
    assert [w["waiting_s"] for w in found] == [round(s) for _, s in oldest]
    assert all(w["text"] for w in found)
