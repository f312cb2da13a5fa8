"""WordPress WXR on the real wordpress-importer and isso fixtures (WXR 1.0, 1.1, 1.2 https)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from lxml import etree

from ascolto.ingest import ingest
from ascolto.models import Message
from ascolto.sources import disqus, feed, wxr, xmlstream
from ascolto.sources.base import Bad, Options, RawRecord
from ascolto.sources.files import read_head
from ascolto.workspace import Workspace
from tests.conftest import data_path, read_sorted

SRC = wxr.SOURCE
THEME = "formats/blog_comments/wp-importer_theme-unit-test-data.xml"
SITE = "wpthemetestdata.wordpress.com"
WP = {"wp": "https://wordpress.org/export/1.2/"}


def _read(path: Path, **options: str) -> tuple[list[Message], int, list[Bad]]:
    """(messages, records skipped on purpose, bad records)."""
    return read_sorted(SRC, path, Options(options))


def _by_id(messages: list[Message]) -> dict[str, Message]:
    return {m.id: m for m in messages}


def test_theme_unit_test_counts_match_an_independent_xpath_count() -> None:
    path = data_path(THEME)
    tree = etree.parse(str(path))
    assert tree.xpath("count(//wp:comment)", namespaces=WP) == 33  # as FORMATS.md says
    posts = tree.xpath(
        "count(//item[wp:post_type='post' or wp:post_type='page'][not(wp:status='draft')])",
        namespaces=WP,
    )
    comments = tree.xpath(
        "count(//item[wp:post_type='post' or wp:post_type='page']/wp:comment"
        "[wp:comment_approved='1'][not(wp:comment_type='pingback' or "
        "wp:comment_type='trackback')])",
        namespaces=WP,
    )
    messages, skipped, bad = _read(path)
    assert not bad
    kinds = [m.kind for m in messages]
    assert kinds.count("post") == posts == 78  # 57 posts (one draft skipped) + 21 pages
    assert kinds.count("comment") + kinds.count("reply") == comments == 26
    assert kinds.count("reply") == 9
    # 37 attachments + 70 menu items + 1 draft + 3 unapproved + 2 pingbacks + 2 trackbacks
    assert skipped == 115


def test_ten_level_chain_via_parent_id() -> None:
    msgs = _by_id(_read(data_path(THEME))[0])
    m = msgs[f"{SITE}/comment-915"]
    chain = []
    while m.parent_id in msgs and msgs[m.parent_id].kind != "post":
        chain.append(m.id)
        m = msgs[m.parent_id]
    chain.append(m.id)
    assert len(chain) == 10
    assert chain[-1] == f"{SITE}/comment-904" and m.kind == "comment"
    assert m.parent_id == m.root_id == f"{SITE}/post-1148"
    assert msgs[f"{SITE}/comment-915"].root_id == f"{SITE}/post-1148"
    assert msgs[f"{SITE}/post-1148"].replies == 19  # approved comments, as WordPress counts


def test_registered_commenters_map_to_the_post_author_login() -> None:
    msgs = _by_id(_read(data_path(THEME))[0])
    owner = [m for m in msgs.values() if m.author and m.author.id == "themedemos" and m.parent_id]
    # 903 and 920 are top-level, 910 and 915 answer readers; 920 is signed "Jane Doe" but is
    # user 24783058, learned from 903's email (the file has no wp:author_id).
    assert sorted(m.id.rsplit("-", 1)[1] for m in owner) == ["903", "910", "915", "920"]
    assert msgs[f"{SITE}/comment-910"].author.name == "Theme Buster"  # wp:author display name
    # Comment 169 is signed "themedemos" with the author's email but by a guest (user id 0).
    guest = msgs[f"{SITE}/comment-169"].author
    assert guest is not None and guest.id == wxr.guest_id("themeshaperwp+demos@gmail.com", None)
    assert guest.handle is None and guest.name == "themedemos"
    for m in msgs.values():
        assert m.author is None or "@" not in m.author.id, "emails are never ids"


def test_owner_replies_marked(workspace: Workspace) -> None:
    ingest(workspace, [data_path(THEME)], owners=["wordpress:THEMEDEMOS"])
    with workspace.connect(read_only=True) as con:
        owned = con.execute(
            "SELECT count(*) FROM messages m JOIN authors a ON a.platform = m.platform "
            "AND a.id = m.author_id WHERE a.is_owned AND m.parent_id IS NOT NULL"
        ).fetchone()
        answered = con.execute(
            "SELECT count(*) FROM messages m JOIN messages p ON p.platform = m.platform "
            "AND p.id = m.parent_id JOIN authors a ON a.platform = m.platform "
            "AND a.id = m.author_id WHERE a.is_owned AND p.kind <> 'post'"
        ).fetchone()
    assert owned == (4,)
    assert answered == (2,)  # 910 and 915 answer readers' comments in the chain


def test_unapproved_and_pings_skipped_unless_asked() -> None:
    path = data_path(THEME)
    ids = set(_by_id(_read(path)[0]))
    assert f"{SITE}/comment-1015" not in ids and f"{SITE}/comment-921" not in ids
    more, skipped, _ = _read(path, include_unapproved="true", include_pings="true")
    comments = [m for m in more if m.kind != "post"]
    assert len(comments) == 33 and skipped == 108
    assert f"{SITE}/comment-1017" in _by_id(more)  # replies to 168, held for moderation


def test_timestamps_are_utc_from_the_gmt_fields() -> None:
    msgs = _by_id(_read(data_path(THEME))[0])
    # comment_date is 08:10:29 site time; comment_date_gmt 15:10:29 is the instant.
    assert msgs[f"{SITE}/comment-910"].created_at.isoformat() == "2013-03-14T15:10:29+00:00"
    isso = _by_id(_read(data_path("formats/blog_comments/isso_wordpress.xml"))[0])
    assert isso["example.tld/comment-10"].created_at.isoformat() == "2022-06-06T02:13:14+00:00"


def test_zero_gmt_date_falls_back_to_the_local_date(tmp_path: Path) -> None:
    src = data_path("formats/blog_comments/wp-importer_test-serialized-comment-meta.xml")
    messages, skipped, _ = _read(src)
    assert [m.kind for m in messages] == ["comment"] and skipped == 1  # the post is a draft
    published = tmp_path / "published.xml"
    published.write_bytes(src.read_bytes().replace(b"<wp:status>draft", b"<wp:status>publish"))
    post = _read(published)[0][0]
    assert post.id == "test.wordpress.org/post-10"
    assert post.created_at.isoformat() == "2009-10-20T16:13:20+00:00"


def test_serialized_comment_meta_kept_in_raw() -> None:
    path = data_path("formats/blog_comments/wp-importer_test-serialized-comment-meta.xml")
    comment = _read(path)[0][0]
    meta = comment.raw["wp:commentmeta"]
    assert [x["wp:meta_key"] for x in meta] == ["string", "array"]
    assert meta[1]["wp:meta_value"] == 'a:1:{s:3:"key";s:13:"¯\\_(ツ)_/¯";}'


def test_wxr_10_without_authors_and_hand_made_items() -> None:
    path = data_path("formats/blog_comments/isso_wordpress.xml")
    messages, skipped, bad = _read(path)
    msgs = _by_id(messages)
    assert not bad and skipped == 2  # items 2 and 3 have no date at all
    assert len(messages) == 9
    # No <channel><link>: the site is the items' host; item 2 has no post id but ?p=4.
    assert msgs["example.tld/comment-11"].root_id == "example.tld/post-4"
    # No <wp:author> in 1.0: user 1 signing as the post's dc:creator is that login.
    assert msgs["example.tld/comment-6"].author.id == "Tester"
    assert msgs["example.tld/comment-7"].author.id.startswith("guest-")  # no user id
    assert msgs["example.tld/comment-8"].parent_id == "example.tld/comment-7"


def test_ids_are_unique_per_site(tmp_path: Path) -> None:
    src = data_path("formats/blog_comments/wp-importer_valid-wxr-1.1.xml")
    other = tmp_path / "other.xml"
    other.write_bytes(src.read_bytes().replace(b"http://localhost/", b"https://other.example/"))
    first = {m.id for m in _read(src)[0]}
    second = {m.id for m in _read(other)[0]}
    assert first == {"localhost/post-1", "localhost/post-2", "localhost/comment-1"}
    assert not first & second and len(second) == 3


def test_gzipped_export_reads_the_same(tmp_path: Path) -> None:
    src = data_path("formats/blog_comments/wp-importer_valid-wxr-1.1.xml")
    packed = tmp_path / "export.xml.gz"
    packed.write_bytes(gzip.compress(src.read_bytes()))
    assert SRC.detect(packed, read_head(packed)) > 0.9
    assert [m.id for m in _read(packed)[0]] == [m.id for m in _read(src)[0]]


def test_broken_comment_is_quarantined_and_the_import_goes_on(tmp_path: Path) -> None:
    text = data_path(THEME).read_bytes()
    lines = text.split(b"\n")
    assert b"<wp:comment_id>904<" in lines[9487]  # comment 904: 6th comment of <item> 150
    lines[9489] = lines[9489].replace(b"example@", b"example <<broken@")
    broken = tmp_path / "broken.xml"
    broken.write_bytes(b"\n".join(lines))
    messages, _, bad = _read(broken)
    assert [(b.location, b.reason.split(":")[0]) for b in bad] == [
        ("<item> 150 / <wp:comment> 6", "XML syntax error at line 9490")
    ]
    ids = _by_id(messages)
    # The post and its first five comments are kept; items after the broken one all are.
    assert f"{SITE}/post-1148" in ids and f"{SITE}/comment-903" in ids
    assert f"{SITE}/comment-904" not in ids and f"{SITE}/comment-920" not in ids
    assert f"{SITE}/comment-925" in ids and f"{SITE}/comment-927" in ids
    assert sum(m.kind == "post" for m in messages) == 78


@pytest.mark.parametrize("chunk", [1 << 20, 4096, 1000])
def test_each_broken_item_is_resynced_past_at_any_buffer_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr(xmlstream, "_CHUNK", chunk)  # errors far behind chunk boundaries
    lines = data_path(THEME).read_bytes().split(b"\n")
    lines[3000] += b"<<<"  # in <item> 27, an attachment
    lines[9489] = lines[9489].replace(b"example@", b"example <<broken@")
    broken = tmp_path / "broken.xml"
    broken.write_bytes(b"\n".join(lines))
    messages, _, bad = _read(broken)
    assert [(b.location, b.reason.split(":")[0]) for b in bad] == [
        ("<item> 27", "XML syntax error at line 3001"),
        ("<item> 150 / <wp:comment> 6", "XML syntax error at line 9490"),
    ]
    assert len(messages) == 78 + 26 - 14


def test_truncated_export_keeps_what_came_before(tmp_path: Path) -> None:
    cut = tmp_path / "cut.xml"
    cut.write_bytes(data_path(THEME).read_bytes()[:400_000])
    messages, _, bad = _read(cut)
    assert len(bad) == 1 and bad[0].location == "<item> 126"
    assert "line 7995" in bad[0].reason
    assert len(messages) == 22


def test_records_carry_their_location() -> None:
    records = [r for r in SRC.read(data_path(THEME), Options()) if isinstance(r, RawRecord)]
    r = next(r for r in records if r.data.get("wp:comment_id") == "910")
    assert r.location == "<item> 150 / <wp:comment> 10, line 9543"


def test_detection_tells_wxr_from_feeds_and_disqus() -> None:
    wxr_path = data_path(THEME)
    head = read_head(wxr_path)
    assert SRC.detect(wxr_path, head) > 0.9
    assert feed.SOURCE.detect(wxr_path, head) == 0 and disqus.SOURCE.detect(wxr_path, head) == 0
    for name in ("isso_wordpress.xml", "wp-importer_valid-wxr-1.1.xml"):
        path = data_path(f"formats/blog_comments/{name}")
        assert feed.SOURCE.detect(path, read_head(path)) == 0


def test_ingest_is_idempotent(workspace: Workspace) -> None:
    path = data_path(THEME)
    first = ingest(workspace, [path]).summary()
    assert first["new"] == 104 and first["skipped"] == 115 and first["quarantined"] == 0
    second = ingest(workspace, [path]).summary()
    assert second["new"] == 0 and second["updated"] == 0 and second["duplicates"] == 104
    with workspace.connect(read_only=True) as con:
        row = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE root_id = ?) FROM messages",
            [f"{SITE}/post-1148"],
        ).fetchone()
    assert row == (104, 20)  # the post and its 19 comments
