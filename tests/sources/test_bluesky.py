"""Bluesky on the real Jetstream sample and hand-written AppView responses (tests/fixtures)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from ascolto.ingest import ingest
from ascolto.sources import bluesky
from ascolto.sources.base import Bad, Options, RawRecord
from ascolto.workspace import Workspace
from tests.conftest import ROOT, data_path, messages_of, read_messages

SRC = bluesky.SOURCE
JETSTREAM = "formats/bluesky/jetstream_events.sample.jsonl"
FIXTURES = ROOT / "tests" / "fixtures" / "bluesky"
BRAND = "did:plc:exampleacmecoffeeaaaaaaa"
ANNA = "did:plc:exampleannabbbbbbbbbbbbb"
ROOT_URI = f"at://{BRAND}/app.bsky.feed.post/3lbzroota2222"
ANNA_URI = f"at://{ANNA}/app.bsky.feed.post/3lbzannaa2222"
BRAND_REPLY = f"at://{BRAND}/app.bsky.feed.post/3lbzbranda222"


def _items(path: Path) -> list:
    return list(SRC.read(path, Options()))


def _messages(path: Path) -> list:
    return read_messages(SRC, path, strict=False)


def _event(
    did: str,
    collection: str,
    rkey: str,
    record: dict[str, Any] | None,
    operation: str = "create",
    time_us: int = 1732206349001905,
) -> str:
    commit: dict[str, Any] = {
        "rev": "3lbhtytohxc2o",
        "operation": operation,
        "collection": collection,
        "rkey": rkey,
    }
    if record is not None:
        commit |= {"record": record, "cid": "bafyreiexamplecid"}
    return orjson.dumps(
        {"did": did, "time_us": time_us, "kind": "commit", "commit": commit}
    ).decode()


def test_jetstream_posts_and_skips() -> None:
    path = data_path(JETSTREAM)
    lines = path.read_text().splitlines()
    posts = sum(
        '"collection":"app.bsky.feed.post"' in line and '"operation":"create"' in line
        for line in lines
    )
    assert (len(lines), posts) == (5, 2)
    items = _items(path)
    assert len(items) == 5 and all(isinstance(i, RawRecord) for i in items)
    msgs = [SRC.normalise(r) for r in items]
    assert [m is None for m in msgs] == [False, True, True, True, False], "likes, follow skipped"
    first, second = (m for m in msgs if m is not None)
    assert first.id == "at://did:plc:yj3sjq3blzpynh27cumnp5ks/app.bsky.feed.post/3lbhtyteurk2y"
    assert first.created_at.isoformat() == "2024-11-21T16:09:27.095000+00:00", "createdAt"
    assert first.kind == "reply" and first.lang == "en"
    assert first.author is not None and first.author.id == "did:plc:yj3sjq3blzpynh27cumnp5ks"
    assert first.url == (
        "https://bsky.app/profile/did:plc:yj3sjq3blzpynh27cumnp5ks/post/3lbhtyteurk2y"
    )
    # Reply to the root itself: the root is the parent.
    assert (
        first.parent_id
        == first.root_id
        == ("at://did:plc:6tr6tuzlx2db3rduzr2d6r24/app.bsky.feed.post/3lbhqo2rtys2z")
    )
    assert (
        second.parent_id == "at://did:plc:6wx2gg5yqgvmlu35r6y3bk6d/app.bsky.feed.post/3lbhtj2eb4s2o"
    )
    assert (
        second.root_id == "at://did:plc:474ldquxwzrlcvjhhbbk2wte/app.bsky.feed.post/3lbhdzrynik27"
    )
    assert second.parent_author_id == "did:plc:6wx2gg5yqgvmlu35r6y3bk6d"
    assert second.likes is None, "Jetstream has no counts"
    assert isinstance(second.raw, str) and second.raw == lines[4]


def test_jetstream_repost_delete_identity_and_times(tmp_path: Path) -> None:
    subject = {"uri": ROOT_URI, "cid": "bafyreiexample0001cid"}
    post = {"$type": "app.bsky.feed.post", "text": "ciao", "createdAt": "2030-01-01T00:00:00Z"}
    lines = [
        _event(
            ANNA,
            "app.bsky.feed.repost",
            "3lbzrepost222",
            {
                "$type": "app.bsky.feed.repost",
                "subject": subject,
                "createdAt": "2024-11-21T16:00:00.000Z",
            },
        ),
        _event(ANNA, "app.bsky.feed.post", "3lbzfuture222", post),
        _event(ANNA, "app.bsky.feed.post", "3lbzbadtime22", post | {"createdAt": "yesterday"}),
        _event(ANNA, "app.bsky.feed.post", "3lbzgone22222", None, operation="delete"),
        orjson.dumps(
            {
                "did": ANNA,
                "time_us": 1732206349001905,
                "kind": "identity",
                "identity": {"did": ANNA, "handle": "anna.example.com"},
            }
        ).decode(),
    ]
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(lines) + "\n")
    msgs = [SRC.normalise(r) for r in _items(path)]
    share, future, badtime, deleted, identity = msgs
    assert share is not None and share.kind == "share"
    assert share.id == f"at://{ANNA}/app.bsky.feed.repost/3lbzrepost222"
    assert (share.shared_id, share.shared_author_id) == (ROOT_URI, BRAND)
    relay = "2024-11-21T16:25:49.001905+00:00"
    assert future is not None and future.created_at.isoformat() == relay, "no posts from 2030"
    assert badtime is not None and badtime.created_at.isoformat() == relay
    assert deleted is None and identity is None


def test_truncated_line_is_quarantined_and_like_is_skipped(
    tmp_path: Path, workspace: Workspace
) -> None:
    text = data_path(JETSTREAM).read_text()
    path = tmp_path / "cut.jsonl"
    path.write_text(text[: len(text) - 200])
    items = _items(path)
    assert isinstance(items[-1], Bad) and items[-1].location == "line 5"
    did = "did:plc:yj3sjq3blzpynh27cumnp5ks"
    result = ingest(workspace, [path], owners=[f"bluesky:{did.upper()}"]).summary()
    assert (result["new"], result["skipped"], result["quarantined"]) == (1, 3, 1)
    with workspace.connect(read_only=True) as con:
        assert con.execute("SELECT id FROM authors WHERE is_owned").fetchall() == [(did,)]


def test_thread_structure_and_owner_replies(workspace: Workspace) -> None:
    path = FIXTURES / "getPostThread.json"
    items = _items(path)
    assert len(items) == 6, "notFound and blocked posts are left out; the quoted post is in"
    msgs = {m.id: m for m in messages_of(SRC, items, strict=False)}
    assert len(msgs) == 6
    assert msgs[ROOT_URI].kind == "post" and msgs[ROOT_URI].root_id is None
    replies = [m for m in msgs.values() if m.kind == "reply"]
    assert len(replies) == 4 and {m.root_id for m in replies} == {ROOT_URI}
    brand_reply = msgs[BRAND_REPLY]
    assert brand_reply.parent_id == ANNA_URI and brand_reply.parent_author_id == ANNA
    assert brand_reply.created_at.isoformat() == "2024-11-20T10:32:05.500000+00:00", "+01:00"
    assert (brand_reply.likes, brand_reply.replies) == (2, 1)
    assert brand_reply.author is not None and brand_reply.author.handle == "acme.example.com"
    quoting = next(m for m in replies if m.quoted_id)
    assert quoting.quoted_author_id == "did:plc:examplelucaddddddddddddd"
    assert quoting.quoted_id in msgs
    ingest(workspace, [path], owners=["bsky:@ACME.example.com"])
    with workspace.connect(read_only=True) as con:
        by_owner = con.execute(
            "SELECT m.id FROM messages m JOIN authors a ON a.platform = m.platform "
            "AND a.id = m.author_id WHERE a.is_owned AND m.parent_id IS NOT NULL"
        ).fetchall()
        to_owner = con.execute(
            "SELECT m.id FROM messages m JOIN messages p ON p.platform = m.platform "
            "AND p.id = m.parent_id JOIN authors a ON a.platform = p.platform "
            "AND a.id = p.author_id WHERE a.is_owned ORDER BY m.id"
        ).fetchall()
    assert by_owner == [(BRAND_REPLY,)]
    assert [r[0].rsplit("/", 1)[1] for r in to_owner] == ["3lbzannaa2222", "3lbzlucaa2222"]


def test_posts_facets_quotes_and_metrics() -> None:
    msgs = _messages(FIXTURES / "getPosts.json")
    assert len(msgs) == 3 and len({m.id for m in msgs}) == 2, "the quoted view repeats a post"
    promo, quote, _ = msgs
    assert promo.mentions == ["anna.example.com"], "the handle is the text under the facet"
    assert promo.hashtags == ["promo", "caffè", "milano"]
    assert promo.links == ["https://acme.example.com/miscela"]
    assert (promo.likes, promo.shares, promo.replies, promo.quotes) == (120, 31, 9, 4)
    assert quote.kind == "quote" and quote.quoted_id == promo.id
    assert quote.quoted_author_id == BRAND and quote.lang == "it"


def test_author_feed_reposts_and_reply_context() -> None:
    items = _items(FIXTURES / "getAuthorFeed.json")
    assert [r.location for r in items] == [
        "feed[0].post",
        "feed[1].post",
        "feed[1].reply.root",
        "feed[1].reply.parent",
        "feed[2].post",
        "feed[2].reason",
    ]
    share = SRC.normalise(items[-1])
    assert share is not None and share.kind == "share" and share.author is not None
    assert share.id == f"at://{BRAND}/app.bsky.feed.repost/3lbxrepst2222"
    assert share.author.id == BRAND
    assert (
        share.shared_id == "at://did:plc:examplelucaddddddddddddd/app.bsky.feed.post/3lbxlucax2222"
    )
    assert share.created_at.isoformat() == "2024-11-18T09:30:00+00:00"


def test_single_post_view_author_profile() -> None:
    [m] = _messages(FIXTURES / "postView.json")
    assert m.author is not None and (m.author.followers, m.author.posts_count) == (311, 1204)
    assert m.author.url == "https://bsky.app/profile/luca.example.com"


def test_ingest_idempotent_and_jetstream_merges_with_appview(
    tmp_path: Path, workspace: Workspace
) -> None:
    first = ingest(workspace, [FIXTURES, data_path(JETSTREAM)]).summary()
    # Distinct posts: thread 6, feed adds 2 (a post and the repost), getPosts 2; Jetstream 2.
    assert first["new"] == 6 + 2 + 2 + 2 and first["quarantined"] == 0
    assert first["skipped"] == 3
    second = ingest(workspace, [FIXTURES, data_path(JETSTREAM)]).summary()
    assert second["new"] == 0 and second["updated"] == 0
    # The brand's reply seen live on Jetstream is the same message as in the AppView thread.
    thread = orjson.loads((FIXTURES / "getPostThread.json").read_bytes())
    record = thread["thread"]["replies"][0]["post"]["record"]
    path = tmp_path / "live.jsonl"
    path.write_text(_event(BRAND, "app.bsky.feed.post", "3lbzbranda222", record) + "\n")
    third = ingest(workspace, [path]).summary()
    assert third["new"] == 0 and third["total"] == 1
    with workspace.connect(read_only=True) as con:
        row = con.execute(
            "SELECT likes, author_id FROM messages WHERE id = ?", [BRAND_REPLY]
        ).fetchone()
        handle = con.execute("SELECT handle FROM authors WHERE id = ?", [BRAND]).fetchone()
    assert row == (2, BRAND), "Jetstream has no counts: the AppView ones stay"
    assert handle == ("acme.example.com",)
