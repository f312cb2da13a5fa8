"""Facebook Graph API JSON on the real python-facebook recordings: feed, comments, PPCA."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from ascolto import sources
from ascolto.ingest import ingest
from ascolto.models import Message
from ascolto.sources import facebook_graph
from ascolto.sources.base import Bad, Options, RawRecord
from ascolto.sources.files import read_head
from ascolto.workspace import Workspace
from tests.conftest import data_path, read_messages

SRC = facebook_graph.SOURCE
FOLDER = "formats/facebook_graph"
POST = "19292868552_10158407654328553"


def _messages(path: Path) -> list[Message]:
    return read_messages(SRC, path)


def _fixture(name: str) -> Path:
    return data_path(f"{FOLDER}/{name}")


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("apidata_comments_comment_info.json", 1),
        ("apidata_comments_comments_info.json", 2),
        ("apidata_comments_comments_p1.json", 10),
        ("apidata_comments_comments_p2.json", 5),
        ("apidata_posts_feeds_default_fields_p1.json", 5),
        ("apidata_posts_single_post_data.json", 1),
        ("models_comment.json", 1),
        ("models_post.json", 1),
    ],
)
def test_message_count_per_file(name: str, count: int) -> None:
    assert len(_messages(_fixture(name))) == count


def test_ppca_comments_get_ids_parents_and_root_from_the_permalink() -> None:
    msgs = _messages(_fixture("apidata_comments_comments_p1.json"))
    assert [m.kind for m in msgs].count("comment") == 6
    assert [m.kind for m in msgs].count("reply") == 4
    assert all(m.author is None for m in msgs), "PPCA withholds `from`: author unknown"
    assert all(m.root_id == POST for m in msgs)
    first = msgs[0]
    assert first.id == "10158407654328553_10158407835073553"
    assert first.parent_id == POST and first.kind == "comment" and first.replies == 1
    page_answer = msgs[5]
    assert page_answer.id == "10158407654328553_10158409983033553"
    assert page_answer.parent_id == "10158407654328553_10158407903973553"
    assert page_answer.kind == "reply"
    assert page_answer.text is not None and page_answer.text.startswith("Hi, please access")
    assert page_answer.created_at.isoformat() == "2021-08-11T23:22:14+00:00"
    # every reply's parent is one of the comments of the same page
    ids = {m.id for m in msgs}
    assert all(m.parent_id in ids for m in msgs if m.kind == "reply")


def test_permalink_forms() -> None:
    assert facebook_graph.permalink_ids(
        "https://www.facebook.com/permalink.php?story_fbid=22&id=11&comment_id=33"
    ) == ("11", "22", "33", None)
    assert facebook_graph.permalink_ids("https://www.facebook.com/1/posts/2/") == (
        "1",
        "2",
        None,
        None,
    )
    assert facebook_graph.permalink_ids(None) == (None, None, None, None)


@pytest.mark.parametrize(
    ("node", "expected"),
    [
        ("111_222", ("comment", "111_222", "111_222")),  # /{post}/comments
        ("222_301", ("reply", "222_301", None)),
    ],  # /{comment}/comments: replies
)
def test_edge_node_places_comments_without_permalink(
    tmp_path: Path, node: str, expected: tuple[str, str, str | None]
) -> None:
    page = {
        "data": [{"id": "222_302", "created_time": "2024-03-01T11:30:00+0000", "message": "ok"}],
        "paging": {"next": f"https://graph.facebook.com/v19.0/{node}/comments?after=x"},
    }
    path = tmp_path / "comments.json"
    path.write_bytes(orjson.dumps(page))
    (m,) = _messages(path)
    assert (m.kind, m.parent_id, m.root_id) == expected


def test_comment_with_real_id_and_from() -> None:
    (m,) = _messages(_fixture("models_comment.json"))
    assert m.id == "2954961744718970_2966313500250461"
    assert m.kind == "comment"
    assert m.parent_id == m.root_id == "2121008874780932_2954961744718970"
    assert m.author is not None
    assert (m.author.id, m.author.name, m.author.handle) == (
        "2711636948859886",
        "Kun Liu",
        "Kun Liu",
    )


def test_batch_of_ids_gives_each_node() -> None:
    msgs = _messages(_fixture("apidata_comments_comments_info.json"))
    assert [m.id for m in msgs] == [
        "10158371815748553_10158371930463553",
        "10158371815748553_10158372268858553",
    ]
    assert msgs[1].replies == 1 and msgs[1].root_id == "19292868552_10158371815748553"


def test_feed_posts_metrics_tags_and_page_author() -> None:
    msgs = _messages(_fixture("apidata_posts_feeds_default_fields_p1.json"))
    assert all(m.kind == "post" and m.parent_id is None for m in msgs)
    first = msgs[0]
    assert first.id == "19292868552_10158349356748553"
    assert first.created_at.isoformat() == "2021-07-09T19:09:52+00:00"
    assert (first.likes, first.shares, first.replies) == (125, 10, 13)
    assert first.author is not None and first.author.id == "19292868552"
    assert first.mentions == ["ninja van singapore", "messenger"]
    assert first.url == "https://www.facebook.com/19292868552/posts/10158349356748553/"
    shared_link = msgs[1].links
    assert any(link.startswith("https://engineering.fb.com/2021/05/20/") for link in shared_link)
    assert sum(m.replies or 0 for m in msgs) == 13 + 17 + 15 + 23 + 49


def test_post_reactions_total() -> None:
    (m,) = _messages(_fixture("models_post.json"))
    assert (m.likes, m.replies, m.shares) == (8878, 47, None)
    (single,) = _messages(_fixture("apidata_posts_single_post_data.json"))
    assert single.likes == 1 and single.text == "我测试一下 MyLife"


def test_page_info_is_not_claimed() -> None:
    path = _fixture("apidata_pages_single_default_page.json")
    assert all(s.detect(path, read_head(path)) < 0.5 for s in sources.registry().values())
    items = list(SRC.read(path, Options()))
    assert len(items) == 1 and isinstance(items[0], Bad) and "page" in items[0].reason


def _page_with_inline_comments(tmp_path: Path) -> Path:
    """A feed page as the API returns it with ``from`` and nested ``comments`` requested."""
    page = {
        "data": [
            {
                "id": "111_222",
                "created_time": "2024-03-01T10:00:00+0000",
                "from": {"id": "111", "name": "Acme Italia"},
                "message": "Nuovo prodotto! #acme",
                "comments": {
                    "data": [
                        {
                            "id": "222_301",
                            "created_time": "2024-03-01T11:00:00+0000",
                            "from": {"id": "900", "name": "Maria Rossi"},
                            "message": "Quanto costa?",
                            "comments": {
                                "data": [
                                    {
                                        "id": "222_302",
                                        "created_time": "2024-03-01T11:30:00+0000",
                                        "from": {"id": "111", "name": "Acme Italia"},
                                        "message": "29 euro!",
                                    }
                                ]
                            },
                        }
                    ]
                },
            }
        ],
        "paging": {"next": "https://graph.facebook.com/v19.0/111/feed?after=x"},
    }
    path = tmp_path / "feed.json"
    path.write_bytes(orjson.dumps(page))
    return path


def test_inline_comments_and_replies(tmp_path: Path) -> None:
    post, comment, reply = _messages(_page_with_inline_comments(tmp_path))
    assert post.kind == "post" and post.hashtags == ["acme"]
    assert (comment.kind, comment.parent_id, comment.root_id) == ("comment", "111_222", "111_222")
    assert comment.parent_author_id == "111"
    assert (reply.kind, reply.parent_id, reply.root_id) == ("reply", "222_301", "111_222")
    assert reply.parent_author_id == "900"


@pytest.mark.parametrize("owner", ["facebook:111", "fb:acme italia"])
def test_page_replies_are_owner_replies(tmp_path: Path, workspace: Workspace, owner: str) -> None:
    ingest(workspace, [_page_with_inline_comments(tmp_path)], owners=[owner])
    with workspace.connect(read_only=True) as con:
        rows = con.execute(
            "SELECT m.id FROM messages m JOIN authors a ON a.platform = m.platform "
            "AND a.id = m.author_id WHERE a.is_owned AND m.parent_id IS NOT NULL"
        ).fetchall()
    assert rows == [("222_302",)]


def test_feed_owner_by_page_id(workspace: Workspace) -> None:
    ingest(
        workspace,
        [_fixture("apidata_posts_feeds_default_fields_p1.json")],
        owners=["facebook:19292868552"],
    )
    with workspace.connect(read_only=True) as con:
        row = con.execute(
            "SELECT count(*) FROM messages m JOIN authors a ON a.platform = m.platform "
            "AND a.id = m.author_id WHERE a.is_owned"
        ).fetchone()
    assert row == (5,)


def test_json_lines_of_responses(tmp_path: Path) -> None:
    lines = [
        orjson.loads(_fixture(f"apidata_comments_comments_p{i}.json").read_bytes()) for i in (1, 2)
    ]
    path = tmp_path / "comments.jsonl"
    path.write_bytes(b"\n".join(orjson.dumps(d) for d in lines) + b"\n")
    assert sources.detect(path) is SRC
    records = [r for r in SRC.read(path, Options()) if isinstance(r, RawRecord)]
    assert len(records) == 15 and records[10].location == "line 2 data[0]"


def test_quarantine_broken_records_and_files(tmp_path: Path, workspace: Workspace) -> None:
    page = orjson.loads(_fixture("apidata_comments_comments_p1.json").read_bytes())
    del page["data"][3]["created_time"]
    page["data"][4] = {"created_time": "2021-08-11T07:14:18+0000", "message": "no id, no link"}
    (tmp_path / "p1.json").write_bytes(orjson.dumps(page))
    text = _fixture("apidata_comments_comments_p2.json").read_text()
    (tmp_path / "p2.json").write_text(text[: len(text) // 2])
    result = ingest(
        workspace, [tmp_path / "p1.json", tmp_path / "p2.json"], fmt="facebook_graph"
    ).summary()
    assert result["new"] == 8 and result["quarantined"] == 3
    with workspace.connect(read_only=True) as con:
        reasons = [
            r[0] for r in con.execute("SELECT reason FROM quarantine ORDER BY reason").fetchall()
        ]
    assert any("created_time" in r for r in reasons)
    assert any("permalink_url" in r for r in reasons)
    assert any("invalid JSON" in r for r in reasons)


def test_ingest_folder_is_idempotent(workspace: Workspace) -> None:
    folder = data_path(FOLDER)
    first = ingest(workspace, [folder]).summary()
    assert first["total"] == 26 and first["new"] == 25 and first["quarantined"] == 0
    assert [Path(p).name for p in first["unrecognised"]] == [
        "apidata_pages_single_default_page.json"
    ]
    second = ingest(workspace, [folder]).summary()
    assert second["new"] == 0 and second["updated"] == 0
    with workspace.connect(read_only=True) as con:
        row = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE kind = 'reply'), "
            "count(*) FILTER (WHERE root_id = ?) FROM messages",
            [POST],
        ).fetchone()
    assert row == (25, 5, 15)
