"""Pushshift / Arctic Shift NDJSON: the real RC excerpt, our RS/RC fixtures, zstd, id agreement."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
import zstandard

from ascolto.ingest import ingest
from ascolto.models import Message
from ascolto.sources import pushshift, reddit
from ascolto.sources.base import Bad, Options, RawRecord
from ascolto.sources.files import read_head
from ascolto.workspace import Workspace
from tests.conftest import ROOT, data_path, read_messages

SRC = pushshift.SOURCE
EXCERPT = "formats/reddit/pushshift_RC_2018-10.excerpt.ndjson"
FIXTURES = ROOT / "tests" / "fixtures" / "pushshift"
RS = FIXTURES / "RS_sample.ndjson"
RC = FIXTURES / "RC_sample.ndjson"


def _messages(path: Path) -> list[Message]:
    return read_messages(SRC, path)


def test_real_excerpt_comments() -> None:
    first, second = _messages(data_path(EXCERPT))
    assert (first.id, first.kind, first.parent_id, first.root_id) == (
        "t1_e6xucdd",
        "reply",
        "t1_e6xu13x",
        "t3_9ka1hp",
    )
    assert second.id == "t1_e6xucde" and second.root_id == "t3_9k8bp4"
    # PHP-style `r\/BoneAppleTea` is an ordinary JSON escape.
    assert first.text == "Is it still r/BoneAppleTea worthy if it's the opposite?"
    assert first.url == (
        "https://www.reddit.com/r/Unexpected/comments/9ka1hp/jesus_fking_woah/e6xucdd/"
    )
    assert first.created_at.isoformat() == "2018-10-01T00:00:00+00:00"
    assert first.author is not None and first.author.id == "TistedLogic"
    assert first.author.created_at is not None
    assert first.author.created_at.isoformat() == "2011-08-06T07:31:18+00:00"
    assert first.score == 2 and first.likes is None
    assert isinstance(first.raw, str) and "r\\/BoneAppleTea" in first.raw, "raw is the line"


def test_submissions_fixture() -> None:
    ama, image, removed, cross = _messages(RS)
    assert (ama.id, ama.kind, ama.root_id, ama.parent_id) == (
        "t3_17o1a2b",
        "post",
        "t3_17o1a2b",
        None,
    )
    assert ama.title and ama.title.startswith("We are AcmeCoffee")
    assert (ama.score, ama.likes, ama.replies) == (57, 57, 5)
    assert ama.hashtags == ["baristapro"] and ama.mentions == ["espresso_mod"]
    assert ama.links == ["https://acme.example/barista-pro"]
    # created_utc as a digit string, as in old dumps.
    assert image.created_at.isoformat() == "2023-11-05T14:02:10+00:00"
    assert image.text is None and image.links == ["https://i.imgur.com/Qk3ab7Z.jpeg"]
    assert image.shares == 1
    assert removed.author is None and removed.text is None
    assert (cross.kind, cross.shared_id, cross.shared_author_id) == (
        "share",
        "t3_17o2c3d",
        "grindnerd",
    )


def test_comment_fixture_deleted_and_op() -> None:
    msgs = {m.id: m for m in _messages(RC)}
    assert len(msgs) == 6
    gone = msgs["t1_k7a0003"]
    assert gone.author is None and gone.text is None and gone.score == -4
    assert gone.created_at.isoformat() == "2023-11-05T10:15:00+00:00"
    assert msgs["t1_k7a0004"].parent_id == "t1_k7a0003", "replies to deleted comments stay"
    op = [m.id for m in msgs.values() if orjson.loads(m.raw).get("is_submitter")]
    assert op == ["t1_k7a0002", "t1_k7a0005"]


@pytest.mark.parametrize("window_log", [None, 27, 31])
def test_zstd_dumps(tmp_path: Path, window_log: int | None) -> None:
    source = data_path(EXCERPT).read_bytes() + RC.read_bytes()
    path = tmp_path / "RC_2023-11.zst"
    if window_log is None:
        path.write_bytes(zstandard.ZstdCompressor(level=3).compress(source))
    else:
        # Streamed without a content size, as the dumps are: the frame keeps the long window.
        params = zstandard.ZstdCompressionParameters.from_level(
            3, window_log=window_log, enable_ldm=True, write_content_size=False
        )
        with (
            path.open("wb") as f,
            zstandard.ZstdCompressor(compression_params=params).stream_writer(f) as writer,
        ):
            writer.write(source)
        frame = zstandard.get_frame_parameters(path.read_bytes())
        assert frame.window_size == 2**window_log
    assert SRC.detect(path, read_head(path)) >= 0.9
    msgs = _messages(path)
    assert [m.id for m in msgs][:3] == ["t1_e6xucdd", "t1_e6xucde", "t1_k7a0001"]
    assert len(msgs) == 8


def test_truncated_line_is_quarantined(tmp_path: Path, workspace: Workspace) -> None:
    lines = RC.read_bytes().splitlines()
    broken = tmp_path / "RC_broken.ndjson"
    broken.write_bytes(b"\n".join([*lines[:2], lines[2][:150], *lines[3:]]) + b"\n")
    bad = [r for r in SRC.read(broken, Options()) if isinstance(r, Bad)]
    assert [b.location for b in bad] == ["line 3"]
    result = ingest(workspace, [broken]).summary()
    assert result["new"] == 5 and result["quarantined"] == 1


def test_comments_get_their_post_as_root_and_owner(workspace: Workspace) -> None:
    first = ingest(workspace, [FIXTURES], owners=["reddit:AcmeCoffee"]).summary()
    assert first["new"] == 10 and first["quarantined"] == 0
    second = ingest(workspace, [FIXTURES]).summary()
    assert second["new"] == 0 and second["updated"] == 0 and second["duplicates"] == 10
    with workspace.connect(read_only=True) as con:
        rows = con.execute(
            "SELECT c.id, c.root_id, p.kind FROM messages c LEFT JOIN messages p "
            "ON p.platform = c.platform AND p.id = c.root_id WHERE c.id LIKE 't1_%' ORDER BY c.id"
        ).fetchall()
        assert len(rows) == 6 and all(kind == "post" for _, _, kind in rows)
        assert {root for _, root, _ in rows} == {"t3_17o1a2b", "t3_17o2c3d"}
        owned = con.execute(
            "SELECT m.id, coalesce(p.author_id, '?') FROM messages m JOIN authors a "
            "ON a.platform = m.platform AND a.id = m.author_id LEFT JOIN messages p "
            "ON p.platform = m.platform AND p.id = m.parent_id "
            "WHERE a.is_owned AND m.parent_id IS NOT NULL ORDER BY m.id"
        ).fetchall()
        assert owned == [
            ("t1_k7a0002", "dialed_in"),
            ("t1_k7a0005", "bean_counter"),
            ("t1_k7b0001", "grindnerd"),
        ]


def test_api_and_dump_ids_agree(tmp_path: Path, workspace: Workspace) -> None:
    """The same comments from an API thread and from a dump land on the same ids."""
    thread = data_path("formats/reddit/praw_cassette_comments_2gmzqe.json")
    api = [r for r in reddit.SOURCE.read(thread, Options()) if isinstance(r, RawRecord)]
    dump = tmp_path / "RC_2014-09.ndjson"
    dump.write_bytes(b"\n".join(orjson.dumps(r.data) for r in api) + b"\n")
    from_api = [reddit.SOURCE.normalise(r) for r in api]
    from_dump = _messages(dump)
    assert [m.id for m in from_api if m] == [m.id for m in from_dump]
    assert [(m.parent_id, m.root_id, m.kind) for m in from_api if m] == [
        (m.parent_id, m.root_id, m.kind) for m in from_dump
    ]
    ingest(workspace, [thread])
    again = ingest(workspace, [dump]).summary()
    assert again["new"] == 0 and again["total"] == 3
