"""Instagram Graph API JSON on the real python-facebook recordings: media, comments, replies."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import orjson
import pytest

from ascolto import sources
from ascolto.ingest import ingest
from ascolto.models import Message
from ascolto.sources import instagram_graph
from ascolto.sources.base import Bad, Options
from ascolto.sources.files import read_head
from ascolto.workspace import Workspace
from tests.conftest import data_path, read_messages

SRC = instagram_graph.SOURCE
FOLDER = "formats/instagram_graph"
MEDIA = "17846368219941692"


def _messages(path: Path) -> list[Message]:
    return read_messages(SRC, path)


def _fixture(name: str) -> Path:
    return data_path(f"{FOLDER}/{name}")


@pytest.mark.parametrize(
    ("name", "posts", "comments", "replies"),
    [
        ("apidata_comments_comment_fields.json", 0, 1, 0),
        ("apidata_comments_replies.json", 0, 1, 0),  # no paging: what it answers is unknown
        ("apidata_medias_comments_p1.json", 0, 2, 0),
        ("apidata_medias_comments_p2.json", 0, 2, 0),
        ("apidata_medias_media_default.json", 1, 0, 0),
        ("apidata_users_medias_p1.json", 2, 0, 0),
        ("apidata_users_mentioned_comment.json", 0, 1, 0),
        ("models_ig_comment.json", 0, 1, 1),
        ("models_ig_media.json", 1, 0, 0),
        ("models_ig_reply.json", 0, 1, 0),
    ],
)
def test_counts_per_file(name: str, posts: int, comments: int, replies: int) -> None:
    kinds = Counter(m.kind for m in _messages(_fixture(name)))
    assert kinds == Counter(post=posts, comment=comments, reply=replies)  # and no other kind


def test_comment_with_inline_reply() -> None:
    comment, reply = _messages(_fixture("models_ig_comment.json"))
    assert comment.id == "17892250648466172"
    assert comment.parent_id == comment.root_id == MEDIA
    assert comment.likes == 1 and comment.mentions == ["ikroskun"]
    assert comment.author is not None
    assert (comment.author.id, comment.author.handle) == ("ikroskun", "ikroskun")
    assert comment.author.is_owned is True, "`user{id}` is only given for the account's own"
    assert (reply.id, reply.kind, reply.parent_id, reply.root_id) == (
        "17845747489952795",
        "reply",
        "17892250648466172",
        MEDIA,
    )
    assert reply.parent_author_id == "ikroskun"
    assert reply.author is None, "the reply has no username in this capture"
    assert reply.created_at.isoformat() == "2020-02-24T09:18:08+00:00"


def test_comment_page_takes_its_media_from_paging() -> None:
    msgs = _messages(_fixture("apidata_medias_comments_p1.json"))
    assert [(m.parent_id, m.root_id, m.kind) for m in msgs] == [(MEDIA, MEDIA, "comment")] * 2
    last_page = _messages(_fixture("apidata_medias_comments_p2.json"))
    assert all(m.parent_id is None for m in last_page)


def test_replies_page_with_paging_gives_replies(tmp_path: Path) -> None:
    page = {
        "data": [
            {
                "timestamp": "2024-05-02T08:00:00+0000",
                "text": "Grazie!",
                "id": "180001",
                "username": "AcmeItalia",
            }
        ],
        "paging": {"next": "https://graph.facebook.com/v19.0/17892250648466172/replies?a=b"},
    }
    path = tmp_path / "replies.json"
    path.write_bytes(orjson.dumps(page))
    (m,) = _messages(path)
    assert (m.kind, m.parent_id, m.root_id) == ("reply", "17892250648466172", None)
    assert m.author is not None and m.author.id == "acmeitalia"


def test_media_metrics_and_author() -> None:
    (m,) = _messages(_fixture("models_ig_media.json"))
    assert (m.id, m.kind, m.text, m.likes, m.replies) == (
        "17896129349106152",
        "post",
        "ALBUM",
        1,
        0,
    )
    assert m.url == "https://www.instagram.com/p/CRyZpmrjYC4/"
    assert m.author is not None and m.author.id == "ikroskun"
    assert m.created_at.isoformat() == "2021-07-26T10:45:20+00:00"
    second = _messages(_fixture("apidata_users_medias_p1.json"))[1]
    assert (second.likes, second.replies) == (2, 6)


def test_user_info_is_not_claimed() -> None:
    for name in ("apidata_users_user_fields.json", "models_ig_user.json"):
        path = _fixture(name)
        assert all(s.detect(path, read_head(path)) < 0.5 for s in sources.registry().values())
        items = list(SRC.read(path, Options()))
        assert len(items) == 1 and isinstance(items[0], Bad)


def test_owner_by_username(tmp_path: Path, workspace: Workspace) -> None:
    page = {
        "data": [
            {
                "id": "9001",
                "timestamp": "2024-05-01T09:00:00+0000",
                "text": "Avete la taglia M?",
                "username": "cliente_1",
                "like_count": 0,
                "replies": {
                    "data": [
                        {
                            "id": "9002",
                            "timestamp": "2024-05-01T09:20:00+0000",
                            "text": "@cliente_1 sì!",
                            "username": "AcmeItalia",
                        }
                    ]
                },
            }
        ],
        "paging": {"previous": "https://graph.facebook.com/v19.0/555/comments?before=x"},
    }
    path = tmp_path / "comments.json"
    path.write_bytes(orjson.dumps(page))
    ingest(workspace, [path], owners=["ig:@acmeitalia"])
    with workspace.connect(read_only=True) as con:
        rows = con.execute(
            "SELECT m.id, m.parent_id, m.root_id FROM messages m JOIN authors a "
            "ON a.platform = m.platform AND a.id = m.author_id "
            "WHERE a.is_owned AND m.parent_id IS NOT NULL"
        ).fetchall()
        edges = con.execute(
            "SELECT src_author_id, dst_author_id FROM interactions WHERE kind = 'reply'"
        ).fetchall()
    assert rows == [("9002", "9001", "555")]
    assert ("acmeitalia", "cliente_1") in edges


def test_quarantine_broken_records_and_files(tmp_path: Path, workspace: Workspace) -> None:
    page = orjson.loads(_fixture("apidata_medias_comments_p1.json").read_bytes())
    del page["data"][0]["timestamp"]
    (tmp_path / "broken.json").write_bytes(orjson.dumps(page))
    (tmp_path / "truncated.json").write_text(_fixture("models_ig_comment.json").read_text()[:120])
    result = ingest(
        workspace, [tmp_path / "broken.json", tmp_path / "truncated.json"], fmt="instagram_graph"
    ).summary()
    assert result["new"] == 1 and result["quarantined"] == 2


def test_ingest_folder_is_idempotent(workspace: Workspace) -> None:
    folder = data_path(FOLDER)
    first = ingest(workspace, [folder]).summary()
    assert first["total"] == 14 and first["new"] == 11 and first["quarantined"] == 0
    assert sorted(Path(p).name for p in first["unrecognised"]) == [
        "apidata_users_user_fields.json",
        "models_ig_user.json",
    ]
    second = ingest(workspace, [folder]).summary()
    assert second["new"] == 0 and second["updated"] == 0
    with workspace.connect(read_only=True) as con:
        row = con.execute(
            "SELECT parent_id, root_id FROM messages WHERE id = '17892250648466172'"
        ).fetchone()
        owned = con.execute("SELECT id FROM authors WHERE is_owned").fetchall()
    # seen in three files, only one of which says its media: the store keeps what it learnt
    assert row == (MEDIA, MEDIA)
    assert owned == [("ikroskun",)]
