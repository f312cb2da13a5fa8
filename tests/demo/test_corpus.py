"""The demo corpus: deterministic, and its ground truth agrees with the files it describes.

The files are read back here with a small independent reader (not ascolto's importers), so a
mismatch between what the generator planted and what it wrote shows up even if an importer
would paper over it.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from ascolto.demo import DEFAULT_SEED, generate
from ascolto.demo.brand import ACCOUNTS, BLOG_EMAIL
from ascolto.demo.truth import MESSAGES_NAME, TRUTH_NAME
from ascolto.errors import AscoltoError


@dataclass
class Rec:
    platform: str
    id: str
    created_at: datetime
    author: str
    parent: str | None
    text: str
    kind: str


def _t(value: str) -> datetime:
    """A file's time stamp in UTC; naive ones (WordPress ``*_gmt``) are UTC already."""
    when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def read_files(root: Path) -> tuple[dict[tuple[str, str], Rec], dict[str, dict[str, Any]]]:
    """Every message in the corpus files, and the X users of ``includes.users``."""
    recs: dict[tuple[str, str], Rec] = {}
    users: dict[str, dict[str, Any]] = {}

    def add(
        platform: str, id: str, time: str, author: str, parent: str | None, text: str, kind: str
    ) -> None:
        r = Rec(platform, id, _t(time), author, parent, text, kind)
        assert (r.platform, r.id) not in recs, f"duplicate id {r.platform}:{r.id}"
        recs[(r.platform, r.id)] = r

    for path in sorted((root / "x").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            obj = json.loads(line)
            t = obj["data"]
            refs = {r["type"]: r["id"] for r in t.get("referenced_tweets", ())}
            kind = (
                "share"
                if "retweeted" in refs
                else "reply"
                if "replied_to" in refs
                else "quote"
                if "quoted" in refs
                else "post"
            )
            add(
                "x",
                t["id"],
                t["created_at"],
                t["author_id"],
                refs.get("replied_to"),
                t["text"],
                kind,
            )
            for u in obj["includes"]["users"]:
                users[u["id"]] = u
    for path in sorted((root / "facebook").glob("page_feed_p*.json")):
        for p in _json(path)["data"]:
            add("facebook", p["id"], p["created_time"], p["from"]["id"], None, p["message"], "post")
    for path in sorted((root / "facebook" / "comments").glob("*.json")):
        post_id = path.stem.rsplit("_p", 1)[0]
        for c in _json(path)["data"]:
            parent, kind = (c["parent"]["id"], "reply") if "parent" in c else (post_id, "comment")
            add("facebook", c["id"], c["created_time"], c["from"]["id"], parent, c["message"], kind)
    for path in sorted((root / "instagram").glob("media_p*.json")):
        for m in _json(path)["data"]:
            add("instagram", m["id"], m["timestamp"], m["owner"]["id"], None, m["caption"], "post")
    for path in sorted((root / "instagram" / "comments").glob("*.json")):
        for top in _json(path)["data"]:
            for c, parent, kind in [(top, top["media"]["id"], "comment")] + [
                (r, top["id"], "reply") for r in top.get("replies", {}).get("data", ())
            ]:
                add("instagram", c["id"], c["timestamp"], c["from"]["id"], parent, c["text"], kind)
    for v in _json(root / "youtube" / "videos.json")["items"]:
        s = v["snippet"]
        add("youtube", v["id"], s["publishedAt"], s["channelId"], None, s["description"], "post")
    for path in sorted((root / "youtube").glob("commentThreads_*.json")):
        for thread in _json(path)["items"]:
            top = thread["snippet"]["topLevelComment"]
            for c, parent, kind in [(top, thread["snippet"]["videoId"], "comment")] + [
                (r, r["snippet"]["parentId"], "reply")
                for r in thread.get("replies", {}).get("comments", ())
            ]:
                s = c["snippet"]
                author = s["authorChannelId"]["value"]
                add("youtube", c["id"], s["publishedAt"], author, parent, s["textOriginal"], kind)
    wp = {
        "wp": "http://wordpress.org/export/1.2/",
        "dc": "http://purl.org/dc/elements/1.1/",
        "content": "http://purl.org/rss/1.0/modules/content/",
    }
    for path in sorted((root / "wordpress").glob("*.xml")):
        tree = etree.parse(str(path))
        for item in tree.iterfind(".//item"):
            pid = item.findtext("wp:post_id", namespaces=wp)
            add(
                "wordpress",
                pid,
                item.findtext("wp:post_date_gmt", namespaces=wp),
                item.findtext("dc:creator", namespaces=wp),
                None,
                item.findtext("content:encoded", namespaces=wp),
                "post",
            )
            for c in item.iterfind("wp:comment", namespaces=wp):
                parent = c.findtext("wp:comment_parent", namespaces=wp)
                owned = c.findtext("wp:comment_user_id", namespaces=wp) != "0"
                email = c.findtext("wp:comment_author_email", namespaces=wp)
                add(
                    "wordpress",
                    c.findtext("wp:comment_id", namespaces=wp),
                    c.findtext("wp:comment_date_gmt", namespaces=wp),
                    ACCOUNTS["wordpress"].id if owned and email == BLOG_EMAIL else email,
                    pid if parent == "0" else parent,
                    c.findtext("wp:comment_content", namespaces=wp),
                    "comment" if parent == "0" else "reply",
                )
    return recs, users


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("demo") / "corpus"
    generate(root, DEFAULT_SEED)
    recs, users = read_files(root)
    truth = _json(root / TRUTH_NAME)
    rows = [
        json.loads(line) for line in (root / MESSAGES_NAME).read_text(encoding="utf-8").splitlines()
    ]
    return {"root": root, "recs": recs, "users": users, "truth": truth, "rows": rows}


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_same_seed_gives_byte_identical_files(corpus: dict[str, Any], tmp_path: Path) -> None:
    again = generate(tmp_path / "again", DEFAULT_SEED)
    first, second = _snapshot(corpus["root"]), _snapshot(again.directory)
    assert len(first) > 40 and first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []
    other = generate(tmp_path / "other", DEFAULT_SEED + 1)
    assert _snapshot(other.directory)["ground_truth.json"] != first["ground_truth.json"]


def test_bytes_do_not_depend_on_hash_randomisation(corpus: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "hashed"
    code = (
        f"from pathlib import Path; from ascolto.demo import generate; generate(Path({str(out)!r}))"
    )
    for hash_seed in ("1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        subprocess.run([sys.executable, "-c", code], env=env, check=True)
        assert _snapshot(out) == _snapshot(corpus["root"])


def test_regenerating_in_place_replaces_the_old_corpus(tmp_path: Path) -> None:
    root = tmp_path / "c"
    generate(root, 7)
    generate(root, 8)
    truth = _json(root / TRUTH_NAME)
    assert truth["generator"]["seed"] == 8
    recs, _ = read_files(root)
    assert len(recs) == truth["counts"]["total"], "no leftover files of seed 7"


def test_refuses_a_folder_with_other_content(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(AscoltoError, match="not a demo corpus"):
        generate(tmp_path, 1)


def test_size_platforms_and_period(corpus: dict[str, Any]) -> None:
    recs, truth = corpus["recs"], corpus["truth"]
    assert 4000 <= len(recs) <= 8000
    by_platform = Counter(platform for platform, _ in recs)
    assert by_platform == truth["counts"]["messages"]
    assert set(by_platform) == {"x", "facebook", "instagram", "youtube", "wordpress"}
    times = [r.created_at for r in recs.values()]
    assert min(times) >= datetime(2024, 9, 2, tzinfo=UTC)
    assert max(times) < datetime(2024, 12, 31, tzinfo=UTC)
    assert len(corpus["rows"]) == len(recs)
    for platform, kinds in truth["counts"]["kinds"].items():
        found = Counter(r.kind for r in recs.values() if r.platform == platform)
        assert found == kinds, platform


def test_threads_point_at_messages_in_the_files(corpus: dict[str, Any]) -> None:
    recs = corpus["recs"]
    for r in recs.values():
        if r.parent is not None:
            parent = recs.get((r.platform, r.parent))
            assert parent is not None, f"{r.platform}:{r.id} replies to a missing {r.parent}"
            assert parent.created_at <= r.created_at


def test_owner_replies_match_truth(corpus: dict[str, Any]) -> None:
    recs, truth = corpus["recs"], corpus["truth"]
    owned = {p: a["id"] for p, a in truth["owned_accounts"].items()}
    counts = Counter(
        r.platform for r in recs.values() if r.author == owned[r.platform] and r.parent is not None
    )
    assert counts == truth["counts"]["owner_replies"]
    assert all(n >= 20 for n in counts.values())
    assert truth["owners"] == [
        "x:CaffeAurora",
        "facebook:104729381726354",
        "instagram:caffeaurora",
        "youtube:UCq3Aur0raCaffe7Ital1a9w",
        "wordpress:redazione",
    ]


def test_every_planted_id_is_in_the_files(corpus: dict[str, Any]) -> None:
    recs, users, ph = corpus["recs"], corpus["users"], corpus["truth"]["phenomena"]
    x_ids = {i for p, i in recs if p == "x"}
    flame = ph["flame"]
    assert set(flame["message_ids"]) <= {i for _, i in recs}
    assert flame["igniter_id"] in x_ids and flame["trigger_post_ids"]["x"] in x_ids
    assert ("facebook", flame["trigger_post_ids"]["facebook"]) in recs
    assert set(ph["bought_followers"]["message_ids"]) <= x_ids
    assert set(ph["bought_followers"]["author_ids"]) <= set(users)
    contest = ph["contest_ring"]
    ig = {i for p, i in recs if p == "instagram"}
    assert contest["post_id"] in ig and set(contest["genuine_vote_ids"]) <= ig
    for wave in contest["waves"]:
        assert set(wave["message_ids"]) <= ig
    viral = ph["viral"]
    assert viral["root_id"] in x_ids
    assert {n["id"] for n in viral["nodes"]} <= x_ids
    assert {n["via"] for n in viral["nodes"]} <= x_ids
    net = ph["influencers"]
    assert set(net["hub_post_ids"]) <= x_ids
    assert {h["id"] for h in net["hubs"]} <= set(users)


def test_response_gap_medians_from_the_files_match_truth(corpus: dict[str, Any]) -> None:
    recs, truth, rows = corpus["recs"], corpus["truth"], corpus["rows"]
    owned = {p: a["id"] for p, a in truth["owned_accounts"].items()}
    first_reply: dict[tuple[str, str], datetime] = {}
    for r in recs.values():
        if r.parent is not None and r.author == owned[r.platform]:
            key = (r.platform, r.parent)
            first_reply[key] = min(first_reply.get(key, r.created_at), r.created_at)
    delays: dict[str, list[float]] = {}
    asked: dict[str, int] = {}
    for row in rows:
        if not row["to_brand"]:
            continue
        asked[row["intent"]] = asked.get(row["intent"], 0) + 1
        key = (row["platform"], row["id"])
        if key in first_reply:
            minutes = (first_reply[key] - recs[key].created_at).total_seconds() / 60
            delays.setdefault(row["intent"], []).append(minutes)
            assert row["first_response_seconds"] == round(minutes * 60)
        else:
            assert row["owner_reply_id"] is None
    observed = truth["phenomena"]["response_gap"]["observed"]
    for intent, stats in observed.items():
        assert stats["messages"] == asked[intent]
        assert stats["answered"] == len(delays[intent])
        assert stats["median_first_response_minutes"] == round(statistics.median(delays[intent]), 2)
    # The planted gap: sales fast and nearly always, the rest slow and often never.
    assert observed["purchase"]["median_first_response_minutes"] < 30
    assert observed["purchase"]["answer_rate"] > 0.85
    for intent in ("question", "complaint", "idea"):
        assert observed[intent]["median_first_response_minutes"] > 12 * 60
        assert observed[intent]["answer_rate"] < 0.6
    assert observed["idea"]["answer_rate"] < 0.25


def test_bought_followers_look_bought(corpus: dict[str, Any]) -> None:
    fans = corpus["truth"]["phenomena"]["bought_followers"]
    start, end = _t(fans["created_from"]), _t(fans["created_to"])
    assert 200 <= fans["size"] == len(set(fans["author_ids"]))
    for uid in fans["author_ids"]:
        u = corpus["users"][uid]
        assert start <= _t(u["created_at"]) < end
        assert "default_profile" in u["profile_image_url"] and u["description"] == ""
        assert u["public_metrics"]["followers_count"] <= 3
        assert u["public_metrics"]["tweet_count"] <= 2
        assert re.fullmatch(r"[A-Z][a-z]{2,6}\d{8}", u["username"]), u["username"]
    authors = {corpus["recs"][("x", m)].author for m in fans["message_ids"]}
    assert authors == set(fans["author_ids"])


def test_contest_ring_votes_in_tight_identical_waves(corpus: dict[str, Any]) -> None:
    contest, recs = corpus["truth"]["phenomena"]["contest_ring"], corpus["recs"]
    ring = set(contest["ring_user_ids"])
    assert 20 <= len(ring) <= 40 and len(contest["waves"]) >= 5
    for wave in contest["waves"]:
        votes = [recs[("instagram", i)] for i in wave["message_ids"]]
        times = [v.created_at for v in votes]
        assert max(times) - min(times) <= timedelta(seconds=contest["wave_seconds"])
        assert {v.author for v in votes} <= ring and len(votes) >= 0.7 * len(ring)
        assert all(
            v.text.lower().startswith("voto #7 per il contest #auroracontest") for v in votes
        )
        assert all(v.parent == contest["post_id"] for v in votes)
    genuine = [recs[("instagram", i)] for i in contest["genuine_vote_ids"]]
    assert not {v.author for v in genuine} & ring
    assert sum(contest["genuine_votes_by_entry"].values()) == len(genuine)


def test_flame_is_a_one_day_burst_of_mostly_new_authors(corpus: dict[str, Any]) -> None:
    flame, recs = corpus["truth"]["phenomena"]["flame"], corpus["recs"]
    start, end = _t(flame["start"]), _t(flame["end"])
    ids = set(flame["message_ids"])
    flamed = [r for r in recs.values() if r.id in ids]
    assert len(flamed) >= 300 and all(start <= r.created_at < end for r in flamed)
    assert set(flame["messages_by_platform"]) == {"x", "facebook"}
    before = [r for r in recs.values() if start - timedelta(days=14) <= r.created_at < start]
    assert len(flamed) > 5 * len(before) / 14
    seen_before = {(r.platform, r.author) for r in recs.values() if r.created_at < start}
    new = set(flame["new_author_ids"])
    assert not any((r.platform, r.author) in seen_before for r in flamed if r.author in new)
    assert len(new) > 0.5 * len(flame["author_ids"])
    assert len(flame["toxic_message_ids"]) > 0.3 * len(flamed)
    assert any("#BoicottaAurora" in r.text for r in flamed)


def test_viral_cascade_grows_fast_then_saturates(corpus: dict[str, Any]) -> None:
    viral, recs = corpus["truth"]["phenomena"]["viral"], corpus["recs"]
    cum = viral["cumulative"]
    counts = [cum[k] for k in ("1h", "3h", "6h", "12h", "24h", "48h", "72h")]
    assert counts == sorted(counts) and counts[-1] == viral["size"] >= 500
    assert counts[2] < 0.25 * viral["size"] <= counts[3] and counts[4] >= 0.9 * viral["size"]
    root = recs[("x", viral["root_id"])]
    for node in viral["nodes"]:
        r = recs[("x", node["id"])]
        assert r.kind == node["kind"] and r.created_at > root.created_at
    assert len(viral["early_hub_ids"]) == 3


def test_influencer_communities(corpus: dict[str, Any]) -> None:
    net = corpus["truth"]["phenomena"]["influencers"]
    assert len(net["hubs"]) == 8
    assert all(h["followers"] >= 10_000 for h in net["hubs"])
    members = [set(c["member_ids"]) for c in net["communities"].values()]
    assert all(len(m) >= 30 for m in members)
    assert all(not (a & b) for i, a in enumerate(members) for b in members[i + 1 :])
    assert net["brand_reply_median_minutes_to_hubs"] < 60
