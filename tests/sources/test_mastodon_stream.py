"""Mastodon streaming captures on the real SSE examples of the docs, and their WebSocket form."""

from __future__ import annotations

import re
from pathlib import Path

import orjson

from ascolto import sources
from ascolto.ingest import ingest
from ascolto.sources import mastodon_stream
from ascolto.sources.base import Bad, Options, RawRecord
from ascolto.workspace import Workspace
from tests.conftest import data_path, messages_of, read_messages

SRC = mastodon_stream.SOURCE
SSE = "formats/mastodon/docs_streaming_events_examples.sse"
FREON = "https://letsalllovela.in/objects/e9cebb0c-7c75-414f-9608-20b5628e52d7"
TRWNH = "https://mastodon.social/users/trwnh/statuses/108914430312582020"


def _items(path: Path) -> list:
    return list(SRC.read(path, Options()))


def _messages(path: Path) -> list:
    return read_messages(SRC, path, strict=False)


def _sse_events(text: str) -> list[tuple[str, str]]:
    """(event, data) pairs of the fixture, split independently of the source's reader."""
    return re.findall(r"^event: (.*)\ndata: (.*)$", text, flags=re.MULTILINE)


def test_sse_counts_statuses_and_skips_other_events() -> None:
    path = data_path(SSE)
    events = _sse_events(path.read_text())
    status_events = [e for e, _ in events if e in ("update", "status.update")]
    assert (len(events), len(status_events)) == (27, 13)
    items = _items(path)
    assert len(items) == 27 and not any(isinstance(i, Bad) for i in items)
    skipped = [r for r in items if SRC.normalise(r) is None]
    assert len(skipped) == 14
    assert {r.context["event"] for r in skipped} == {
        "<name>",
        "notification",
        "filters_changed",
        "announcement",
        "announcement.reaction",
        "announcement.delete",
        "delete",
        "conversation",
    }
    msgs = messages_of(SRC, items, strict=False)
    assert len(msgs) == 13 and len({m.id for m in msgs}) == 6


def test_sse_status_fields() -> None:
    msgs = _messages(data_path(SSE))
    reply = next(m for m in msgs if m.id == FREON)
    # Pleroma status: the parent's local id cannot be turned into a uri; its author can.
    assert reply.kind == "reply" and reply.parent_id == "108914298452377720"
    assert reply.parent_author_id == "disarray@pl.nulled.red"
    assert reply.mentions == ["disarray@pl.nulled.red"]
    assert reply.author is not None and reply.author.id == "freon@letsalllovela.in"
    assert reply.created_at.isoformat() == "2022-08-30T23:05:46.839000+00:00"
    assert reply.text == "@disarray glad i was able to help"
    local = next(m for m in msgs if m.id.startswith("http://mastodon.local/"))
    assert local.author is not None and local.author.id == "admin@mastodon.local", (
        "a local acct gets the domain of its profile url"
    )
    chris = next(m for m in msgs if "ruby.social" in m.id)
    assert chris.hashtags == ["musictuesday", "piano", "neoclassical", "jazz"]
    assert (chris.likes, chris.shares, chris.replies) == (0, 0, 0)
    edits = [m for m in msgs if m.id == TRWNH]
    assert [m.text for m in edits] == ["#test", "#test", "#test but edited"]
    assert isinstance(reply.raw, str) and orjson.loads(reply.raw)["uri"] == FREON


def test_websocket_jsonl_double_decodes_to_the_same_messages(tmp_path: Path) -> None:
    events = _sse_events(data_path(SSE).read_text())
    lines = [
        orjson.dumps({"stream": ["public"], "event": e, "payload": d}).decode() for e, d in events
    ]
    path = tmp_path / "ws.jsonl"
    path.write_text("\n".join(lines) + "\n")
    assert sources.detect(path) is SRC
    ws = _messages(path)
    sse = _messages(data_path(SSE))
    assert ws == sse


def test_heartbeats_missing_blank_lines_and_bad_payloads(tmp_path: Path) -> None:
    events = dict(_sse_events(data_path(SSE).read_text()))
    text = (
        ":thump\n"
        f"event: update\ndata: {events['update']}\n"  # no blank line before the next event
        "event: delete\ndata: 1\n\n"
        ":thump\n\n"
        f"event: status.update\ndata: {events['status.update'][:200]}\n\n"
        "event: update\ndata: 42\n"
    )
    path = tmp_path / "capture.sse"
    path.write_text(text)
    items = _items(path)
    bad = [i for i in items if isinstance(i, Bad)]
    assert [b.location for b in bad] == ["line 9", "line 12"]  # the event: line
    assert "not JSON" in bad[0].reason and "not a Status" in bad[1].reason
    good = [SRC.normalise(r) for r in items if isinstance(r, RawRecord)]
    assert [m.id if m else None for m in good] == [FREON, None]
    cut = tmp_path / "ws.jsonl"
    line = orjson.dumps({"stream": ["user"], "event": "update", "payload": events["update"]})
    cut.write_bytes(line + b"\n" + line[:120] + b"\n")
    assert [type(i).__name__ for i in _items(cut)] == ["RawRecord", "Bad"]


def test_ingest_is_idempotent_and_merges_with_rest(tmp_path: Path, workspace: Workspace) -> None:
    path = data_path(SSE)
    first = ingest(workspace, [path]).summary()
    assert (first["new"], first["skipped"], first["quarantined"]) == (6, 14, 0)
    second = ingest(workspace, [path]).summary()
    assert second["new"] == 0 and second["updated"] == 0
    # The same toot fetched from the REST API merges with the streamed one (same uri id).
    status = next(d for e, d in _sse_events(path.read_text()) if e == "update")
    rest = tmp_path / "statuses.json"
    rest.write_text(f"[{status}]")
    third = ingest(workspace, [rest], fmt="mastodon").summary()
    assert third["new"] == 0 and third["total"] == 1
    with workspace.connect(read_only=True) as con:
        assert con.execute("SELECT count(*) FROM messages").fetchone() == (6,)
        assert con.execute("SELECT count(DISTINCT id) FROM authors").fetchone() == (5,)
