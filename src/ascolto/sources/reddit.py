"""Reddit API thread JSON (``/comments/{id}.json``): the post and its nested comment tree.

A thread response is ``[Listing(t3 post), Listing(t1 comments)]``; each comment's ``replies`` is
``""`` or a nested Listing. Single Listings (``/r/sub/new.json``, ``/user/x/comments.json``) are
read too. ``kind: "more"`` stubs are ids still to fetch, not messages: they are yielded and
skipped on purpose (the import counts them as skipped, not quarantined).

Ids are Reddit fullnames (``t3_9ka1hp``, ``t1_e6xucdd``) because ``parent_id`` and ``link_id``
are fullnames; the Pushshift importer builds the same ids, so API and dump records of one
comment merge in the store. The root is ``link_id``. Authors are identified by user name
(``author_fullname`` is missing before ~2017, names never change), so ``--owner reddit:NAME``
marks a brand account; ``[deleted]`` authors are unknown (``author=None``). ``is_submitter`` and
``distinguished`` stay in ``raw``: being the post's author (OP) does not make one the brand.

Each comment's ``raw`` is its ``data`` object without ``replies``: the subtree is stored as its
own messages, and keeping it would store a deep thread once per level.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson

from ascolto.errors import RecordError
from ascolto.models import Author, Message
from ascolto.sources.base import Bad, Options, RawRecord, Source
from ascolto.sources.fields import hashtags_in, links_in, to_int, to_utc
from ascolto.sources.files import load_json

BASE_URL = "https://www.reddit.com"
#: Authors and bodies Reddit writes in place of what was deleted or removed.
DELETED = frozenset({"[deleted]", "[removed]", "[ Removed by Reddit ]"})
#: ``u/name`` and ``/u/name`` mentions (Reddit user names: 3-20 of letters, digits, _ and -).
_USER_MENTION = re.compile(r"(?<![\w/])/?u/([A-Za-z0-9_-]{3,20})\b")
_LISTING = re.compile(r'"kind"\s*:\s*"Listing"')
_THING = re.compile(r'"kind"\s*:\s*"t[13]"')
_MESSAGE_KINDS = ("t1", "t3")


def reddit_author(data: Mapping[str, Any]) -> Author | None:
    """The author of a comment or submission; ``None`` for ``[deleted]``/``[removed]``."""
    name = data.get("author")
    if not name or name in DELETED:
        return None
    created = data.get("author_created_utc")
    return Author(
        platform="reddit",
        id=name,
        handle=name,
        created_at=to_utc(created) if created else None,
        url=f"{BASE_URL}/user/{name}",
    )


def _text(value: Any) -> str | None:
    if not value or value in DELETED:
        return None
    return str(value)


def _mentions(text: str | None) -> list[str]:
    if not text:
        return []
    return list(dict.fromkeys(m.lower() for m in _USER_MENTION.findall(text)))


def _bare(fullname: str) -> str:
    return fullname.partition("_")[2] or fullname


def reddit_message(data: Mapping[str, Any], raw: Any, parent_author: str | None = None) -> Message:
    """A comment (t1) or submission (t3) ``data`` object: the API and the dumps share fields.

    Comments are told from submissions by ``parent_id``/``link_id``, which only comments have.
    ``raw`` is kept as the message's original record; ``parent_author`` is the parent's author
    name when the caller knows it (the API tree).
    """
    if "created_utc" not in data:
        raise RecordError("reddit record without created_utc")
    bare = data.get("id") or _bare(str(data.get("name") or ""))
    if not bare:
        raise RecordError("reddit record without id or name")
    bare = str(bare)
    if "parent_id" in data and "link_id" in data:
        return _comment(data, bare, raw, parent_author)
    if "title" in data:
        return _submission(data, bare, raw)
    raise RecordError("neither a comment (parent_id, link_id) nor a submission (title)")


def _comment(data: Mapping[str, Any], bare: str, raw: Any, parent_author: str | None) -> Message:
    parent = str(data["parent_id"])
    link = str(data["link_id"])
    body = _text(data.get("body"))
    permalink = data.get("permalink")
    if permalink:
        url = BASE_URL + permalink
    else:
        sub = data.get("subreddit")
        prefix = f"{BASE_URL}/r/{sub}" if sub else BASE_URL
        url = f"{prefix}/comments/{_bare(link)}/_/{bare}/"
    return Message(
        platform="reddit",
        id=f"t1_{bare}",
        created_at=to_utc(data["created_utc"]),
        text=body,
        author=reddit_author(data),
        kind="reply" if parent.startswith("t1_") else "comment",
        url=url,
        parent_id=parent,
        root_id=link,
        parent_author_id=parent_author if parent_author not in DELETED else None,
        likes=to_int(data.get("ups")),
        score=to_int(data.get("score")),
        mentions=_mentions(body),
        hashtags=hashtags_in(body),
        links=links_in(body),
        raw=raw,
    )


def _submission(data: Mapping[str, Any], bare: str, raw: Any) -> Message:
    fullname = f"t3_{bare}"
    text = _text(data.get("selftext"))
    links = links_in(text)
    target = data.get("url")
    if target and not data.get("is_self"):
        target = BASE_URL + target if target.startswith("/") else str(target)
        if target not in links:
            links.append(target)
    permalink = data.get("permalink")
    shared = data.get("crosspost_parent")
    shared_author = None
    if shared:
        originals = data.get("crosspost_parent_list") or ()
        if originals and originals[0].get("author") not in DELETED:
            shared_author = originals[0].get("author")
    return Message(
        platform="reddit",
        id=fullname,
        created_at=to_utc(data["created_utc"]),
        text=text,
        author=reddit_author(data),
        kind="share" if shared else "post",
        url=BASE_URL + permalink if permalink else f"{BASE_URL}/comments/{bare}/",
        title=data.get("title"),
        root_id=fullname,
        shared_id=str(shared) if shared else None,
        shared_author_id=shared_author,
        likes=to_int(data.get("ups")),
        shares=to_int(data.get("num_crossposts")),
        replies=to_int(data.get("num_comments")),
        score=to_int(data.get("score")),
        mentions=_mentions(text),
        hashtags=hashtags_in(text),
        links=links,
        raw=raw,
    )


class RedditSource(Source):
    name = "reddit"
    platform = "reddit"
    description = "Reddit API thread JSON (/comments/ID.json: post and nested comments; Listings)"
    examples = (
        "formats/reddit/praw_cassette_comments_2gmzqe.json",
        "formats/reddit/praw_cassette_comments_57dw9a_context.json",
    )

    def detect(self, path: Path, head: str) -> float:
        start = head.lstrip()[:1]
        if start not in ("[", "{") or not _LISTING.search(head):
            return 0.0
        if not _THING.search(head):
            return 0.3
        return 0.95 if start == "[" else 0.9

    def read(self, path: Path, options: Options) -> Iterator[RawRecord | Bad]:
        try:
            doc = load_json(path)
        except orjson.JSONDecodeError as e:
            yield Bad("file", f"invalid JSON: {e}")
            return
        listings = doc if isinstance(doc, list) else [doc]
        authors: dict[str, str] = {}  # fullname -> author name, for parent_author_id
        for i, listing in enumerate(listings):
            where = f"[{i}]" if isinstance(doc, list) else "$"
            children = _children(listing)
            if children is None:
                yield Bad(
                    where,
                    "not a reddit Listing",
                    orjson.dumps(listing)[:500].decode("utf-8", errors="replace"),
                )
                continue
            yield from _walk(children, where, authors)

    def normalise(self, raw: RawRecord) -> Message | None:
        if raw.context.get("kind") not in _MESSAGE_KINDS:
            return None  # a `more` stub (ids still to fetch) or a non-message thing
        data = raw.data
        if not isinstance(data, dict):
            raise RecordError("reddit thing without a data object")
        return reddit_message(data, data, raw.context.get("parent_author"))


def _children(listing: Any) -> list[Any] | None:
    if not isinstance(listing, dict) or listing.get("kind") != "Listing":
        return None
    children = (listing.get("data") or {}).get("children")
    return children if isinstance(children, list) else None


def _walk(children: list[Any], where: str, authors: dict[str, str]) -> Iterator[RawRecord | Bad]:
    """Depth-first over a comment tree without recursion (threads nest deeper than 10)."""
    stack = [
        (thing, f"{where}.data.children[{j}]") for j, thing in reversed(list(enumerate(children)))
    ]
    while stack:
        thing, location = stack.pop()
        if not isinstance(thing, dict) or not isinstance(thing.get("data"), dict):
            yield Bad(location, "reddit thing without kind and data", str(thing)[:500])
            continue
        kind, data = thing.get("kind"), thing["data"]
        if kind not in _MESSAGE_KINDS:
            yield RawRecord(data, location, {"kind": kind})
            continue
        replies = data.get("replies")
        record = {k: v for k, v in data.items() if k != "replies"}
        name = data.get("name") or (f"{kind}_{data['id']}" if data.get("id") else None)
        if name and data.get("author"):
            authors[name] = data["author"]
        context = {"kind": kind, "parent_author": authors.get(str(data.get("parent_id")))}
        yield RawRecord(record, location, context)
        nested = _children(replies)
        if nested:
            stack.extend(
                (child, f"{location}.data.replies.data.children[{j}]")
                for j, child in reversed(list(enumerate(nested)))
            )


SOURCE = RedditSource()
