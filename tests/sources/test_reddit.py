"""Reddit API thread JSON on the real PRAW cassettes: trees, `more` stubs, deleted authors, OP."""

from __future__ import annotations

from pathlib import Path

import orjson

from ascolto.ingest import ingest
from ascolto.models import Message
from ascolto.sources import reddit
from ascolto.sources.base import Bad, Options, RawRecord
from ascolto.workspace import Workspace
from tests.conftest import data_path, messages_of, read_messages

SRC = reddit.SOURCE
SMALL = "formats/reddit/praw_cassette_comments_2gmzqe.json"
DEEP = "formats/reddit/praw_cassette_comments_57dw9a_context.json"


def _records(relative: str) -> list[RawRecord | Bad]:
    return list(SRC.read(data_path(relative), Options()))


def _messages(relative: str) -> list[Message]:
    return read_messages(SRC, data_path(relative))


def test_small_thread_post_comment_and_op_answer() -> None:
    post, comment, answer = _messages(SMALL)
    assert (post.id, post.kind, post.parent_id, post.root_id) == (
        "t3_2gmzqe",
        "post",
        None,
        "t3_2gmzqe",
    )
    assert post.title == "[PRAW] HTTPS enabled PRAW testing needed"
    assert (post.score, post.likes, post.replies) == (11, 11, 2)
    assert post.author is not None and post.author.id == "bboe"
    assert post.url == (
        "https://www.reddit.com/r/redditdev/comments/2gmzqe/praw_https_enabled_praw_testing_needed/"
    )
    assert (comment.id, comment.kind, comment.parent_id, comment.root_id) == (
        "t1_cklfmye",
        "comment",
        "t3_2gmzqe",
        "t3_2gmzqe",
    )
    assert comment.parent_author_id == "bboe"
    assert (answer.id, answer.kind, answer.parent_id) == ("t1_cklhv0f", "reply", "t1_cklfmye")
    assert answer.author is not None and answer.author.handle == "bboe"
    assert answer.parent_author_id == "paneer_burrito"
    assert answer.url == "https://www.reddit.com/r/redditdev/comments/2gmzqe/_/cklhv0f/"


def test_timestamps_are_created_utc() -> None:
    post, comment, _ = _messages(SMALL)
    # `created` is the server's local time (+8 h here); `created_utc` is the truth.
    assert post.created_at.isoformat() == "2014-09-17T06:34:31+00:00"
    assert comment.created_at.isoformat() == "2014-09-18T01:51:52+00:00"


def test_deep_thread_counts_more_stub_and_deleted() -> None:
    records = _records(DEEP)
    assert len(records) == 147  # 1 post + 145 comments + 1 `more` stub
    more = [r for r in records if isinstance(r, RawRecord) and r.context.get("kind") == "more"]
    assert len(more) == 1 and SRC.normalise(more[0]) is None, "stubs are skipped, not errors"
    msgs = messages_of(SRC, records)
    assert len(msgs) == 146
    assert {m.root_id for m in msgs} == {"t3_57dw9a"}
    assert sum(m.kind == "comment" for m in msgs) == 1
    assert sum(m.kind == "reply" for m in msgs) == 144
    deleted = [m for m in msgs if m.author is None]
    assert len(deleted) == 6
    assert sum(m.text is None for m in deleted) == 5, "one [deleted] author kept the body"
    assert sorted(m.score for m in msgs if m.score is not None and m.score < 0) == [-23, -3, -1]
    # A reply to a deleted comment knows no parent author, but keeps its place in the tree.
    orphan = next(m for m in msgs if m.id == "t1_d8r941k")
    assert orphan.parent_id == "t1_d8r8zew" and orphan.parent_author_id is None


def test_deep_thread_depth_is_ten_levels() -> None:
    records = _records(DEEP)
    msgs = {m.id: m for m in messages_of(SRC, records)}

    def depth(m: Message) -> int:
        d = 0
        while m.parent_id in msgs:
            m, d = msgs[m.parent_id], d + 1
        return d

    depths = {mid: depth(m) for mid, m in msgs.items()}
    assert max(depths.values()) == 10
    assert sorted(mid for mid, d in depths.items() if d == 10) == ["t1_d8rzxi2", "t1_d8rzzyq"]
    more = next(r for r in records if isinstance(r, RawRecord) and r.context.get("kind") == "more")
    assert more.data["parent_id"] == "t1_d8rzxi2", "the stub continues the deepest branch"
    chain = []
    m = msgs["t1_d8rzxi2"]
    while m.parent_id:
        chain.append(m.parent_id)
        m = msgs[m.parent_id]
    assert chain[-2:] == ["t1_d8r4im1", "t3_57dw9a"]


def test_raw_drops_nested_replies_but_keeps_the_rest() -> None:
    msgs = _messages(DEEP)
    top = next(m for m in msgs if m.kind == "comment")
    assert "replies" not in top.raw and top.raw["name"] == "t1_d8r4im1"
    assert top.raw["body"] == top.text


def test_truncated_file_is_one_bad_record(tmp_path: Path) -> None:
    broken = tmp_path / "thread.json"
    broken.write_bytes(data_path(SMALL).read_bytes()[:3000])
    items = list(SRC.read(broken, Options()))
    assert len(items) == 1 and isinstance(items[0], Bad) and items[0].location == "file"


def test_single_listing_of_comments(tmp_path: Path) -> None:
    doc = orjson.loads(data_path(SMALL).read_bytes())
    path = tmp_path / "comments.json"
    path.write_bytes(orjson.dumps(doc[1]))
    assert SRC.detect(path, path.read_text()) >= 0.5
    msgs = read_messages(SRC, path, strict=False)
    assert [m.id for m in msgs if m] == ["t1_cklfmye", "t1_cklhv0f"]


def test_owner_replies_and_idempotent_ingest(workspace: Workspace) -> None:
    paths = [data_path(SMALL), data_path(DEEP)]
    first = ingest(workspace, paths, owners=["reddit:stangibson18"]).summary()
    assert first["new"] == 149 and first["skipped"] == 1 and first["quarantined"] == 0
    second = ingest(workspace, paths).summary()
    assert second["new"] == 0 and second["updated"] == 0 and second["duplicates"] == 149
    with workspace.connect(read_only=True) as con:
        owned = con.execute(
            "SELECT m.id, p.author_id FROM messages m JOIN authors a ON a.platform = m.platform "
            "AND a.id = m.author_id JOIN messages p ON p.platform = m.platform "
            "AND p.id = m.parent_id WHERE a.is_owned ORDER BY m.id"
        ).fetchall()
        # No `is_submitter` in 2016: the OP is the post's author, given with --owner.
        assert owned == [("t1_d8r79x6", "THE_GREAT_SHAZBOT"), ("t1_d9613va", "ChrisHardwick")]
        roots = con.execute(
            "SELECT count(*) FROM messages WHERE root_id = 't3_57dw9a' AND NOT root_inferred"
        ).fetchone()
        assert roots == (146,)
