"""RSS 2.0 / Atom feeds on fixtures written as WordPress core and Jekyll emit them."""

from __future__ import annotations

from pathlib import Path

from ascolto.ingest import ingest
from ascolto.models import Message
from ascolto.sources import disqus, feed, wxr
from ascolto.sources.base import Bad
from ascolto.sources.files import read_head
from ascolto.workspace import Workspace
from tests.conftest import ROOT, read_sorted

SRC = feed.SOURCE
FIXTURES = ROOT / "tests" / "fixtures" / "feed"
POST = "https://blog.example.com/?p=101"


def _read(path: Path) -> tuple[dict[str, Message], list[Bad]]:
    messages, skipped, bad = read_sorted(SRC, path)
    assert not skipped, "a feed entry is always a message"
    return {m.id: m for m in messages}, bad


def test_wordpress_posts_feed() -> None:
    msgs, bad = _read(FIXTURES / "wordpress_posts_rss2.xml")
    assert not bad and list(msgs) == [
        POST,
        "https://blog.example.com/?p=98",
        "https://blog.example.com/?p=95",
    ]
    post = msgs[POST]
    assert post.kind == "post" and post.parent_id is None
    assert post.title == "Nuovo menu di primavera"
    assert post.url == "https://blog.example.com/2024/03/01/nuovo-menu-di-primavera/"
    assert [m.replies for m in msgs.values()] == [4, 0, 2]  # slash:comments
    assert post.author is not None and post.author.id == "Giulia Rossi"
    assert post.created_at.isoformat() == "2024-03-01T09:00:00+00:00"
    assert post.hashtags == ["primavera"] and post.links == ["https://blog.example.com/menu/"]
    assert msgs["https://blog.example.com/?p=95"].mentions == ["fattoriasole"]
    assert post.raw["wfw:commentRss"].endswith("/nuovo-menu-di-primavera/feed/")


def test_atom_comments_feed_threads_with_in_reply_to() -> None:
    msgs, bad = _read(FIXTURES / "wordpress_comments_atom.xml")
    assert not bad and len(msgs) == 4
    c = {k.rsplit("-", 1)[1]: m for k, m in msgs.items()}
    assert [c[n].kind for n in ("501", "502", "503", "504")] == [
        "comment",
        "reply",
        "comment",
        "reply",
    ]
    assert c["501"].parent_id == POST and c["503"].parent_id == POST
    assert c["502"].parent_id == f"{POST}#comment-501"
    assert c["504"].parent_id == f"{POST}#comment-502"
    assert {m.root_id for m in msgs.values()} == {POST}
    # 504 -> 502 -> 501 -> the post: three levels, followed through parent_id.
    depth, m = 0, c["504"]
    while m.parent_id in msgs:
        depth, m = depth + 1, msgs[m.parent_id]
    assert depth == 2 and m.parent_id == POST
    assert c["503"].author is not None and c["503"].author.url == "https://annaverdi.example.net"
    assert c["504"].created_at.isoformat() == "2024-03-02T18:05:11+00:00"
    assert c["503"].text == "Il cold brew alla fragola è fantastico 😍 ci torno sabato."


def test_rss_comments_feed_has_no_parent_so_comments_hang_from_the_post() -> None:
    msgs, bad = _read(FIXTURES / "wordpress_post_comments_rss2.xml")
    assert not bad and len(msgs) == 2
    for m in msgs.values():
        assert m.kind == "comment"
        assert m.parent_id == m.root_id == "https://blog.example.com/?p=95"
        assert m.title is None
    reply = msgs["https://blog.example.com/?p=95#comment-491"]
    assert reply.author is not None and reply.author.id == "Giulia Rossi"
    assert reply.created_at.isoformat() == "2024-02-11T09:12:40+00:00"


def test_plain_atom_feed() -> None:
    msgs, bad = _read(FIXTURES / "plain_atom.xml")
    assert not bad and len(msgs) == 3
    first, second, third = msgs.values()
    assert all(m.kind == "post" and m.parent_id is None for m in msgs.values())
    assert first.author is not None and first.author.id == "Tommaso Gallo"
    assert second.author is not None and second.author.id == "Sara Neri"  # the feed's author
    assert first.created_at.isoformat() == "2024-01-22T15:30:00+00:00"  # +01:00 in the feed
    assert third.created_at.isoformat() == "2023-11-30T12:00:00+00:00"  # only <updated>
    assert second.text is not None and second.text.startswith("Grazie a tutti")
    assert second.links == ["https://photos.example.org/mercatino-2023"]  # xhtml content
    assert third.text == "Sono arrivati gli smalti blu cobalto & verde rame."
    assert first.url == "https://news.example.org/2024/01/22/corso-serale.html"


def test_broken_item_is_quarantined_and_the_feed_goes_on(tmp_path: Path) -> None:
    text = (FIXTURES / "wordpress_posts_rss2.xml").read_bytes()
    broken = tmp_path / "broken.xml"
    broken.write_bytes(text.replace(b"<title>Orari di apertura", b"<title>Orari < apertura"))
    msgs, bad = _read(broken)
    assert [b.location for b in bad] == ["<item> 2"] and "line 44" in bad[0].reason
    assert set(msgs) == {POST, "https://blog.example.com/?p=95"}


def test_detection_separates_feeds_from_wxr_and_disqus() -> None:
    for path in sorted(FIXTURES.glob("*.xml")):
        head = read_head(path)
        assert SRC.detect(path, head) >= 0.9
        assert wxr.SOURCE.detect(path, head) == 0 and disqus.SOURCE.detect(path, head) == 0


def test_ingest_links_feeds_marks_owner_and_is_idempotent(workspace: Workspace) -> None:
    first = ingest(workspace, [FIXTURES], owners=["web:giulia rossi"]).summary()
    assert first["new"] == 12 and first["quarantined"] == 0 and not first["unrecognised"]
    second = ingest(workspace, [FIXTURES]).summary()
    assert second["new"] == 0 and second["updated"] == 0
    with workspace.connect(read_only=True) as con:
        orphans = con.execute(
            "SELECT count(*) FROM messages m WHERE m.kind <> 'post' AND NOT EXISTS "
            "(SELECT 1 FROM messages p WHERE p.id = m.root_id AND p.kind = 'post')"
        ).fetchone()
        owner = con.execute(
            "SELECT m.id FROM messages m JOIN authors a ON a.platform = m.platform "
            "AND a.id = m.author_id WHERE a.is_owned AND m.parent_id IS NOT NULL ORDER BY 1"
        ).fetchall()
    assert orphans == (0,)  # every comment's root is a post from the posts feed
    assert owner == [
        ("https://blog.example.com/?p=101#comment-502",),
        ("https://blog.example.com/?p=95#comment-491",),
    ]
