"""Topics and share of voice on the demo, whose ground truth plants two competitors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ascolto.errors import BadOption
from ascolto.explore import topics
from ascolto.query.parser import QueryError
from ascolto.workspace import Workspace
from tests.conftest import search_ids

TZ = "Europe/Rome"


@pytest.fixture(scope="module")
def demo(demo_workspace: Workspace) -> Workspace:
    return demo_workspace


@pytest.fixture(scope="module")
def measured(demo: Workspace) -> list[dict[str, Any]]:
    with demo.connect(read_only=True) as con:
        index = demo.search_index(con)
        return topics.measure(
            con, index, topics.saved(con, demo.settings["topics"]), by="month", timezone=TZ
        )


def test_the_demo_saves_the_brand_and_two_competitors(demo: Workspace) -> None:
    with demo.connect(read_only=True) as con:
        saved = topics.saved(con, demo.settings["topics"])
    assert [(t.name, t.competitor, t.source) for t in saved] == [
        ("aurora", False, "ascolto.toml"),
        ("borea", True, "ascolto.toml"),
        ("stella", True, "ascolto.toml"),
    ]


def test_competitor_topics_find_the_planted_conversation(demo: Workspace) -> None:
    truth = demo.root / "corpus" / "ground_truth_messages.jsonl"
    rows = [json.loads(line) for line in truth.read_text(encoding="utf-8").splitlines()]
    planted = {f"{r['platform']}:{r['id']}" for r in rows if "market" in r["tags"]}
    borea, stella = (
        set(search_ids(demo, "borea OR @caffeborea OR #caffeborea")),
        set(search_ids(demo, '"moka stella" OR @mokastella OR #mokastella')),
    )
    assert borea <= planted and stella <= planted, "nothing else talks about the rivals"
    assert len(borea | stella) >= 0.95 * len(planted)  # the rest: typos the generator made


def test_numbers_equal_sql_over_the_same_messages(
    demo: Workspace, measured: list[dict[str, Any]]
) -> None:
    for topic in measured:
        keys = search_ids(demo, topic["query"])
        assert topic["volume"] == len(keys) > 100
        with demo.connect(read_only=True) as con:
            row = con.execute(
                """SELECT count(DISTINCT (m.platform, m.author_id)),
                          sum(coalesce(likes, 0) + coalesce(shares, 0) + coalesce(replies, 0)
                              + coalesce(quotes, 0)),
                          count(*) FILTER (WHERE s.label = 'positive'),
                          count(*) FILTER (WHERE s.label = 'negative')
                   FROM messages m
                   LEFT JOIN labels s ON s.platform = m.platform AND s.message_id = m.id
                        AND s.task = 'sentiment'
                   WHERE m.platform || ':' || m.id IN (SELECT unnest($1))""",
                [keys],
            ).fetchone()
        assert row is not None
        authors, engagement, pos, neg = row
        assert topic["authors"] == authors and topic["engagement"] == engagement
        assert topic["sentiment"]["positive"] == pos and topic["sentiment"]["negative"] == neg
        assert topic["net_sentiment"] == round((pos - neg) / (pos + neg), 4)
        assert sum(topic["intents"].values()) == topic["volume"]
        assert topic["reach"] <= topic["impressions"]
        for name in ("volume", "engagement", "impressions"):
            assert sum(p[name] for p in topic["periods"]) == topic[name]


def test_share_of_voice_and_the_emerging_rival(measured: list[dict[str, Any]]) -> None:
    sov = topics.share_of_voice(measured)
    volume = {t["name"]: t["volume"] for t in measured}
    for name, n in volume.items():
        assert sov["by_volume"][name] == round(n / sum(volume.values()), 4)
    for metric in topics.SHARE_BY:
        assert sum(sov[f"by_{metric}"].values()) == pytest.approx(1.0, abs=1e-3)
    assert sov["brand"]["volume"] == sov["by_volume"]["aurora"] > 0.5
    stella = [p["stella"] for p in sov["periods"]]
    assert stella[0] == 0.0 and stella == sorted(stella), "launched in October, growing"


def test_add_remove_and_the_errors(tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "ws", topics={"brand": {"query": "aurora"}})
    with ws.connect() as con:
        topics.add(con, ws.settings["topics"], "rival", "borea OR @caffeborea", competitor=True)
        topics.add(con, ws.settings["topics"], "rival", "borea", competitor=True)  # replaces
        assert [(t.name, t.query) for t in topics.saved(con, ws.settings["topics"])] == [
            ("brand", "aurora"),
            ("rival", "borea"),
        ]
        with pytest.raises(QueryError, match="position"):
            topics.add(con, ws.settings["topics"], "bad", "borea AND (")
        with pytest.raises(BadOption, match=r"ascolto\.toml"):
            topics.add(con, ws.settings["topics"], "brand", "x")
        with pytest.raises(BadOption, match="no topic 'nope'"):
            topics.pick(topics.saved(con, ws.settings["topics"]), ["nope"])
        topics.remove(con, ws.settings["topics"], "rival")
        with pytest.raises(BadOption, match="no topic"):
            topics.remove(con, ws.settings["topics"], "rival")


def test_a_bad_topic_in_the_settings_is_one_line(tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "ws")
    ws.config_path.write_text('[topics]\nbrand = "aurora AND ("\n', encoding="utf-8")
    with pytest.raises(BadOption, match=r"setting 'topics'.*topic 'brand': position"):
        Workspace.find(ws.root).settings  # noqa: B018
