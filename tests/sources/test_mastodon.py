"""Mastodon REST statuses on the real docs Status, and threads built from copies of it."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import orjson

from ascolto.ingest import ingest
from ascolto.models import Message
from ascolto.sources import mastodon
from ascolto.sources.base import Bad, Options
from ascolto.workspace import Workspace
from tests.conftest import data_path, read_messages

SRC = mastodon.SOURCE
STATUS = "formats/mastodon/docs_entity_Status_example.json"
GARGRON_URI = "https://mastodon.social/users/Gargron/statuses/103270115826048975"


def _read(path: Path) -> list:
    return list(SRC.read(path, Options()))


def _messages(path: Path) -> list[Message]:
    return read_messages(SRC, path)


def _status() -> dict[str, Any]:
    return orjson.loads(data_path(STATUS).read_bytes())


def _write(tmp_path: Path, name: str, obj: Any) -> Path:
    path = tmp_path / name
    path.write_bytes(orjson.dumps(obj, option=orjson.OPT_INDENT_2))
    return path


def _remote_user(n: int) -> dict[str, Any]:
    return {
        "id": str(900 + n),
        "username": f"user{n}",
        "acct": f"User{n}@example.social",
        "display_name": f"User {n}",
        "url": f"https://example.social/@User{n}",
        "followers_count": n,
        "following_count": 1,
        "statuses_count": 2,
        "created_at": "2020-01-01T00:00:00.000Z",
        "note": "",
    }


def test_docs_status_fields() -> None:
    [m] = _messages(data_path(STATUS))
    assert m.id == GARGRON_URI, "the uri, not the server-local id, is the message id"
    assert m.created_at.isoformat() == "2019-12-08T03:48:33.901000+00:00"
    assert m.kind == "post" and m.parent_id is None and m.lang == "en"
    assert m.url == "https://mastodon.social/@Gargron/103270115826048975"
    assert (m.likes, m.shares, m.replies, m.quotes) == (11, 6, 5, 2)
    assert m.text is not None and m.text.startswith('"I lost my inheritance with one wrong digit')
    assert m.links == [
        "https://www.theguardian.com/money/2019/dec/07/"
        "i-lost-my-193000-inheritance-with-one-wrong-digit-on-my-sort-code"
    ]
    a = m.author
    assert a is not None
    assert (a.id, a.handle) == ("gargron@mastodon.social", "Gargron@mastodon.social")
    assert (a.followers, a.following, a.posts_count) == (322930, 459, 61323)
    assert a.name == "Eugen" and a.description and a.description.startswith("Developer of")
    assert isinstance(m.raw, dict) and m.raw["id"] == "103270115826048975"


def test_context_thread_root_and_parents(tmp_path: Path) -> None:
    root = _status()  # Gargron's toot is the thread's first ancestor
    focal_local = "103270200000000001"  # the status /context was asked for: not in the response
    reply = copy.deepcopy(root) | {
        "id": "103270300000000002",
        "uri": "https://example.social/users/User1/statuses/555",
        "url": "https://example.social/@User1/555",
        "in_reply_to_id": focal_local,
        "in_reply_to_account_id": "1",
        "account": _remote_user(1),
        "content": "<p>me too</p>",
        "mentions": [],
        "created_at": "2019-12-08T04:00:00.000Z",
    }
    nested = copy.deepcopy(root) | {
        "id": "103270300000000003",
        "uri": "https://mastodon.social/users/Gargron/statuses/3",
        "in_reply_to_id": "103270300000000002",
        "in_reply_to_account_id": "901",
        "content": "<p>thanks!</p>",
        "created_at": "2019-12-08T04:10:00.000Z",
        "mentions": [
            {
                "id": "901",
                "username": "user1",
                "acct": "User1@example.social",
                "url": "https://example.social/@User1",
            }
        ],
    }
    orphan = copy.deepcopy(reply) | {
        "id": "103270300000000004",
        "uri": "https://example.social/users/User2/statuses/556",
        "in_reply_to_id": "103270999999999999",
        "in_reply_to_account_id": "777",
        "account": _remote_user(2),
    }
    path = _write(
        tmp_path, "context.json", {"ancestors": [root], "descendants": [reply, nested, orphan]}
    )
    msgs = {m.id: m for m in _messages(path)}
    assert len(msgs) == 4
    assert msgs[GARGRON_URI].root_id is None and msgs[GARGRON_URI].kind == "post"
    r = msgs["https://example.social/users/User1/statuses/555"]
    # The parent is a local status of a Mastodon server: its uri is rebuilt from the local id.
    assert r.parent_id == f"https://mastodon.social/users/Gargron/statuses/{focal_local}"
    assert r.parent_author_id == "gargron@mastodon.social"
    assert r.root_id == GARGRON_URI and r.kind == "reply"
    n = msgs["https://mastodon.social/users/Gargron/statuses/3"]
    assert n.parent_id == r.id and n.parent_author_id == "user1@example.social"
    assert n.mentions == ["user1@example.social"] and n.root_id == GARGRON_URI
    o = msgs["https://example.social/users/User2/statuses/556"]
    assert o.parent_id == "103270999999999999", "an unresolvable local id is kept"
    assert o.parent_author_id is None, "a bare local account id is no author id"


def test_reblog_is_a_share_and_brings_the_original(tmp_path: Path) -> None:
    original = _status()
    boost = {
        "id": "103270400000000000",
        "created_at": "2019-12-08T05:00:00.000Z",
        "uri": "https://example.social/users/User1/statuses/600/activity",
        "url": None,
        "in_reply_to_id": None,
        "in_reply_to_account_id": None,
        "content": "",
        "account": _remote_user(1),
        "reblog": original,
        "replies_count": 0,
        "reblogs_count": 0,
        "favourites_count": 0,
        "mentions": [],
        "tags": [],
    }
    path = _write(tmp_path, "timeline.json", [boost])
    records = _read(path)
    assert [r.location for r in records] == ["[0]", "[0].reblog"]
    share, orig = (SRC.normalise(r) for r in records)
    assert share.kind == "share" and share.shared_id == GARGRON_URI
    assert share.shared_author_id == "gargron@mastodon.social"
    assert (share.author.id, share.author.handle) == (
        "user1@example.social",
        "User1@example.social",
    )
    assert share.likes is None and share.text is None, "a boost has no counts or text of its own"
    assert orig.id == GARGRON_URI and orig.likes == 11


def test_jsonl_lines_and_truncated_line(tmp_path: Path) -> None:
    status = _status()
    second = status | {
        "id": "2",
        "uri": "https://mastodon.social/users/Gargron/statuses/2",
        "in_reply_to_id": "103270115826048975",
        "in_reply_to_account_id": "1",
    }
    lines = [orjson.dumps(status).decode(), orjson.dumps(second).decode()]
    path = tmp_path / "statuses.jsonl"
    path.write_text("\n".join([*lines, lines[0][:300]]) + "\n")
    assert SRC.detect(path, path.read_text()) >= 0.9
    items = _read(path)
    bad = [i for i in items if isinstance(i, Bad)]
    assert len(items) == 3 and len(bad) == 1 and bad[0].location == "line 3"
    first, reply = (SRC.normalise(r) for r in items if not isinstance(r, Bad))
    assert first.raw == lines[0], "a whole line keeps its original text as raw"
    # JSONL: the parent is on another line, so it is rebuilt (Gargron is local, Mastodon-shaped).
    assert reply.parent_id == GARGRON_URI and reply.parent_author_id == "gargron@mastodon.social"


def test_broken_file_is_one_bad_record(tmp_path: Path) -> None:
    path = tmp_path / "cut.json"
    path.write_bytes(data_path(STATUS).read_bytes()[:1500])
    [bad] = _read(path)
    assert isinstance(bad, Bad) and bad.location == "file" and "invalid JSON" in bad.reason


def test_ingest_idempotent_quarantine_and_owner(tmp_path: Path, workspace: Workspace) -> None:
    good = _status()
    no_uri = {k: v for k, v in good.items() if k != "uri"} | {"id": "5"}
    notification = {
        "id": "6",
        "type": "favourite",
        "created_at": good["created_at"],
        "account": good["account"],
        "status": good,
    }
    path = _write(tmp_path, "statuses.json", [good, no_uri, notification])
    first = ingest(workspace, [path], owners=["mastodon:@Gargron@Mastodon.Social"]).summary()
    assert (first["new"], first["quarantined"], first["skipped"]) == (1, 1, 1)
    second = ingest(workspace, [path]).summary()
    assert second["new"] == 0 and second["updated"] == 0 and second["duplicates"] == 1
    with workspace.connect(read_only=True) as con:
        row = con.execute(
            "SELECT a.id, a.is_owned, m.likes FROM messages m JOIN authors a "
            "ON a.platform = m.platform AND a.id = m.author_id"
        ).fetchall()
        reason = con.execute("SELECT reason FROM quarantine").fetchall()
    assert row == [("gargron@mastodon.social", True, 11)]
    assert reason and all("without uri" in r[0] for r in reason)
