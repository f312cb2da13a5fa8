"""RSS 2.0 and Atom feeds of posts and of comments (WordPress's and any other site's).

An item or entry is a ``post`` unless it is a comment. Comments are told two ways:

* RFC 4685 ``<thr:in-reply-to ref=...>`` (WordPress's Atom comments feed): parent = ``ref``,
  which WordPress sets to the post's guid for a top-level comment and to the parent comment's
  id for a reply (``feed-atom-comments.php``).
* An id of the form ``POST-GUID#comment-N`` (WordPress's RSS comments feeds, which carry no
  parent): root = parent = the post, so replies to comments arrive as plain ``comment``s.

Ids are the ``guid`` (else ``link``) or the Atom ``id``: WordPress builds comment ids from the
post's guid, so a posts feed and a comments feed of one site link up. Root = the id before
``#comment-``. Authors are ``dc:creator`` / Atom ``author/name`` (an entry without one takes
the feed's), the display name the site shows; the site owner is ``--owner web:NAME``.
Counts: ``slash:comments``, ``thr:total`` or ``<link rel="replies" thr:count>``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from lxml import etree

from ascolto.errors import RecordError
from ascolto.models import Author, Message
from ascolto.sources.base import Bad, Options, RawRecord, Source
from ascolto.sources.fields import (
    hashtags_in,
    html_to_text,
    links_in,
    mentions_in,
    to_int,
    to_utc,
)
from ascolto.sources.wxr import guest_id
from ascolto.sources.xmlstream import Names, XmlError, XmlStream, fields, release, root_tag, text_of

_ATOM = "http://www.w3.org/2005/Atom"
_ENTRY = f"{{{_ATOM}}}entry"
_XHTML = "http://www.w3.org/1999/xhtml"
_RECORD = re.compile(rb"<(?:\w+:)?(?:item|entry)[\s>]")
_WXR_NS = re.compile(r"https?://wordpress\.(?:org|com)/export/")
_RSS_AUTHOR = re.compile(r"^\s*(\S+@\S+)\s*\((.+)\)\s*$")
_MARK = "#comment-"
_HEADER_SKIP = frozenset({"item", "entry"})


class FeedSource(Source):
    name = "feed"
    platform = "web"
    description = "RSS 2.0 / Atom feeds of posts and comments (threads from thr:in-reply-to)"
    examples = (
        "tests/fixtures/feed/wordpress_posts_rss2.xml",
        "tests/fixtures/feed/wordpress_comments_atom.xml",
        "tests/fixtures/feed/wordpress_post_comments_rss2.xml",
        "tests/fixtures/feed/plain_atom.xml",
    )

    def detect(self, path: Path, head: str) -> float:
        root = root_tag(head)
        if root == "rss":
            wxr = _WXR_NS.search(head) or "<wp:wxr_version>" in head
            return 0.0 if wxr else 0.9
        if root in ("feed", "atom:feed") and _ATOM in head:
            return 0.9
        return 0.0

    def read(self, path: Path, options: Options) -> Iterator[RawRecord | Bad]:
        stream = XmlStream(path, ("item", _ENTRY), _RECORD)
        names: Names | None = None
        context: dict[str, Any] = {}
        count = 0
        open_record: str | None = None
        for event in stream:
            if isinstance(event, XmlError):
                yield event.bad(open_record)
                open_record = None
                continue
            kind, el = event
            atom = el.tag == _ENTRY
            tag = "entry" if atom else "item"
            if kind == "start":
                if names is None:
                    names = Names(main=_ATOM if atom else None)
                    context = _feed_context(el.getparent(), names, atom)
                count += 1
                open_record = f"<{tag}> {count}"
                continue
            assert names is not None
            data = fields(el, names)
            if atom:
                _keep_xhtml(el, data)
            location = f"<{tag}> {count}, line {stream.line(el)}"
            release(el)
            open_record = None
            yield RawRecord(data, location, context)

    def normalise(self, raw: RawRecord) -> Message:
        if raw.context.get("atom"):
            return _entry(raw.data, raw.context)
        return _item(raw.data)


def _feed_context(parent: Any, names: Names, atom: bool) -> dict[str, Any]:
    """What entries inherit from the feed: its author (Atom), and which syntax it is."""
    author = None
    if parent is not None and atom:
        head = fields(parent, names, skip=_HEADER_SKIP)
        a = head.get("author")
        author = text_of(a.get("name")) if isinstance(a, dict) else None
    return {"atom": atom, "feed_author": author}


def _keep_xhtml(el: Any, data: dict[str, Any]) -> None:
    """Atom ``type="xhtml"`` content is markup, not text: keep it serialised for ``raw``."""
    for child in el:
        if child.get("type") == "xhtml" and child.tag in (
            f"{{{_ATOM}}}content",
            f"{{{_ATOM}}}summary",
        ):
            markup = "".join(etree.tostring(c, encoding="unicode") for c in child)
            markup = markup.replace(f' xmlns="{_XHTML}"', "")
            data[etree.QName(child).localname] = {"@type": "xhtml", "#text": markup}


def _thread(own: str, ref: str | None) -> tuple[str, str | None, str | None]:
    """(kind, parent_id, root_id) from an id and an ``in-reply-to`` ref."""
    if ref:
        root = own.partition(_MARK)[0] if _MARK in own else ref.partition(_MARK)[0]
        return ("reply" if _MARK in ref else "comment"), ref, root
    if _MARK in own:
        root = own.partition(_MARK)[0]
        return "comment", root, root
    return "post", None, None


def _message(
    mid: str,
    created: str | None,
    author: Author | None,
    title: str | None,
    url: str | None,
    body: Any,
    replies: Any,
    ref: str | None,
    data: Mapping[str, Any],
) -> Message:
    if not created:
        raise RecordError("no pubDate/published/updated")
    kind, parent_id, root_id = _thread(mid, ref)
    html = text_of(body) or ""
    plain = isinstance(body, dict) and body.get("@type") == "text"
    text = (html if plain else html_to_text(html)) or None
    return Message(
        platform="web",
        id=mid,
        created_at=to_utc(created),
        text=text,
        author=author,
        kind=kind,
        url=url,
        title=title if kind == "post" else None,
        parent_id=parent_id,
        root_id=root_id,
        replies=to_int(replies),
        mentions=mentions_in(text),
        hashtags=hashtags_in(text),
        links=[] if plain else links_in(html),
        raw=dict(data),
    )


def _author(name: str | None, uri: str | None = None) -> Author | None:
    if name:
        return Author(platform="web", id=name, name=name, url=uri)
    if uri:
        return Author(platform="web", id=uri, url=uri)
    return None


def _item(data: Mapping[str, Any]) -> Message:
    link = text_of(data.get("link"))
    mid = text_of(data.get("guid")) or link
    if not mid:
        raise RecordError("item without guid or link")
    name = text_of(data.get("dc:creator"))
    author = _author(name)
    if author is None and (written := text_of(data.get("author"))):
        m = _RSS_AUTHOR.match(written)
        if m:  # "email (Name)": keep the name, never the email
            author = _author(m.group(2).strip())
        elif "@" in written and (aid := guest_id(written, None)):
            author = Author(platform="web", id=aid)
        else:
            author = _author(written)
    body = data.get("content:encoded") or data.get("description")
    return _message(
        mid,
        text_of(data.get("pubDate")) or text_of(data.get("dc:date")),
        author,
        text_of(data.get("title")),
        link,
        body,
        text_of(data.get("slash:comments")),
        None,
        data,
    )


def _links(data: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    found = data.get("link")
    items = found if isinstance(found, list) else [found]
    return [x for x in items if isinstance(x, dict)]


def _entry(data: Mapping[str, Any], ctx: Mapping[str, Any]) -> Message:
    mid = text_of(data.get("id"))
    if not mid:
        raise RecordError("entry without id")
    links = _links(data)
    url = next((x.get("@href") for x in links if x.get("@rel", "alternate") == "alternate"), None)
    replies = text_of(data.get("thr:total")) or next(
        (x.get("@thr:count") for x in links if x.get("@rel") == "replies"), None
    )
    a = data.get("author")
    a = a[0] if isinstance(a, list) and a else a
    if isinstance(a, dict):
        author = _author(text_of(a.get("name")), text_of(a.get("uri")))
    else:
        author = _author(ctx.get("feed_author"))
    ref = data.get("thr:in-reply-to")
    ref = ref[0] if isinstance(ref, list) and ref else ref
    ref_id = ref.get("@ref") if isinstance(ref, dict) else None
    return _message(
        mid,
        text_of(data.get("published")) or text_of(data.get("updated")),
        author,
        text_of(data.get("title")),
        url,
        data.get("content") or data.get("summary"),
        replies,
        ref_id,
        data,
    )


SOURCE = FeedSource()
