"""Disqus export XML: threads (the commented pages) and posts (the comments).

Every ``<thread>`` becomes a ``post`` message (id ``thread-DSQID``, with its page title and
link) so comments have a root to hang from; every ``<post>`` is a ``comment`` (parent = its
thread) or a ``reply`` (parent = ``<parent dsq:id>``); ids are Disqus's own ``dsq:id``, unique
across Disqus. Posts reference threads only by ``dsq:id``, and exports list threads first, so
the reader keeps each thread's link and title for the posts after it. Skipped on purpose:
posts and threads with ``isDeleted``/``isSpam`` true and empty ``<thread><id/></thread>`` stubs
(no date). A post whose thread is missing (an orphan) keeps its thread id as root.

Authors: registered users by ``username`` (so the site owner is ``--owner disqus:USERNAME``);
guests by ``guest-`` + a hash of their lower-cased email, or of their name when there is none
(as for WordPress comments: emails are never stored as ids, and two guests both called "John"
stay apart when their emails differ).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ascolto.errors import RecordError
from ascolto.models import Author, Message
from ascolto.sources.base import Bad, Options, RawRecord, Source
from ascolto.sources.fields import html_to_text, links_in, to_bool, to_utc
from ascolto.sources.wxr import guest_id
from ascolto.sources.xmlstream import Names, XmlError, XmlStream, fields, release, root_tag, text_of

_DISQUS = "http://disqus.com"
#: A record start: ``<post`` or a ``<thread`` that is not a self-closed reference in a post.
_RECORD = re.compile(rb"<post[\s>]|<thread(?:\s[^>]*[^/>])?\s*>")
_EMPTY: Mapping[str, Any] = {}


class DisqusSource(Source):
    name = "disqus"
    platform = "disqus"
    description = "Disqus comments export XML (threads and posts)"
    examples = ("formats/blog_comments/isso_disqus.xml",)

    def detect(self, path: Path, head: str) -> float:
        if root_tag(head) == "disqus" and "disqus.com" in head:
            return 0.97
        return 0.0

    def read(self, path: Path, options: Options) -> Iterator[RawRecord | Bad]:
        names = Names(main=_DISQUS)
        stream = XmlStream(path, ("{*}thread", "{*}post"), _RECORD)
        threads: dict[str, dict[str, str | None]] = {}
        counts = {"thread": 0, "post": 0}
        open_record: str | None = None
        for event in stream:
            if isinstance(event, XmlError):
                yield event.bad(open_record)
                open_record = None
                continue
            kind, el = event
            parent = el.getparent()
            if parent is None or parent.getparent() is not None:
                continue  # a <thread dsq:id/> reference inside a post
            tag = names(el.tag)
            if kind == "start":
                counts[tag] += 1
                open_record = f"<{tag}> {counts[tag]}"
                continue
            data = fields(el, names)
            location = f"<{tag}> {counts[tag]}, line {stream.line(el)}"
            release(el)
            open_record = None
            if tag == "thread":
                tid = data.get("@dsq:id")
                if tid:
                    threads[tid] = {
                        "link": text_of(data.get("link")),
                        "title": text_of(data.get("title")),
                    }
                yield RawRecord(data, location, {"record": "thread"})
            else:
                thread = threads.get(_ref(data, "thread") or "", _EMPTY)
                yield RawRecord(data, location, {"record": "post", "thread": thread})

    def normalise(self, raw: RawRecord) -> Message | None:
        data = raw.data
        if to_bool(text_of(data.get("isDeleted"))) or to_bool(text_of(data.get("isSpam"))):
            return None
        if raw.context.get("record") == "thread":
            return _thread(data)
        return _post(data, raw.context.get("thread", _EMPTY))


def _ref(data: Mapping[str, Any], key: str) -> str | None:
    """The ``dsq:id`` of a post's ``<thread dsq:id/>`` or ``<parent dsq:id/>`` reference."""
    ref = data.get(key)
    return ref.get("@dsq:id") if isinstance(ref, dict) else None


def _author(data: Mapping[str, Any]) -> Author | None:
    a = data.get("author")
    if not isinstance(a, dict):
        return None
    name = text_of(a.get("name"))
    username = text_of(a.get("username"))
    if username and not to_bool(text_of(a.get("isAnonymous"))):
        return Author(
            platform="disqus",
            id=username,
            handle=username,
            name=name,
            url=f"https://disqus.com/by/{username}/",
        )
    aid = guest_id(text_of(a.get("email")), name)
    return Author(platform="disqus", id=aid, name=name) if aid else None


def _thread(data: Mapping[str, Any]) -> Message | None:
    tid = data.get("@dsq:id")
    if not tid:
        raise RecordError("thread without dsq:id")
    created = text_of(data.get("createdAt"))
    if not created:
        return None  # an empty <thread><id/></thread> stub: nothing to import
    html = text_of(data.get("message")) or ""
    return Message(
        platform="disqus",
        id=f"thread-{tid}",
        created_at=to_utc(created),
        text=html_to_text(html) or None,
        author=_author(data),
        kind="post",
        url=text_of(data.get("link")),
        title=text_of(data.get("title")),
        links=links_in(html),
        raw=dict(data),
    )


def _post(data: Mapping[str, Any], thread: Mapping[str, Any]) -> Message:
    pid = data.get("@dsq:id")
    if not pid:
        raise RecordError("post without dsq:id")
    created = text_of(data.get("createdAt"))
    if not created:
        raise RecordError("post without createdAt")
    tid = _ref(data, "thread")
    if not tid:
        raise RecordError("post without <thread dsq:id>")
    root = f"thread-{tid}"
    parent_id = _ref(data, "parent")
    html = text_of(data.get("message")) or ""
    link = thread.get("link")
    return Message(
        platform="disqus",
        id=pid,
        created_at=to_utc(created),
        text=html_to_text(html) or None,
        author=_author(data),
        kind="reply" if parent_id else "comment",
        url=f"{link}#comment-{pid}" if link else None,
        title=None,
        parent_id=parent_id or root,
        root_id=root,
        links=links_in(html),
        raw=dict(data),
    )


SOURCE = DisqusSource()
