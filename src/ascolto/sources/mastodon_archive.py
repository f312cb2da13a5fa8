"""Mastodon account export ("Export your data"): ``outbox.json`` with ``actor.json`` beside it.

The outbox is an ActivityPub ``OrderedCollection``: ``Create`` activities embed the Note (or
Question, for polls) and become posts or replies; ``Announce`` activities are boosts, kind
``share`` with ``shared_id`` the boosted status's uri. Ids and authors match the REST and
streaming sources (see ``mastodon``): message id = the object ``id`` (the status uri), author
id = ``user@domain`` lower-case, taken from ``actor.json`` (``preferredUsername`` at the host of
the actor id; a sibling ``*actor.json`` when renamed) for the account owner, so
``--owner mastodon:user@domain`` marks the owner.
Other accounts (parents' and boosted authors) are known only by actor or status URI; their
``user@domain`` is derived from the ``/users/NAME`` path Mastodon, Pleroma and GoToSocial use.

The export can be given as downloaded (a zip, or a tar.gz from older servers) or unpacked.
Real exports repeat the ``orderedItems`` key (``"orderedItems":[],"orderedItems":[...]``): JSON
parsers keep only one of the two, so the collection is scanned key by key and the items of every
``orderedItems`` array are read. The scan also streams: one item in memory at a time beside the
text. The outbox carries no like or boost counts (only ``likes``/``shares`` collections with
``totalItems`` on some servers, used when present).
"""

from __future__ import annotations

import json
import re
import tarfile
import zipfile
from collections.abc import Generator, Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson

from ascolto.errors import RecordError
from ascolto.models import Author, Message
from ascolto.sources.base import Bad, Options, RawRecord, Source
from ascolto.sources.fields import html_to_text, links_in, to_int, to_utc
from ascolto.sources.files import open_binary

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
_NOTE_TYPES = frozenset({"Note", "Question", "Article", "Page"})
#: ``/users/NAME`` (Mastodon, Pleroma, GoToSocial) or ``/@NAME`` (profile urls).
_ACTOR_PATH = re.compile(r"^/(?:users/|@)([^/@]+)")


def handle_from_uri(uri: Any) -> str | None:
    """``name@host`` from an actor or status URI of the usual shapes; ``None`` otherwise."""
    if not isinstance(uri, str):
        return None
    parts = urlsplit(uri)
    m = _ACTOR_PATH.match(parts.path)
    if not m or not parts.hostname:
        return None
    return f"{m.group(1)}@{parts.hostname}"


def actor_author(actor: Mapping[str, Any]) -> Author:
    """The archive owner (``actor.json``) as an ``Author``."""
    host = urlsplit(actor.get("id") or "").hostname
    name = actor.get("preferredUsername")
    if not host or not name:
        raise RecordError("actor.json without id or preferredUsername")
    handle = f"{name}@{host}"
    published = actor.get("published")
    return Author(
        platform="mastodon",
        id=handle.lower(),
        handle=handle,
        name=actor.get("name") or name,
        created_at=to_utc(published) if published else None,
        description=html_to_text(actor.get("summary")) or None,
        url=actor.get("url") or actor.get("id"),
    )


class MastodonArchiveSource(Source):
    name = "mastodon_archive"
    platform = "mastodon"
    description = "Mastodon account export: ActivityPub outbox.json (with actor.json beside it)"
    examples = ("formats/mastodon/archive_outbox.excerpt.json",)

    def detect(self, path: Path, head: str) -> float:
        if head.startswith("PK\x03\x04") or head[257:262] == "ustar":
            # The export as downloaded: a zip (Mastodon 4) or tar.gz (older) with outbox.json.
            return 0.9 if "outbox.json" in head else 0.0
        if not head.lstrip().startswith("{") or "activitystreams" not in head:
            return 0.0
        if (
            '"OrderedCollection' in head
            and '"orderedItems"' in head
            and ('"Create"' in head or '"Announce"' in head)
        ):
            return 0.95
        return 0.0

    def read(self, path: Path, options: Options) -> Iterator[RawRecord | Bad]:
        with open_binary(path) as f:
            magic = f.read(262)
        if magic.startswith(b"PK\x03\x04"):
            outbox, actor = _from_zip(path)
        elif magic[257:262] == b"ustar":
            outbox, actor = _from_tar(path)
        else:
            with open_binary(path) as f:
                outbox = f.read()
            actor_path = _actor_file(path)
            actor = actor_path.read_bytes() if actor_path is not None else None
        if outbox is None:
            yield Bad("file", "no outbox.json in this archive")
            return
        context: dict[str, Any] = {}
        if actor is not None:
            try:
                actor_obj = orjson.loads(actor)
                context["author"] = actor_author(actor_obj)
                context["actor_id"] = actor_obj.get("id")
            except (orjson.JSONDecodeError, RecordError, AttributeError) as e:
                yield Bad("actor.json", f"unreadable actor.json: {e}")
        for item in _ordered_items(outbox.decode("utf-8-sig", errors="replace")):
            if isinstance(item, Bad):
                yield item
            else:
                location, activity = item
                yield RawRecord(activity, location, context)

    def normalise(self, raw: RawRecord) -> Message | None:
        a = raw.data
        if not isinstance(a, dict):
            raise RecordError("activity is not a JSON object")
        kind = a.get("type")
        if kind == "Announce":
            return _announce(a, raw.context)
        if kind != "Create":
            return None  # Update, Delete, Like...: no message of their own
        obj = a.get("object")
        if not isinstance(obj, dict):
            raise RecordError("Create without an embedded object")
        if obj.get("type") not in _NOTE_TYPES:
            return None
        return _note(a, obj, raw.context)


def _from_zip(path: Path) -> tuple[bytes | None, bytes | None]:
    """``outbox.json`` and ``actor.json`` of a zip export (in any folder of it)."""
    with open_binary(path) as f, zipfile.ZipFile(f) as z:
        names = {n.rsplit("/", 1)[-1]: n for n in z.namelist()}
        outbox = z.read(names["outbox.json"]) if "outbox.json" in names else None
        actor = z.read(names["actor.json"]) if "actor.json" in names else None
    return outbox, actor


def _from_tar(path: Path) -> tuple[bytes | None, bytes | None]:
    """The same from a (gzipped) tar export, read as a stream: ``actor.json`` comes last."""
    found: dict[str, bytes] = {}
    with open_binary(path) as f, tarfile.open(fileobj=f, mode="r|") as tar:
        for member in tar:
            name = member.name.rsplit("/", 1)[-1]
            if name in ("outbox.json", "actor.json") and member.isfile():
                data = tar.extractfile(member)
                if data is not None:
                    found[name] = data.read()
    return found.get("outbox.json"), found.get("actor.json")


def _actor_file(outbox: Path) -> Path | None:
    """``actor.json`` beside the outbox, or one renamed alike (``archive_actor.json``)."""
    exact = outbox.with_name("actor.json")
    if exact.exists():
        return exact
    return next(iter(sorted(outbox.parent.glob("*actor.json"))), None)


def _announce(a: Mapping[str, Any], context: Mapping[str, Any]) -> Message:
    obj = a.get("object")
    shared = obj.get("id") if isinstance(obj, dict) else obj
    if not isinstance(shared, str) or not a.get("id"):
        raise RecordError("Announce without id or object")
    if not a.get("published"):
        raise RecordError("Announce without published")
    return Message(
        platform="mastodon",
        id=str(a["id"]),
        created_at=to_utc(a["published"]),
        author=_author(a.get("actor"), context),
        kind="share",
        shared_id=shared,
        shared_author_id=_handle_id(obj.get("attributedTo") if isinstance(obj, dict) else None)
        or _handle_id(shared),
        raw=a,
    )


def _note(a: Mapping[str, Any], obj: Mapping[str, Any], context: Mapping[str, Any]) -> Message:
    oid = obj.get("id")
    if not isinstance(oid, str) or not oid:
        raise RecordError("Note without id")
    published = obj.get("published") or a.get("published")
    if not published:
        raise RecordError("Note without published")
    parent = obj.get("inReplyTo")
    if isinstance(parent, dict):
        parent = parent.get("id")
    quoted = next(
        (
            obj[k]
            for k in ("quote", "quoteUri", "_misskey_quote", "quoteUrl")
            if isinstance(obj.get(k), str)
        ),
        None,
    )
    tags = [t for t in obj.get("tag") or () if isinstance(t, dict)]
    text = html_to_text(obj.get("content"))
    content_map = obj.get("contentMap")
    likes, shares = obj.get("likes"), obj.get("shares")
    return Message(
        platform="mastodon",
        id=oid,
        created_at=to_utc(published),
        text=text,
        author=_author(obj.get("attributedTo") or a.get("actor"), context),
        kind="reply" if parent else "quote" if quoted else "post",
        lang=next(iter(content_map), None) if isinstance(content_map, dict) else None,
        url=obj.get("url") if isinstance(obj.get("url"), str) else oid,
        title=obj.get("summary") or None,
        parent_id=parent or None,
        parent_author_id=_handle_id(parent) if parent else None,
        quoted_id=quoted,
        quoted_author_id=_handle_id(quoted) if quoted else None,
        likes=to_int(likes.get("totalItems")) if isinstance(likes, dict) else None,
        shares=to_int(shares.get("totalItems")) if isinstance(shares, dict) else None,
        mentions=list(
            dict.fromkeys(m for t in tags if t.get("type") == "Mention" for m in [_mention(t)] if m)
        ),
        hashtags=list(
            dict.fromkeys(
                t["name"].removeprefix("#").lower()
                for t in tags
                if t.get("type") == "Hashtag" and t.get("name")
            )
        ),
        links=links_in(text),
        raw=a,
    )


def _author(actor: Any, context: Mapping[str, Any]) -> Author | None:
    if isinstance(actor, dict):
        actor = actor.get("id")
    owner: Author | None = context.get("author")
    if owner is not None and actor == context.get("actor_id"):
        return owner
    handle = handle_from_uri(actor)
    return (
        Author(platform="mastodon", id=handle.lower(), handle=handle, url=actor) if handle else None
    )


def _handle_id(uri: Any) -> str | None:
    handle = handle_from_uri(uri)
    return handle.lower() if handle else None


def _mention(tag: Mapping[str, Any]) -> str | None:
    # ``@user@domain`` for remote accounts, ``@user`` for local ones (domain from ``href``).
    name = str(tag.get("name") or "").removeprefix("@")
    if "@" in name:
        return name.lower()
    host = urlsplit(tag.get("href") or "").hostname
    return f"{name}@{host}".lower() if name and host else None


def _skip(text: str, pos: int) -> int:
    """The position of the next non-whitespace character."""
    m = _WS.match(text, pos)
    return m.end() if m else pos


def _ordered_items(text: str) -> Iterator[tuple[str, Any] | Bad]:
    """``(location, item)`` for the items of every ``orderedItems`` array of the collection.

    Scans the top-level object key by key with ``raw_decode`` instead of parsing it whole: a
    duplicated key keeps all its values, and only one item is decoded at a time.
    """
    pos = _skip(text, 0)
    if text[pos : pos + 1] != "{":
        yield Bad("file", "not a JSON object (an ActivityPub collection)", text[:200])
        return
    pos += 1
    seen = 0
    try:
        while True:
            pos = _skip(text, pos)
            if text[pos : pos + 1] == "}":
                return
            key, pos = _DECODER.raw_decode(text, pos)
            pos = _skip(text, pos)
            if text[pos : pos + 1] != ":":
                raise json.JSONDecodeError("expected ':'", text, pos)
            pos = _skip(text, pos + 1)
            if key == "orderedItems" and text[pos : pos + 1] == "[":
                seen += 1
                name = "orderedItems" if seen == 1 else f"orderedItems#{seen}"
                pos = yield from _array_items(text, pos + 1, name)
            else:
                _, pos = _DECODER.raw_decode(text, pos)
            pos = _skip(text, pos)
            if text[pos : pos + 1] == ",":
                pos += 1
            elif text[pos : pos + 1] != "}":
                raise json.JSONDecodeError("expected ',' or '}'", text, pos)
    except json.JSONDecodeError as e:
        yield Bad(
            f"char {e.pos}",
            f"invalid JSON ({e.msg}); the rest of the file is not read",
            text[e.pos : e.pos + 200],
        )


def _array_items(text: str, pos: int, name: str) -> Generator[tuple[str, Any], None, int]:
    """Yield the items of the array starting after its ``[``; return the position after ``]``."""
    i = 0
    while True:
        pos = _skip(text, pos)
        if text[pos : pos + 1] == "]":
            return pos + 1
        item, pos = _DECODER.raw_decode(text, pos)
        yield f"{name}[{i}]", item
        i += 1
        pos = _skip(text, pos)
        if text[pos : pos + 1] == ",":
            pos += 1
        elif text[pos : pos + 1] != "]":
            raise json.JSONDecodeError("expected ',' or ']'", text, pos)


SOURCE = MastodonArchiveSource()
