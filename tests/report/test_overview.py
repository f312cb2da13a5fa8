"""The overview report on real fixtures: the numbers, and the single offline HTML file."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from ascolto.enrich.backends import get_backend
from ascolto.enrich.pipeline import enrich_store
from ascolto.enrich.tasks import TASKS
from ascolto.ingest import ingest
from ascolto.report.overview import build_overview, render_overview
from ascolto.workspace import Workspace
from tests.conftest import data_path


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> tuple[Workspace, dict[str, Any]]:
    """twarc2's DocNow fixtures plus a PRAW thread in which the post author (bboe) answers."""
    ws = Workspace.create(tmp_path_factory.mktemp("report") / "ws", brand="Real <Data> & Co")
    ingest(
        ws,
        [
            data_path("formats/twitter_v2_twarc2"),
            data_path("formats/reddit/praw_cassette_comments_2gmzqe.json"),
        ],
        owners=["reddit:bboe"],
    )
    with ws.connect(read_only=True) as con:
        data = build_overview(con, "Real <Data> & Co")
    return ws, data


def test_totals_and_volume_add_up(real: tuple[Workspace, dict[str, Any]]) -> None:
    ws, data = real
    with ws.connect(read_only=True) as con:
        row = con.execute(
            "SELECT count(*), count(DISTINCT (platform, author_id)) FROM messages"
        ).fetchone()
    assert row is not None
    assert data["totals"]["messages"] == row[0] and data["totals"]["authors"] == row[1]
    assert sum(sum(s) for s in data["volume"]["series"].values()) == row[0]
    assert data["platforms"] == ["x", "reddit"]
    # 2014 (Reddit) to 2022 (X): too long for daily bars.
    assert data["volume"]["bucket"] == "month" and data["volume"]["days"][0] == "2014-09-01"
    assert data["first"] == "2014-09-17T06:34:31+00:00"
    assert data["kinds"]["reddit"] == {"post": 1, "comment": 1, "reply": 1}
    assert sum(data["kinds"]["x"].values()) == row[0] - 3


def test_responses_measure_the_owner_reply(real: tuple[Workspace, dict[str, Any]]) -> None:
    _, data = real
    assert data["responses"]["owned_accounts"] == 1
    (reddit,) = data["responses"]["by_platform"]
    # paneer_burrito asks at 1411005112, bboe answers at 1411010034: 4,922 s later.
    assert reddit["platform"] == "reddit"
    assert (reddit["addressed"], reddit["answered"], reddit["unanswered"]) == (1, 1, 0)
    assert reddit["response_rate"] == 1.0 and reddit["first_response_median_s"] == 4922.0
    assert [r["intent"] for r in data["responses"]["by_intent"]] == ["unknown"]
    assert data["responses"]["waiting"]["question"] == []  # the only message was answered
    assert [o["id"] for o in data["owned"]] == ["bboe"]


def test_top_authors_and_threads(real: tuple[Workspace, dict[str, Any]]) -> None:
    _, data = real
    top = data["top_authors"]
    assert top == sorted(top, key=lambda a: -a["messages"])
    followed = [a["followers"] for a in data["top_followed"]]
    assert followed == sorted(followed, reverse=True) and followed[0] > 1_000_000
    threads = data["threads"]
    assert [t["replies"] for t in threads] == sorted((t["replies"] for t in threads), reverse=True)
    reddit = next(t for t in threads if t["platform"] == "reddit")
    assert reddit["id"] == "t3_2gmzqe" and reddit["replies"] == 2 and reddit["handle"] == "bboe"


def test_html_is_one_offline_file_with_the_data(
    real: tuple[Workspace, dict[str, Any]], tmp_path: Path
) -> None:
    _, data = real
    path = render_overview(data, tmp_path / "sub" / "overview.html")
    html = path.read_text(encoding="utf-8")
    assert "<title>Real &lt;Data&gt; &amp; Co · overview</title>" in html
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=", html), "nothing loaded from outside"
    assert "Chart.js v4" in html and "sourceMappingURL" not in html
    payload = re.search(
        r'<script type="application/json" id="overview-data">(.*?)</script>', html, re.S
    )
    assert payload is not None
    assert json.loads(payload.group(1))["totals"] == data["totals"]
    assert "1.4 h" in html and "[PRAW] HTTPS enabled PRAW testing needed" in html


def test_message_text_cannot_break_out_of_the_page(workspace: Workspace, tmp_path: Path) -> None:
    evil = "</script><script>alert(1)</script>"
    tweets = [
        {
            "id": "10",
            "text": evil,
            "author_id": "1",
            "conversation_id": "10",
            "created_at": "2024-01-01T10:00:00.000Z",
            "author": {"id": "1", "username": "mallory", "name": evil},
        },
        {
            "id": "11",
            "text": "@mallory no",
            "author_id": "2",
            "conversation_id": "10",
            "created_at": "2024-01-01T11:00:00.000Z",
            "in_reply_to_user_id": "1",
            "referenced_tweets": [{"type": "replied_to", "id": "10"}],
            "author": {"id": "2", "username": "bob"},
        },
    ]
    src = tmp_path / "evil.jsonl"
    src.write_text("\n".join(json.dumps(t) for t in tweets) + "\n", encoding="utf-8")
    ingest(workspace, [src], fmt="twarc2")
    with workspace.connect(read_only=True) as con:
        data = build_overview(con, evil)
    assert data["threads"][0]["text"] == evil
    html = render_overview(data, tmp_path / "o.html").read_text(encoding="utf-8")
    assert "alert(1)" in html and "<script>alert(1)" not in html


def test_reading_mix_adds_up_after_enrichment(tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "ws", owners=["reddit:bboe"])
    ingest(
        ws, [data_path("formats/reddit/praw_cassette_comments_2gmzqe.json")], owners=["reddit:bboe"]
    )
    with ws.connect(read_only=True) as con:
        before = build_overview(con)["reading"]
    assert before["read"] == 0 and before["audience"] > 0
    assert "Not read yet" in render_overview(build_overview_of(ws), tmp_path / "a.html").read_text()
    with ws.connect() as con:
        enrich_store(con, TASKS, get_backend())
        owned = con.execute(
            "SELECT count(*) FROM messages m JOIN authors a ON a.platform = m.platform "
            "AND a.id = m.author_id WHERE a.is_owned"
        ).fetchone()[0]
        total = con.execute("SELECT count(*) FROM messages").fetchone()[0]
    reading = build_overview_of(ws)["reading"]
    assert reading["read"] == reading["audience"] == total - owned
    assert sum(r["n"] for r in reading["intent"]) == reading["read"]
    assert sum(reading["sentiment"]["overall"].values()) == reading["read"]
    assert sum(reading["language"].values()) == reading["read"]
    assert {m["task"] for m in reading["models"]} == set(TASKS)
    html = render_overview(build_overview_of(ws), tmp_path / "b.html").read_text()
    assert "What the audience says" in html and "Net sentiment" in html


def build_overview_of(ws: Workspace) -> dict[str, Any]:
    with ws.connect(read_only=True) as con:
        return build_overview(con)


def test_empty_workspace(workspace: Workspace, tmp_path: Path) -> None:
    with workspace.connect(read_only=True) as con:
        data = build_overview(con)
    assert data["totals"]["messages"] == 0 and data["volume"]["days"] == []
    assert data["responses"]["owned_accounts"] == 0 and data["responses"]["by_platform"] == []
    html = render_overview(data, tmp_path / "empty.html").read_text(encoding="utf-8")
    assert "no messages yet" in html and "No owned accounts" in html
