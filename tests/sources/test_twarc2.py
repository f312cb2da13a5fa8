"""twarc2 JSONL on the real DocNow fixtures: pages, stream lines, flattened."""

from __future__ import annotations

from pathlib import Path

import orjson

from ascolto.ingest import ingest
from ascolto.models import Message
from ascolto.sources import twarc2
from ascolto.sources.base import Bad, Options
from ascolto.workspace import Workspace
from tests.conftest import data_path, read_messages

SRC = twarc2.SOURCE
FOLDER = "formats/twitter_v2_twarc2"


def _fixture(name: str) -> Path:
    return data_path(f"{FOLDER}/{name}")


def _messages(path: Path) -> list[Message]:
    return read_messages(SRC, path)


def test_flat_has_100_tweets_and_31_replies() -> None:
    # FORMATS.md says 54 `replied_to`: that counts nested referenced tweets too; 31 are top-level.
    path = _fixture("flat.jsonl")
    top = [
        r
        for r in SRC.read(path, Options())
        if not isinstance(r, Bad) and "referenced_tweets[" not in r.location
    ]
    assert len(top) == 100
    msgs = [SRC.normalise(r) for r in top]
    assert sum(1 for m in msgs if m.parent_id) == 31
    reply = next(m for m in msgs if m.parent_id)
    assert reply.kind == "reply" and reply.root_id and reply.parent_author_id


def test_page_joins_authors_from_includes() -> None:
    msgs = _messages(_fixture("noflat.jsonl"))
    first = msgs[0]
    assert first.author is not None and first.author.handle and first.author.followers is not None
    assert first.kind == "share" and first.shared_id == "1380175475545362437"
    assert first.shares is None, "retweets carry the original's counts: not their own"


def test_stream_truncated_last_line_is_bad() -> None:
    path = _fixture("streaming_output_with_error.jsonl")
    items = list(SRC.read(path, Options()))
    bad = [i for i in items if isinstance(i, Bad)]
    assert len(bad) == 1 and bad[0].location == "line 8"


def test_timestamps_are_utc() -> None:
    m = _messages(_fixture("two_tweets.jsonl"))[0]
    assert m.created_at.isoformat() == "2021-05-18T19:24:56+00:00"


def test_ingest_is_idempotent_and_quarantines(workspace: Workspace) -> None:
    folder = data_path(FOLDER)
    first = ingest(workspace, [folder]).summary()
    assert first["quarantined"] == 1 and first["new"] > 150
    with workspace.connect(read_only=True) as con:
        before = con.execute("SELECT count(*), sum(likes) FROM messages").fetchone()
    second = ingest(workspace, [folder]).summary()
    assert second["new"] == 0 and second["updated"] == 0
    assert second["duplicates"] == second["total"] - second["quarantined"]
    with workspace.connect(read_only=True) as con:
        assert con.execute("SELECT count(*), sum(likes) FROM messages").fetchone() == before
        q = con.execute("SELECT count(*) FROM quarantine").fetchone()
        assert q == (2,)


def test_owner_replies_marked(workspace: Workspace) -> None:
    path = _fixture("flat.jsonl")
    msgs = [m for m in _messages(path) if m.parent_id and m.author]
    owner = msgs[0].author.handle
    ingest(workspace, [path], owners=[f"twitter:@{owner.upper()}"])
    with workspace.connect(read_only=True) as con:
        row = con.execute(
            "SELECT count(*) FROM messages m JOIN authors a ON a.platform = m.platform "
            "AND a.id = m.author_id WHERE a.is_owned AND m.parent_id IS NOT NULL"
        ).fetchone()
    assert row is not None and row[0] >= 1


def test_raw_is_the_tweet_as_written(workspace: Workspace) -> None:
    path = _fixture("two_tweets.jsonl")
    first_line = path.read_bytes().splitlines()[0]
    msgs = _messages(path)
    data = orjson.loads(first_line)["data"][0]  # a response page
    first = next(m for m in msgs if m.id == data["id"])
    assert isinstance(first.raw, bytes) and first.raw in first_line, "a slice of the line"
    assert orjson.loads(first.raw) == data
    ingest(workspace, [path])
    with workspace.connect(read_only=True) as con:
        stored = con.execute("SELECT raw FROM messages WHERE id = ?", [first.id]).fetchall()
    assert stored == [(first.raw.decode(),)]
