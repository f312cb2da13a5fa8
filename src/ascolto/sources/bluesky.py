"""Bluesky: Jetstream events (JSONL) and AppView JSON (postView, getPostThread, getPosts, feeds).

Message id = the post's ``at://DID/app.bsky.feed.post/RKEY`` URI; author id = the DID (the
handle, when AppView gives it, is the author's handle), so ``--owner bluesky:DID`` or
``--owner bluesky:HANDLE`` after an AppView import. Root and parent come straight from the
record's ``reply.root``/``reply.parent`` strong refs; ``parent_author_id`` is the DID inside the
parent URI, so owner replies are known even when the parent was never collected.

Time: ``created_at`` is the record's ``createdAt`` (when the author posted; imported or
backdated posts keep their date), unless it is missing, unreadable or more than ten minutes
after the time the relay (``time_us``) or the AppView (``indexedAt``) saw the post: a clock
cannot post from the future, so the observed time is used then.

Jetstream: post creates (and updates) are messages; a repost is a ``share`` message (id = the
repost record's URI, ``shared_id`` = its subject); likes, follows, blocks and other records,
deletes, and identity/account events are skipped on purpose. Jetstream has no counts; AppView
``likeCount``/``repostCount``/``replyCount``/``quoteCount`` are kept. AppView responses also
yield the posts they embed: thread parents and replies, feed reply roots and parents, quoted
posts, and feed reposts (``reasonRepost`` with a ``uri``) as shares.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

from ascolto.errors import RecordError
from ascolto.models import Author, Message
from ascolto.sources.base import Bad, Options, RawRecord, Source
from ascolto.sources.fields import to_int, to_utc
from ascolto.sources.files import jsonl_lines, load_json, looks_like_jsonl

_EMPTY: Mapping[str, Any] = {}
_POST = "app.bsky.feed.post"
_REPOST = "app.bsky.feed.repost"
#: How far a claimed ``createdAt`` may run ahead of the observed time (clock skew).
_SKEW = timedelta(minutes=10)
_MENTION = "app.bsky.richtext.facet#mention"
_LINK = "app.bsky.richtext.facet#link"
_TAG = "app.bsky.richtext.facet#tag"


def did_of(uri: Any) -> str | None:
    """The authority (DID) of an ``at://`` URI."""
    if not isinstance(uri, str) or not uri.startswith("at://"):
        return None
    return uri[5:].split("/", 1)[0] or None


def bluesky_author(profile: Mapping[str, Any]) -> Author:
    """An AppView profile view (basic or detailed) as an ``Author``."""
    did = profile.get("did")
    if not isinstance(did, str) or not did:
        raise RecordError("author without did")
    handle = profile.get("handle")
    if handle == "handle.invalid":
        handle = None
    created = profile.get("createdAt")
    return Author(
        platform="bluesky",
        id=did,
        handle=handle,
        name=profile.get("displayName") or None,
        followers=to_int(profile.get("followersCount")),
        following=to_int(profile.get("followsCount")),
        posts_count=to_int(profile.get("postsCount")),
        created_at=to_utc(created) if created else None,
        description=profile.get("description") or None,
        url=f"https://bsky.app/profile/{handle or did}",
    )


class BlueskySource(Source):
    name = "bluesky"
    platform = "bluesky"
    description = "Bluesky Jetstream events (JSONL) and AppView JSON (threads, posts, feeds)"
    examples = (
        "formats/bluesky/jetstream_events.sample.jsonl",
        "tests/fixtures/bluesky/getPostThread.json",
        "tests/fixtures/bluesky/getPosts.json",
        "tests/fixtures/bluesky/getAuthorFeed.json",
        "tests/fixtures/bluesky/postView.json",
    )

    def detect(self, path: Path, head: str) -> float:
        start = head.lstrip()
        if start[:1] not in ("{", "["):
            return 0.0
        first = start.split("\n", 1)[0]
        if '"did"' in first and '"time_us"' in first and '"kind"' in first:
            return 0.95
        if '"at://did:' in head and '"indexedAt"' in head and '"record"' in head:
            return 0.9
        return 0.0

    def read(self, path: Path, options: Options) -> Iterator[RawRecord | Bad]:
        if looks_like_jsonl(path):
            for item in jsonl_lines(path):
                if isinstance(item, Bad):
                    yield item
                    continue
                n, line, obj = item
                if isinstance(obj, dict) and "did" in obj and "kind" in obj:
                    yield RawRecord(obj, f"line {n}", {"type": "jetstream"}, text=line)
                else:
                    yield from _appview(obj, f"line {n} ")
            return
        try:
            obj = load_json(path)
        except orjson.JSONDecodeError as e:
            yield Bad("file", f"invalid JSON: {e}")
            return
        if isinstance(obj, dict) and "did" in obj and "kind" in obj:
            yield RawRecord(obj, "event", {"type": "jetstream"})
        else:
            yield from _appview(obj, "")

    def normalise(self, raw: RawRecord) -> Message | None:
        kind = raw.context.get("type")
        raw_value = raw.text if raw.text is not None else raw.data
        if kind == "jetstream":
            return _jetstream(raw.data, raw_value)
        if kind == "repost":
            return _feed_repost(raw.data)
        return _post_view(raw.data, raw_value)


def _appview(obj: Any, prefix: str) -> Iterator[RawRecord | Bad]:
    """The posts of an AppView response: thread, posts, feed, a postView or a list of them."""
    post, repost = {"type": "post"}, {"type": "repost"}
    items: list[tuple[Any, str, Mapping[str, Any]]]
    if isinstance(obj, list):
        items = [(p, f"{prefix}[{i}]", post) for i, p in enumerate(obj)]
    elif isinstance(obj, dict) and "thread" in obj:
        items = [(p, loc, post) for p, loc in _thread(obj["thread"], f"{prefix}thread")]
    elif isinstance(obj, dict) and isinstance(obj.get("posts"), list):
        items = [(p, f"{prefix}posts[{i}]", post) for i, p in enumerate(obj["posts"])]
    elif isinstance(obj, dict) and isinstance(obj.get("feed"), list):
        items = []
        for i, entry in enumerate(obj["feed"]):
            loc = f"{prefix}feed[{i}]"
            if not isinstance(entry, dict):
                items.append((entry, loc, post))
                continue
            items.append((entry.get("post"), f"{loc}.post", post))
            reply = entry.get("reply") or _EMPTY
            for role in ("root", "parent"):
                if _is_post_view(reply.get(role)):
                    items.append((reply[role], f"{loc}.reply.{role}", post))
            reason = entry.get("reason") or _EMPTY
            if reason.get("$type", "").endswith("#reasonRepost") and reason.get("uri"):
                items.append((entry, f"{loc}.reason", repost))
    elif isinstance(obj, dict) and "uri" in obj:
        items = [(obj, prefix.strip() or "post", post)]
    else:
        yield Bad(
            prefix.strip() or "file",
            "not a Jetstream event or AppView response",
            orjson.dumps(obj)[:500].decode(errors="replace"),
        )
        return
    for view, loc, context in items:
        if not isinstance(view, dict):
            yield Bad(loc, "post is not a JSON object", str(view)[:500])
            continue
        yield RawRecord(view, loc, context)
        if context is post:
            for quoted, qloc in _quoted_views(view, loc):
                yield RawRecord(quoted, qloc, post)


def _thread(node: Any, location: str) -> Iterator[tuple[Any, str]]:
    """Posts of a threadViewPost: the node, its parents upward, its replies downward.

    Not-found and blocked posts have no content and are left out. A stack, not recursion:
    ``getPostThread`` allows a depth of 1000.
    """
    stack: list[tuple[Any, str, bool, bool]] = [(node, location, True, True)]
    while stack:
        n, loc, up, down = stack.pop()
        if not isinstance(n, dict) or "post" not in n:
            continue  # notFoundPost, blockedPost
        yield n["post"], f"{loc}.post"
        if up and n.get("parent") is not None:
            stack.append((n["parent"], f"{loc}.parent", True, False))
        if down:
            for i, child in reversed(list(enumerate(n.get("replies") or ()))):
                stack.append((child, f"{loc}.replies[{i}]", False, True))


def _is_post_view(v: Any) -> bool:
    return isinstance(v, dict) and "uri" in v and "author" in v and "record" in v


def _quoted_views(view: Mapping[str, Any], location: str) -> Iterator[tuple[Any, str]]:
    """The quoted post of an ``embed.record#view`` (or inside ``recordWithMedia#view``)."""
    embed = view.get("embed") or _EMPTY
    record, location = embed.get("record") or _EMPTY, f"{location}.embed.record"
    if embed.get("$type", "").startswith("app.bsky.embed.recordWithMedia"):
        record, location = record.get("record") or _EMPTY, f"{location}.record"
    if record.get("$type") == "app.bsky.embed.record#viewRecord" and f"/{_POST}/" in str(
        record.get("uri")
    ):
        yield record, location


def _jetstream(e: Any, raw: Any) -> Message | None:
    if not isinstance(e, dict):
        raise RecordError("event is not a JSON object")
    if e.get("kind") != "commit":
        return None  # identity and account events
    commit = e.get("commit")
    if not isinstance(commit, dict):
        raise RecordError("commit event without commit")
    if commit.get("operation") not in ("create", "update"):
        return None  # deletes carry no record
    collection = commit.get("collection")
    if collection not in (_POST, _REPOST):
        return None  # likes, follows, blocks, profiles...: not messages
    did, rkey, record = e.get("did"), commit.get("rkey"), commit.get("record")
    if not did or not rkey or not isinstance(record, dict):
        raise RecordError("commit without did, rkey or record")
    uri = f"at://{did}/{collection}/{rkey}"
    seen = to_utc(e["time_us"]) if e.get("time_us") else None
    author = Author(platform="bluesky", id=did, url=f"https://bsky.app/profile/{did}")
    if collection == _REPOST:
        subject = (record.get("subject") or _EMPTY).get("uri")
        if not subject:
            raise RecordError("repost without subject")
        return Message(
            platform="bluesky",
            id=uri,
            created_at=_posted_at(record, seen),
            author=author,
            kind="share",
            shared_id=subject,
            shared_author_id=did_of(subject),
            raw=raw,
        )
    return _post(uri, author, record, seen, _EMPTY, raw)


def _post_view(view: Any, raw: Any) -> Message:
    if not isinstance(view, dict):
        raise RecordError("post view is not a JSON object")
    uri = view.get("uri")
    record = view.get("record") or view.get("value")  # viewRecord (quoted) uses ``value``
    if not isinstance(uri, str) or not isinstance(record, dict):
        raise RecordError("post view without uri or record")
    profile = view.get("author")
    author = bluesky_author(profile) if isinstance(profile, dict) else None
    seen = to_utc(view["indexedAt"]) if view.get("indexedAt") else None
    return _post(uri, author, record, seen, view, raw)


def _feed_repost(entry: Mapping[str, Any]) -> Message:
    reason, post = entry["reason"], entry.get("post") or _EMPTY
    by = reason.get("by")
    if not isinstance(by, dict) or not reason.get("indexedAt"):
        raise RecordError("reasonRepost without by or indexedAt")
    shared = post.get("uri")
    return Message(
        platform="bluesky",
        id=str(reason["uri"]),
        created_at=to_utc(reason["indexedAt"]),
        author=bluesky_author(by),
        kind="share",
        shared_id=shared,
        shared_author_id=(post.get("author") or _EMPTY).get("did") or did_of(shared),
        raw=entry,
    )


def _post(
    uri: str,
    author: Author | None,
    record: Mapping[str, Any],
    seen: datetime | None,
    counts: Mapping[str, Any],
    raw: Any,
) -> Message:
    did = did_of(uri)
    text = record.get("text")
    reply = record.get("reply") or _EMPTY
    parent = (reply.get("parent") or _EMPTY).get("uri")
    root = (reply.get("root") or _EMPTY).get("uri")
    quoted = _quoted_uri(record.get("embed") or _EMPTY)
    mentions, links, tags = _facets(record, text)
    langs = record.get("langs")
    return Message(
        platform="bluesky",
        id=uri,
        created_at=_posted_at(record, seen),
        text=text,
        author=author,
        kind="reply" if parent else "quote" if quoted else "post",
        lang=langs[0] if isinstance(langs, list) and langs else None,
        url=f"https://bsky.app/profile/{did}/post/{uri.rsplit('/', 1)[-1]}",
        parent_id=parent,
        root_id=root if root and root != uri else None,
        parent_author_id=did_of(parent),
        quoted_id=quoted,
        quoted_author_id=did_of(quoted),
        likes=to_int(counts.get("likeCount")),
        shares=to_int(counts.get("repostCount")),
        replies=to_int(counts.get("replyCount")),
        quotes=to_int(counts.get("quoteCount")),
        mentions=mentions,
        hashtags=tags,
        links=links,
        raw=raw,
    )


def _posted_at(record: Mapping[str, Any], seen: datetime | None) -> datetime:
    claimed = record.get("createdAt")
    if claimed:
        try:
            at = to_utc(claimed)
        except (RecordError, ValueError, OverflowError):
            at = None
        if at is not None and (seen is None or at <= seen + _SKEW):
            return at
    if seen is None:
        raise RecordError(f"record without a readable createdAt: {claimed!r}")
    return seen


def _quoted_uri(embed: Mapping[str, Any]) -> str | None:
    kind = embed.get("$type", "")
    ref = embed.get("record") or _EMPTY
    if kind == "app.bsky.embed.recordWithMedia":
        ref = ref.get("record") or _EMPTY
    elif kind != "app.bsky.embed.record":
        return None
    uri = ref.get("uri")
    return uri if isinstance(uri, str) and f"/{_POST}/" in uri else None


def _facets(record: Mapping[str, Any], text: Any) -> tuple[list[str], list[str], list[str]]:
    """Mentioned handles, links and hashtags from the rich-text facets, tags and embeds.

    A mention facet names a DID; the handle is the text it annotates (UTF-8 byte offsets).
    """
    mentions: list[str] = []
    links: list[str] = []
    tags: list[str] = [str(t).removeprefix("#").lower() for t in record.get("tags") or ()]
    data: bytes | None = None
    for facet in record.get("facets") or ():
        if not isinstance(facet, dict):
            continue
        for feature in facet.get("features") or ():
            kind = feature.get("$type") if isinstance(feature, dict) else None
            if kind == _MENTION and isinstance(text, str):
                if data is None:
                    data = text.encode("utf-8")
                index = facet.get("index") or _EMPTY
                start, end = to_int(index.get("byteStart")), to_int(index.get("byteEnd"))
                if start is not None and end is not None:
                    handle = data[start:end].decode("utf-8", errors="ignore")
                    if handle.removeprefix("@"):
                        mentions.append(handle.removeprefix("@").lower())
            elif kind == _LINK and feature.get("uri"):
                links.append(str(feature["uri"]))
            elif kind == _TAG and feature.get("tag"):
                tags.append(str(feature["tag"]).removeprefix("#").lower())
    embed = record.get("embed") or _EMPTY
    if "recordWithMedia" in embed.get("$type", ""):
        embed = embed.get("media") or _EMPTY
    external = (embed.get("external") or _EMPTY).get("uri")
    if external:
        links.append(str(external))
    return (list(dict.fromkeys(mentions)), list(dict.fromkeys(links)), list(dict.fromkeys(tags)))


SOURCE = BlueskySource()
