"""X/Twitter personal archive ("Download your data"): ``data/tweets.js`` and its part files.

The file is a JavaScript assignment, ``window.YTD.tweets.part0 = [ {"tweet": {...}}, ... ]``
(``window.YTD.tweet.part0`` in older archives, ``part1``… when split; 2019 archives have no
``tweet`` wrapper). Everything up to the first ``[`` is dropped and the rest parsed as JSON, never
evaluated. The whole part is parsed at once: it is one JSON array, and the archive owner can only
be inferred from the whole of it.

Records are legacy v1.1 tweets of the archive owner only, with no author object. The owner (the
author of every message) comes, most reliable first, from:

1. ``account.js`` beside the file (``accountId``, ``username``, ``accountDisplayName``);
2. ``--option account=ID_OR_HANDLE``; a handle is resolved to the numeric id through the
   archive's self-replies or mentions of it, and an unresolvable handle is an error, because
   ids must be the numeric ones twarc2 gives for the archives and API collections to merge;
3. inference: a reply whose parent tweet is itself in the archive is a self-reply (the archive
   holds only the owner's tweets), so its ``in_reply_to_user_id_str`` / ``screen_name`` are the
   owner's. The most recent such reply gives the current handle. The most frequent replied-to
   user is NOT used: people reply to one friend more than to themselves.

When none works the tweets are imported without author and one ``Bad`` record says so (so the
import summary shows it); re-importing with ``--option account=`` fills the authors in.

The owner is marked ``is_owned``: a brand imports its own archive. ``--owner x:HANDLE`` and
``--owner x:ACCOUNT_ID`` both match it. Ids are the tweet id strings twarc2 gives (``id_str``).
Retweets (``full_text`` starting ``RT @``; ``retweeted`` is always false in archives) keep no
counts of their own and have no ``shared_id`` (the archive does not give the original's id), only
``shared_author_id`` from the first user mention. A status link in ``entities.urls`` makes a
quote, as the API would report it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson

from ascolto.errors import BadOption, RecordError
from ascolto.models import Author, Message
from ascolto.sources.base import Bad, Options, RawRecord, Source
from ascolto.sources.fields import to_int, to_utc
from ascolto.sources.files import open_binary

_EMPTY: Mapping[str, Any] = {}
_PREFIX = re.compile(r"\s*window\.YTD\.(tweets?)\.part\d+\s*=\s*\[")
_ASSIGNMENT = re.compile(rb"^\s*(window\.YTD\.[\w.]+)\s*=\s*\[")
_RT = re.compile(r"RT @(\w+):?")
_STATUS_URL = re.compile(
    r"https?://(?:mobile\.|www\.)?(?:twitter|x)\.com/(\w+)/status(?:es)?/(\d+)"
)


def _load_ytd(path: Path) -> tuple[str, Any]:
    """``(variable name, parsed array)`` of a ``window.YTD.* = [...]`` file (or a bare array)."""
    with open_binary(path) as f:
        data = f.read()
    data = data.removeprefix(b"\xef\xbb\xbf")
    start = data.find(b"[")
    if start < 0:
        raise RecordError("no JSON array in the file (expected `window.YTD.tweets.part0 = [`)")
    m = _ASSIGNMENT.match(data[: start + 1])
    name = m.group(1).decode() if m else "tweets"
    return name, orjson.loads(data[start:])


def _tweet(record: Any) -> Mapping[str, Any] | None:
    """The tweet of an archive record: ``{"tweet": {...}}``, or the bare 2019 shape."""
    if not isinstance(record, dict):
        return None
    inner = record.get("tweet")
    if isinstance(inner, dict):
        return inner
    return record if "id_str" in record or "id" in record else None


def _tweet_id(t: Mapping[str, Any]) -> str | None:
    tid = t.get("id_str") or t.get("id")
    return str(tid) if tid is not None else None


def _account_js(folder: Path) -> dict[str, str] | None:
    """The owner from ``account.js`` beside the tweets, or None when absent or unreadable."""
    path = folder / "account.js"
    if not path.is_file():
        return None
    try:
        _, accounts = _load_ytd(path)
        account = accounts[0]["account"]
        owner = {
            "id": str(account["accountId"]),
            "handle": account.get("username"),
            "name": account.get("accountDisplayName"),
        }
    except (OSError, RecordError, orjson.JSONDecodeError, LookupError, TypeError):
        return None
    return {k: v for k, v in owner.items() if v}


def _users_seen(tweets: list[Mapping[str, Any]]) -> Iterator[tuple[str, str]]:
    """``(user id, handle)`` pairs the archive names: replied-to users and mentions."""
    for t in tweets:
        uid, name = t.get("in_reply_to_user_id_str"), t.get("in_reply_to_screen_name")
        if uid and name:
            yield str(uid), name
        for u in (t.get("entities") or _EMPTY).get("user_mentions") or ():
            uid = u.get("id_str") or u.get("id")
            if uid and u.get("screen_name") and str(uid) not in ("-1", "0"):
                yield str(uid), u["screen_name"]


def _from_option(value: str, tweets: list[Mapping[str, Any]]) -> dict[str, str]:
    """The owner named by ``--option account=``: a numeric id or a handle resolved to one."""
    who = value.strip().removeprefix("@")
    if who.isdigit():
        owner = {"id": who}
        for uid, handle in _users_seen(tweets):
            if uid == who:
                owner["handle"] = handle
                break
        return owner
    for uid, handle in _users_seen(tweets):
        if handle.lower() == who.lower():
            return {"id": uid, "handle": handle}
    raise BadOption(
        f"account={value}: this archive never names @{who} with its numeric id; pass "
        "--option account=NUMERIC_ID (accountId in the archive's account.js)"
    )


def _inferred(tweets: list[Mapping[str, Any]]) -> dict[str, str] | None:
    """The owner from the most recent self-reply (a reply whose parent is in the archive)."""
    ids = {tid for t in tweets if (tid := _tweet_id(t))}
    best: tuple[int, dict[str, str]] | None = None
    for t in tweets:
        parent, uid = t.get("in_reply_to_status_id_str"), t.get("in_reply_to_user_id_str")
        tid = _tweet_id(t)
        if not (parent and uid and tid and tid.isdigit()) or str(parent) not in ids:
            continue
        if best is None or int(tid) > best[0]:
            owner = {"id": str(uid)}
            if t.get("in_reply_to_screen_name"):
                owner["handle"] = t["in_reply_to_screen_name"]
            best = (int(tid), owner)
    return best[1] if best else None


class XArchiveSource(Source):
    name = "x_archive"
    platform = "x"
    description = "X/Twitter personal archive tweets.js (window.YTD.tweets.part0 = [...])"
    examples = (
        "formats/x_archive/tweets.excerpt.js",
        "tests/fixtures/x_archive/tweets.js",
    )

    def detect(self, path: Path, head: str) -> float:
        return 0.97 if _PREFIX.match(head.lstrip("\ufeff")) else 0.0

    def read(self, path: Path, options: Options) -> Iterator[RawRecord | Bad]:
        try:
            name, records = _load_ytd(path)
        except (RecordError, orjson.JSONDecodeError) as e:
            with open_binary(path) as f:
                excerpt = f.read(500).decode("utf-8", errors="replace")
            yield Bad("file", f"not a readable archive file: {e}", excerpt)
            return
        if not isinstance(records, list):
            yield Bad("file", "the archive variable is not an array", "")
            return
        tweets = [t for r in records if (t := _tweet(r)) is not None]
        account = options.get("account")
        owner = (
            _account_js(path.parent)
            or (_from_option(account, tweets) if account else None)
            or _inferred(tweets)
        )
        if owner is None:
            yield Bad(
                "file",
                "archive owner unknown (no account.js beside the file, no "
                "self-replies): tweets imported without author; re-import with "
                "--option account=ID_OR_HANDLE to fill them in",
            )
        context = {"owner": owner}
        for i, record in enumerate(records):
            location = f"{name}[{i}]"
            if _tweet(record) is None:
                yield Bad(location, "not a tweet record", orjson.dumps(record).decode()[:500])
                continue
            yield RawRecord(record, location, context)

    def normalise(self, raw: RawRecord) -> Message:
        t = _tweet(raw.data)
        if t is None:
            raise RecordError("not a tweet record")
        tid = _tweet_id(t)
        if not tid:
            raise RecordError("tweet without id_str")
        if not t.get("created_at"):
            raise RecordError("tweet without created_at")
        owner = raw.context.get("owner")
        author = None
        if owner:
            handle = owner.get("handle")
            author = Author(
                platform="x",
                id=owner["id"],
                handle=handle,
                name=owner.get("name"),
                url=f"https://x.com/{handle}" if handle else None,
                is_owned=True,
            )
        text = t.get("full_text") if t.get("full_text") is not None else t.get("text")
        entities = t.get("entities") or _EMPTY
        mentions = entities.get("user_mentions") or ()
        urls = entities.get("urls") or ()

        parent_id = t.get("in_reply_to_status_id_str") or t.get("in_reply_to_status_id")
        shared_author = None
        rt = _RT.match(text or "")
        if rt:
            who = rt.group(1).lower()
            shared_author = next(
                (
                    str(u.get("id_str") or u.get("id"))
                    for u in mentions
                    if (u.get("screen_name") or "").lower() == who
                    and (u.get("id_str") or u.get("id"))
                ),
                None,
            )
        quoted_id = None if rt else t.get("quoted_status_id_str")
        quoted_author = None
        if not rt and not quoted_id:
            for u in urls:
                link = _STATUS_URL.match(u.get("expanded_url") or "")
                if link and link.group(2) != tid:
                    quoted_id, quoted_handle = link.group(2), link.group(1).lower()
                    quoted_author = next(
                        (
                            str(m.get("id_str"))
                            for m in mentions
                            if (m.get("screen_name") or "").lower() == quoted_handle
                            and m.get("id_str")
                        ),
                        None,
                    )
                    break
        if rt:
            kind = "share"
        elif parent_id:
            kind = "reply"
        elif quoted_id:
            kind = "quote"
        else:
            kind = "post"
        own_metrics = kind != "share"
        handle = author.handle if author else None
        return Message(
            platform="x",
            id=tid,
            created_at=to_utc(t["created_at"]),
            text=text,
            author=author,
            kind=kind,
            lang=t.get("lang"),
            url=f"https://x.com/{handle or 'i/web'}/status/{tid}",
            parent_id=str(parent_id) if parent_id else None,
            parent_author_id=t.get("in_reply_to_user_id_str") or None,
            quoted_id=str(quoted_id) if quoted_id else None,
            quoted_author_id=quoted_author,
            shared_author_id=shared_author,
            likes=to_int(t.get("favorite_count")) if own_metrics else None,
            shares=to_int(t.get("retweet_count")) if own_metrics else None,
            mentions=[u["screen_name"].lower() for u in mentions if u.get("screen_name")],
            hashtags=[h["text"].lower() for h in entities.get("hashtags") or () if h.get("text")],
            links=[u.get("expanded_url") or u["url"] for u in urls if u.get("url")],
            raw=raw.data,
        )


SOURCE = XArchiveSource()
