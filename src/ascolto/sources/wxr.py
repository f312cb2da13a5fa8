"""WordPress WXR exports (1.0, 1.1, 1.2; ``http`` or ``https`` namespace): posts and comments.

Each ``<item>`` of type ``post`` or ``page`` is a ``post``; its ``<wp:comment>``s are ``comment``
(``comment_parent`` 0, parent = the post) or ``reply`` (parent = that comment). Skipped on
purpose (``normalise`` returns None, the import counts them): attachments, menu items and other
item types, unpublished posts (draft, pending, auto-draft, trash; their approved comments are
kept), items with no date at all (stubs of hand-made files; their comments are kept),
unapproved/spam/trash comments, and pingbacks, trackbacks and internal notes.
``--option include_unapproved=true`` keeps comments held for moderation
(``comment_approved`` 0), ``--option include_pings=true`` keeps pingbacks and trackbacks.

Ids: WordPress numbers posts and comments per site, so ids are ``SITE/post-ID`` and
``SITE/comment-ID`` with SITE the host and path of ``<channel><link>`` (``example.com``,
``example.com/blog``; an item's host when the channel has none); the same post id on two
blogs never merges. A file cut by an XML error keeps what came before and after it: the
broken ``<item> N / <wp:comment> K`` is quarantined (see ``xmlstream``).

Authors: a post's author is its ``dc:creator`` login (display name from ``<wp:author>``).
A comment by a registered user (``comment_user_id`` != 0) is by that same login when the
user id is a ``wp:author_id``, or the comment email is a ``wp:author_email`` (the Theme Unit
Test export has no author ids), or the user id was seen with such an email earlier in the file;
in a WXR 1.0 file without ``<wp:author>``, when the comment name is the post's ``dc:creator``.
Everyone else is a guest: id ``guest-`` + a short hash of the lower-cased email (emails are
never stored as ids), or of the name when there is no email. So the blog owner is
``--owner wordpress:LOGIN`` and their replies to readers are found. Times are
``*_date_gmt`` (UTC); ``0000-00-00 00:00:00`` (drafts) falls back to the site-local date.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ascolto.errors import RecordError
from ascolto.models import Author, Message
from ascolto.sources.base import Bad, Options, RawRecord, Source
from ascolto.sources.fields import hashtags_in, html_to_text, links_in, to_utc
from ascolto.sources.xmlstream import Names, XmlError, XmlStream, fields, release, root_tag, text_of

_WXR_NS = re.compile(r"""xmlns:\w+\s*=\s*["']https?://wordpress\.(?:org|com)/export/[\d.]+/["']""")
_ITEM = re.compile(rb"<item[\s>]")
_QUERY_ID = re.compile(r"[?&](?:p|page_id)=(\d+)")
_ZERO_DATE = "0000-00-00 00:00:00"
_POST_TYPES = frozenset({"post", "page"})
_UNPUBLISHED = frozenset({"draft", "pending", "auto-draft", "trash"})
_PINGS = frozenset({"pingback", "trackback"})
#: Comment types that are not reader comments: editorial notes, WooCommerce order notes.
_INTERNAL = frozenset({"note", "order_note", "action_log", "webhook_delivery"})
_COMMENT_KEY = frozenset({"wp:comment"})
_EMPTY: Mapping[str, Any] = {}


def guest_id(email: str | None, name: str | None) -> str | None:
    """A commenter without an account: ``guest-`` + 16 hex of SHA-256 of the lower-cased email
    (or ``name:`` + name). Keeps people apart and together without storing their email."""
    key = (email or "").strip().lower()
    if not key:
        name = (name or "").strip().lower()
        if not name:
            return None
        key = "name:" + name
    return "guest-" + hashlib.sha256(key.encode()).hexdigest()[:16]


def site_of(url: str | None) -> str | None:
    """``https://Example.com/blog/`` -> ``example.com/blog``: what makes per-site ids unique."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if not host:
        return None
    if parts.port:
        host = f"{host}:{parts.port}"
    return host + parts.path.rstrip("/")


def _host(url: str | None) -> str | None:
    """The host of an item's link: the site when the channel has no link (hand-made files)."""
    site = site_of(url)
    return site.split("/", 1)[0] if site else None


class WxrSource(Source):
    name = "wxr"
    platform = "wordpress"
    description = "WordPress WXR export (1.0-1.2): posts, pages and threaded comments"
    examples = (
        "formats/blog_comments/wp-importer_theme-unit-test-data.xml",
        "formats/blog_comments/wp-importer_valid-wxr-1.1.xml",
        "formats/blog_comments/wp-importer_test-serialized-comment-meta.xml",
        "formats/blog_comments/isso_wordpress.xml",
    )

    def detect(self, path: Path, head: str) -> float:
        if root_tag(head) != "rss":
            return 0.0
        if _WXR_NS.search(head):
            return 0.97
        return 0.6 if "<wp:wxr_version>" in head else 0.0

    def read(self, path: Path, options: Options) -> Iterator[RawRecord | Bad]:
        flags = {
            "include_unapproved": options.get("include_unapproved", "false") == "true",
            "include_pings": options.get("include_pings", "false") == "true",
        }
        names = Names()
        stream = XmlStream(path, ("item", "{*}comment"), _ITEM)
        channel: _Channel | None = None
        item_no = 0
        item: Any = None
        done = 0  # comments of the current item that ended
        for event in stream:
            if isinstance(event, XmlError):
                yield from self._broken(event, item, item_no, done, channel, flags, stream)
                item, done = None, 0
                continue
            kind, el = event
            if el.tag == "item":
                if kind == "start":
                    if channel is None:
                        channel = _Channel(el.getparent(), names)
                    item_no += 1
                    item, done = el, 0
                else:
                    assert channel is not None
                    yield from channel.records(el, item_no, done, flags, stream, complete=True)
                    release(el)
                    item, done = None, 0
            elif kind == "end" and item is not None and names(el.tag) == "wp:comment":
                done += 1

    def _broken(
        self,
        error: XmlError,
        item: Any,
        item_no: int,
        done: int,
        channel: _Channel | None,
        flags: dict[str, bool],
        stream: XmlStream,
    ) -> Iterator[RawRecord | Bad]:
        """An item cut by a syntax error: what finished in it is kept, the rest quarantined."""
        reason = error.reason
        if item is None or channel is None:
            yield Bad(f"line {error.line}", reason)
            return
        started = len(channel.comments(item))
        where = f"<item> {item_no}"
        if started:  # the post's own fields came before its comments: they are whole
            yield from channel.records(item, item_no, done, flags, stream, complete=False)
        if started > done:
            where += f" / <wp:comment> {done + 1}"
        yield Bad(
            where, reason + f"; the rest of <item> {item_no} was skipped", f"line {error.line}"
        )

    def normalise(self, raw: RawRecord) -> Message | None:
        if raw.context.get("record") == "comment":
            return _comment(raw.data, raw.context)
        return _post(raw.data, raw.context)


class _Channel:
    """What items need from the channel: the site, and who the blog's users are."""

    def __init__(self, channel: Any, names: Names) -> None:
        self.names = names
        head = fields(channel, names, skip=frozenset({"item"})) if channel is not None else {}
        self.site = site_of(text_of(head.get("link"))) or site_of(
            text_of(head.get("wp:base_blog_url"))
        )
        self.authors: dict[str, dict[str, str | None]] = {}
        self.emails: dict[str, str] = {}
        self.user_ids: dict[str, str] = {}
        found = head.get("wp:author", [])
        for a in found if isinstance(found, list) else [found]:
            login = text_of(a.get("wp:author_login")) if isinstance(a, dict) else None
            if not login:
                continue
            email = (text_of(a.get("wp:author_email")) or "").lower()
            self.authors[login] = {"name": text_of(a.get("wp:author_display_name"))}
            if email:
                self.emails[email] = login
            uid = text_of(a.get("wp:author_id"))
            if uid:
                self.user_ids[uid] = login
        if channel is not None:
            for child in list(channel):
                if child.tag != "item":
                    channel.remove(child)

    def records(
        self,
        item: Any,
        item_no: int,
        done: int,
        flags: dict[str, bool],
        stream: XmlStream,
        complete: bool,
    ) -> Iterator[RawRecord]:
        """The post and its comments; ``complete=False`` for an item cut short (``done``
        comments finished)."""
        data = fields(item, self.names, skip=_COMMENT_KEY)
        comments = self.comments(item)
        if not complete:
            comments = comments[:done]
        rows = [fields(c, self.names) for c in comments]
        creator = text_of(data.get("dc:creator"))
        site = self.site or _host(text_of(data.get("link")))
        post = {
            "id": _post_id(data),
            "type": text_of(data.get("wp:post_type")) or "post",
            "link": text_of(data.get("link")),
            "creator": creator,
        }
        for row in rows:  # first learn which user ids are authors, then resolve every comment
            self._login(row, creator)
        logins = [self._login(row, creator) for row in rows]
        approved = sum(1 for row in rows if text_of(row.get("wp:comment_approved")) == "1")
        yield RawRecord(
            data,
            f"<item> {item_no}, line {stream.line(item)}",
            {
                "record": "post",
                "site": site,
                "authors": self.authors,
                "comments": approved if complete else None,
            },
        )
        for i, (c, row, login) in enumerate(zip(comments, rows, logins, strict=True), start=1):
            author = self.authors.get(login) if login else None
            yield RawRecord(
                row,
                f"<item> {item_no} / <wp:comment> {i}, line {stream.line(c)}",
                {
                    "record": "comment",
                    "site": site,
                    "post": post,
                    "login": login,
                    "author": author or _EMPTY,
                    **flags,
                },
            )

    def comments(self, item: Any) -> list[Any]:
        """The ``<wp:comment>`` elements of an item (XML comments and PIs have no str tag)."""
        return [c for c in item if isinstance(c.tag, str) and self.names(c.tag) == "wp:comment"]

    def _login(self, row: dict[str, Any], creator: str | None) -> str | None:
        """The login of a registered commenter, learning user ids from author emails."""
        uid = text_of(row.get("wp:comment_user_id"))
        if not uid or uid == "0":
            return None
        email = (text_of(row.get("wp:comment_author_email")) or "").lower()
        login = self.user_ids.get(uid) or self.emails.get(email)
        if (
            login is None
            and not self.authors
            and creator
            and (text_of(row.get("wp:comment_author")) == creator)
        ):
            login = creator
        if login is not None:
            self.user_ids.setdefault(uid, login)
        return login


def _post_id(data: Mapping[str, Any]) -> str | None:
    """``wp:post_id``, or the ``?p=N`` of an item's link (hand-made WXR files lack post ids)."""
    pid = text_of(data.get("wp:post_id"))
    if pid:
        return pid
    for key in ("guid", "link"):
        m = _QUERY_ID.search(text_of(data.get(key)) or "")
        if m:
            return m.group(1)
    return None


def _date(data: Mapping[str, Any], *keys: str) -> str | None:
    """The first real date among ``keys`` (``*_gmt`` first; drafts have a zero GMT date)."""
    for key in keys:
        value = text_of(data.get(key))
        if value and value != _ZERO_DATE:
            return value
    return None


def _post(data: Mapping[str, Any], ctx: Mapping[str, Any]) -> Message | None:
    if (text_of(data.get("wp:post_type")) or "post") not in _POST_TYPES:
        return None
    if text_of(data.get("wp:status")) in _UNPUBLISHED:
        return None
    created = _date(data, "wp:post_date_gmt", "wp:post_date", "pubDate")
    if created is None:
        return None  # a stub item of a hand-made file (no date): its comments still count
    pid = _post_id(data)
    if not pid:
        raise RecordError("item without wp:post_id")
    site = ctx.get("site")
    if not site:
        raise RecordError("no site: neither <channel><link> nor the item's link has a host")
    login = text_of(data.get("dc:creator"))
    author = None
    if login:
        info = ctx.get("authors", _EMPTY).get(login, _EMPTY)
        author = Author(platform="wordpress", id=login, handle=login, name=info.get("name"))
    html = text_of(data.get("content:encoded")) or ""
    text = html_to_text(html) or None
    return Message(
        platform="wordpress",
        id=f"{site}/post-{pid}",
        created_at=to_utc(created),
        text=text,
        author=author,
        kind="post",
        url=text_of(data.get("link")),
        title=text_of(data.get("title")),
        replies=ctx.get("comments"),
        hashtags=hashtags_in(text),
        links=links_in(html),
        raw=dict(data),
    )


def _comment(data: Mapping[str, Any], ctx: Mapping[str, Any]) -> Message | None:
    post = ctx["post"]
    if post["type"] not in _POST_TYPES:
        return None
    approved = text_of(data.get("wp:comment_approved"))
    if approved != "1" and not (approved == "0" and ctx.get("include_unapproved")):
        return None
    ctype = text_of(data.get("wp:comment_type")) or "comment"
    if ctype in _INTERNAL or (ctype in _PINGS and not ctx.get("include_pings")):
        return None
    cid = text_of(data.get("wp:comment_id"))
    site = ctx.get("site")
    if not cid or not post["id"] or not site:
        raise RecordError("comment without wp:comment_id, post id or site")
    post_id = f"{site}/post-{post['id']}"
    parent = text_of(data.get("wp:comment_parent"))
    if parent and parent != "0":
        kind, parent_id, parent_author = "reply", f"{site}/comment-{parent}", None
    else:
        kind, parent_id, parent_author = "comment", post_id, post["creator"]
    created = _date(data, "wp:comment_date_gmt", "wp:comment_date")
    if created is None:
        raise RecordError("comment without wp:comment_date_gmt or wp:comment_date")
    name = text_of(data.get("wp:comment_author"))
    url = text_of(data.get("wp:comment_author_url"))
    login = ctx.get("login")
    author: Author | None
    if login:
        author = Author(
            platform="wordpress",
            id=login,
            handle=login,
            name=ctx.get("author", _EMPTY).get("name") or name,
        )
    else:
        aid = guest_id(text_of(data.get("wp:comment_author_email")), name)
        author = Author(platform="wordpress", id=aid, name=name, url=url) if aid else None
    html = text_of(data.get("wp:comment_content")) or ""
    text = html_to_text(html) or None
    link = post["link"]
    return Message(
        platform="wordpress",
        id=f"{site}/comment-{cid}",
        created_at=to_utc(created),
        text=text,
        author=author,
        kind=kind,
        url=f"{link}#comment-{cid}" if link else None,
        parent_id=parent_id,
        root_id=post_id,
        parent_author_id=parent_author,
        hashtags=hashtags_in(text),
        links=links_in(html),
        raw=dict(data),
    )


SOURCE = WxrSource()
