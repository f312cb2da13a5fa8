"""YouTube Data API v3 JSON on the real python-youtube recordings: threads, replies, videos."""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path

import orjson
import pytest

from ascolto import sources
from ascolto.ingest import ingest
from ascolto.models import Message
from ascolto.sources import youtube
from ascolto.sources.base import Bad, Options, RawRecord
from ascolto.sources.files import read_head
from ascolto.workspace import Workspace
from tests.conftest import data_path, read_messages

SRC = youtube.SOURCE
FOLDER = "formats/youtube"
VIDEO = "D-lhorsDlUQ"
VIDEO_OWNER = "UC_x5XG1OV2P6uZZ5FSM9Ttw"


def _messages(path: Path) -> list[Message]:
    return read_messages(SRC, path)


def _fixture(name: str) -> Path:
    return data_path(f"{FOLDER}/{name}")


@pytest.mark.parametrize(
    ("name", "posts", "comments", "replies"),
    [
        ("apidata_comment_threads_comment_thread_single.json", 0, 1, 0),
        ("apidata_comment_threads_comment_threads_all_to_me.json", 0, 4, 0),
        ("apidata_comment_threads_comment_threads_by_video_paged_1.json", 0, 5, 0),
        ("apidata_comment_threads_comment_threads_by_video_paged_2.json", 0, 5, 0),
        ("apidata_comments_comments_by_parent_paged_1.json", 0, 0, 2),
        ("apidata_comments_comments_by_parent_paged_2.json", 0, 0, 1),
        ("modeldata_comments_comment_thread_info.json", 0, 1, 1),
        ("modeldata_videos_video_info.json", 1, 0, 0),
    ],
)
def test_counts_per_file(name: str, posts: int, comments: int, replies: int) -> None:
    kinds = Counter(m.kind for m in _messages(_fixture(name)))
    assert kinds == Counter(post=posts, comment=comments, reply=replies)  # and no other kind


def test_thread_with_inline_reply() -> None:
    top, reply = _messages(_fixture("modeldata_comments_comment_thread_info.json"))
    assert (top.id, top.kind, top.parent_id, top.root_id) == (
        "UgydxWWoeA7F1OdqypJ4AaABAg",
        "comment",
        VIDEO,
        VIDEO,
    )
    assert top.text == "Actions.ai" and top.replies == 1
    assert top.created_at.isoformat() == "2019-06-23T08:24:24+00:00"
    assert top.url == f"https://www.youtube.com/watch?v={VIDEO}&lc=UgydxWWoeA7F1OdqypJ4AaABAg"
    assert (reply.kind, reply.parent_id, reply.root_id) == ("reply", top.id, VIDEO)
    assert reply.parent_author_id == "UCe9i1nJCcevTa6KJa55KYog"
    assert reply.author is not None
    assert (reply.author.id, reply.author.handle, reply.likes) == (
        "UCsl2A_QzcSnFD2hpCyVwXxA",
        "Dian Anggraeni",
        1,
    )


def test_text_original_preferred_and_html_fallback() -> None:
    path = _fixture("apidata_comment_threads_comment_threads_by_video_paged_1.json")
    records = [r for r in SRC.read(path, Options()) if isinstance(r, RawRecord)]
    m = SRC.normalise(records[4])
    assert m.text is not None and m.text.startswith("Lot's of good light")
    assert m.hashtags == ["chromedevsummit"] and m.replies == 2
    thread = orjson.loads(orjson.dumps(records[4].data))
    del thread["snippet"]["topLevelComment"]["snippet"]["textOriginal"]
    fallback = SRC.normalise(dataclasses.replace(records[4], data=thread))
    assert fallback.text is not None and fallback.text.startswith("Lot's of good light")
    assert "<a href" not in fallback.text


def test_channel_threads_point_at_the_channel() -> None:
    msgs = _messages(_fixture("apidata_comment_threads_comment_threads_all_to_me.json"))
    assert all(m.parent_author_id == "UCa-vrCLQHviTOVnEKDOdetQ" for m in msgs)
    assert [m.parent_id for m in msgs] == ["JE8xdDp5B8Q", "JE8xdDp5B8Q", None, None]


def test_replies_page_has_parent_not_root() -> None:
    msgs = _messages(_fixture("apidata_comments_comments_by_parent_paged_1.json"))
    assert [(m.parent_id, m.root_id) for m in msgs] == [("Ugw5zYU6n9pmIgAZWvN4AaABAg", None)] * 2
    assert msgs[0].id == "Ugw5zYU6n9pmIgAZWvN4AaABAg.91zT3cYb5B291za6voUoRh"


def test_video_is_a_post_with_string_statistics() -> None:
    (v,) = _messages(_fixture("modeldata_videos_video_info.json"))
    assert (v.id, v.kind, v.views, v.likes, v.replies) == (VIDEO, "post", 8087, 190, 32)
    assert v.title == "What are Actions on Google (Assistant on Air)"
    assert v.author is not None and v.author.id == VIDEO_OWNER
    assert v.created_at.isoformat() == "2019-03-21T20:37:49+00:00"
    assert "http://bit.ly/2YabdS5" in v.links


def test_channel_info_is_not_claimed() -> None:
    path = _fixture("apidata_channel_info_single.json")
    assert all(s.detect(path, read_head(path)) < 0.5 for s in sources.registry().values())
    items = list(SRC.read(path, Options()))
    assert len(items) == 1 and isinstance(items[0], Bad) and "youtube#channel" in items[0].reason


def test_channel_reply_is_an_owner_reply(tmp_path: Path, workspace: Workspace) -> None:
    thread = orjson.loads(_fixture("modeldata_comments_comment_thread_info.json").read_bytes())
    thread["replies"]["comments"][0]["snippet"]["authorChannelId"] = {"value": VIDEO_OWNER}
    thread["replies"]["comments"][0]["snippet"]["authorDisplayName"] = "Google Developers"
    path = tmp_path / "thread.json"
    path.write_bytes(orjson.dumps(thread))
    video = _fixture("modeldata_videos_video_info.json")
    ingest(workspace, [path, video], owners=[f"youtube:{VIDEO_OWNER}"])
    with workspace.connect(read_only=True) as con:
        rows = con.execute(
            "SELECT m.id, p.author_id FROM messages m JOIN authors a ON a.platform = m.platform "
            "AND a.id = m.author_id LEFT JOIN messages p ON p.platform = m.platform "
            "AND p.id = m.parent_id WHERE a.is_owned AND m.parent_id IS NOT NULL"
        ).fetchall()
        to_owner = con.execute(
            "SELECT count(*) FROM interactions WHERE kind = 'reply' AND dst_author_id = ?",
            [VIDEO_OWNER],
        ).fetchone()
    assert rows == [
        ("UgydxWWoeA7F1OdqypJ4AaABAg.8wWQ3tdHcFx8xcDheui-qb", "UCe9i1nJCcevTa6KJa55KYog")
    ]
    assert to_owner == (1,), "the top-level comment answers the video, i.e. the channel"


def test_owner_replies_in_real_threads(workspace: Workspace) -> None:
    ingest(workspace, [data_path(FOLDER)], owners=["youtube:UCNvMBmCASzTNNX8lW3JRMbw"])
    with workspace.connect(read_only=True) as con:
        rows = con.execute(
            "SELECT m.kind, m.root_id, count(*) FROM messages m JOIN authors a "
            "ON a.platform = m.platform AND a.id = m.author_id "
            "WHERE a.is_owned AND m.parent_id IS NOT NULL GROUP BY ALL ORDER BY ALL"
        ).fetchall()
    # two comments on the video and three replies, whose root the store found via the parent
    assert rows == [("comment", "JE8xdDp5B8Q", 2), ("reply", "JE8xdDp5B8Q", 3)]


def test_quarantine_broken_records_and_files(tmp_path: Path, workspace: Workspace) -> None:
    page = orjson.loads(
        _fixture("apidata_comment_threads_comment_threads_by_video_paged_1.json").read_bytes()
    )
    del page["items"][2]["snippet"]["topLevelComment"]["snippet"]["publishedAt"]
    (tmp_path / "broken.json").write_bytes(orjson.dumps(page))
    (tmp_path / "truncated.json").write_text(
        _fixture("modeldata_videos_video_info.json").read_text()[:300]
    )
    result = ingest(
        workspace, [tmp_path / "broken.json", tmp_path / "truncated.json"], fmt="youtube"
    ).summary()
    assert result["new"] == 4 and result["quarantined"] == 2


def test_ingest_folder_is_idempotent(workspace: Workspace) -> None:
    folder = data_path(FOLDER)
    first = ingest(workspace, [folder]).summary()
    assert first["total"] == 21 and first["new"] == 16 and first["quarantined"] == 0
    assert [Path(p).name for p in first["unrecognised"]] == ["apidata_channel_info_single.json"]
    second = ingest(workspace, [folder]).summary()
    assert second["new"] == 0 and second["updated"] == 0
    with workspace.connect(read_only=True) as con:
        row = con.execute(
            "SELECT count(*) FILTER (WHERE root_id = ?), count(*) FILTER (WHERE kind = 'reply')"
            " FROM messages",
            [VIDEO],
        ).fetchone()
    assert row == (4, 4)  # the video, two comments on it, one inline reply
