"""Disqus export XML on the real isso fixture: empty threads, orphans, deleted parents."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from ascolto.ingest import ingest
from ascolto.models import Message
from ascolto.sources import disqus, feed, wxr
from ascolto.sources.base import Bad
from ascolto.sources.files import read_head
from ascolto.workspace import Workspace
from tests.conftest import data_path, read_sorted

SRC = disqus.SOURCE
ISSO = "formats/blog_comments/isso_disqus.xml"


def _read(path: Path) -> tuple[dict[str, Message], int, list[Bad]]:
    messages, skipped, bad = read_sorted(SRC, path)
    return {m.id: m for m in messages}, skipped, bad


def test_counts_and_skips() -> None:
    path = data_path(ISSO)
    tree = etree.parse(str(path))
    ns = {"d": "http://disqus.com"}
    live = tree.xpath(
        "count(/d:disqus/d:post[not(d:isDeleted='true') and not(d:isSpam='true')])", namespaces=ns
    )
    msgs, skipped, bad = _read(path)
    assert not bad
    kinds = sorted(m.kind for m in msgs.values())
    assert kinds == ["comment", "comment", "comment", "post", "post", "reply", "reply"]
    assert sum(m.kind != "post" for m in msgs.values()) == live == 5
    assert skipped == 2  # the empty <thread><id/></thread> and the deleted post 9


def test_threads_are_roots_and_parents_come_from_dsq_ids() -> None:
    msgs, _, _ = _read(data_path(ISSO))
    thread = msgs["thread-2"]
    assert thread.kind == "post" and thread.title == "Hello, World!"
    assert thread.url == "http://example.org/"
    assert msgs["4"].parent_id == msgs["4"].root_id == "thread-2"
    assert msgs["5"].kind == "reply" and msgs["5"].parent_id == "4"
    assert msgs["5"].root_id == "thread-2" and msgs["5"].url == "http://example.org/#comment-5"
    assert msgs["11"].parent_id == "9"  # its parent was deleted: kept, parent not collected
    assert msgs["6"].root_id == "thread-1337" and msgs["6"].url is None  # orphan
    assert msgs["thread-7"].title is None and msgs["8"].root_id == "thread-7"  # empty title


def test_authors_username_or_hashed_guest() -> None:
    msgs, _, _ = _read(data_path(ISSO))
    user = msgs["5"].author
    assert user is not None and (user.id, user.handle) == ("user", "user")
    guest = msgs["4"].author
    assert guest is not None and guest.name == "peter" and guest.handle is None
    assert guest.id == wxr.guest_id("foo@bar.com", None)
    assert all("@" not in m.author.id for m in msgs.values() if m.author)


def test_timestamps_are_utc() -> None:
    msgs, _, _ = _read(data_path(ISSO))
    assert msgs["5"].created_at.isoformat() == "2013-10-11T06:51:33+00:00"
    assert msgs["thread-2"].created_at.isoformat() == "2012-12-12T12:12:12+00:00"


def test_owner_replies_marked(workspace: Workspace) -> None:
    ingest(workspace, [data_path(ISSO)], owners=["disqus:User"])
    with workspace.connect(read_only=True) as con:
        rows = con.execute(
            "SELECT m.id FROM messages m JOIN authors a ON a.platform = m.platform "
            "AND a.id = m.author_id WHERE a.is_owned AND m.parent_id IS NOT NULL ORDER BY 1"
        ).fetchall()
    assert rows == [("11",), ("5",)]


def test_broken_post_is_quarantined_and_the_import_goes_on(tmp_path: Path) -> None:
    text = data_path(ISSO).read_bytes()
    broken = tmp_path / "broken.xml"
    # Post 4's message is not CDATA: a bare "<" breaks it.
    broken.write_bytes(text.replace(b"<message>...</message>", b"<message>a < b</message>", 1))
    msgs, _, bad = _read(broken)
    assert [b.location for b in bad] == ["<post> 1"]
    assert "line 35" in bad[0].reason
    assert "4" not in msgs and {"5", "6", "8", "11", "thread-7"} <= set(msgs)


def test_truncated_export(tmp_path: Path) -> None:
    text = data_path(ISSO).read_bytes()
    cut = tmp_path / "cut.xml"
    cut.write_bytes(text[: text.index(b"Message from thread")])
    msgs, _, bad = _read(cut)
    assert [b.location for b in bad] == ["<post> 4"]
    assert set(msgs) == {"thread-2", "4", "5", "6", "thread-7"}


def test_detection() -> None:
    path = data_path(ISSO)
    head = read_head(path)
    assert SRC.detect(path, head) > 0.9
    assert wxr.SOURCE.detect(path, head) == 0 and feed.SOURCE.detect(path, head) == 0


def test_ingest_is_idempotent(workspace: Workspace) -> None:
    path = data_path(ISSO)
    first = ingest(workspace, [path]).summary()
    assert (first["new"], first["skipped"], first["quarantined"]) == (7, 2, 0)
    second = ingest(workspace, [path]).summary()
    assert second["new"] == 0 and second["updated"] == 0
    with workspace.connect(read_only=True) as con:
        roots = con.execute("SELECT id, root_id FROM messages WHERE kind = 'post' ORDER BY 1")
        assert roots.fetchall() == [("thread-2", "thread-2"), ("thread-7", "thread-7")]
