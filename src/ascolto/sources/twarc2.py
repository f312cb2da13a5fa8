"""X/Twitter API v2 JSONL as written by twarc2: response pages, stream lines, flattened tweets.

Referenced tweets that the API included (``includes.tweets`` or the flattened
``referenced_tweets[]``) are imported too: they are the parents, quoted and retweeted originals
that threads and engagement need. Retweets keep no metrics of their own: v2 reports the
original's counts on them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ascolto.errors import RecordError
from ascolto.models import Author, Message
from ascolto.sources.base import Bad, Options, RawRecord, Source
from ascolto.sources.fields import to_utc
from ascolto.sources.files import jsonl_lines

_EMPTY: Mapping[str, Any] = {}


def x_author(user: Mapping[str, Any]) -> Author:
    """An X v2 user object as an ``Author``."""
    pm = user.get("public_metrics") or _EMPTY
    username = user.get("username")
    created = user.get("created_at")
    return Author(
        platform="x",
        id=str(user["id"]),
        handle=username,
        name=user.get("name"),
        followers=pm.get("followers_count"),
        following=pm.get("following_count"),
        posts_count=pm.get("tweet_count"),
        created_at=to_utc(created) if created else None,
        verified=user.get("verified"),
        description=user.get("description") or None,
        url=f"https://x.com/{username}" if username else None,
    )


class Twarc2Source(Source):
    name = "twarc2"
    platform = "x"
    description = "X/Twitter API v2 JSONL from twarc2 (response pages, stream lines, flattened)"
    examples = (
        "formats/twitter_v2_twarc2/two_tweets.jsonl",
        "formats/twitter_v2_twarc2/cotweet.jsonl",
        "formats/twitter_v2_twarc2/quoted_edit.jsonl",
        "formats/twitter_v2_twarc2/geo_tweets.jsonl",
        "formats/twitter_v2_twarc2/noflat.jsonl",
        "formats/twitter_v2_twarc2/flat.jsonl",
        "formats/twitter_v2_twarc2/streaming_output_with_error.jsonl",
    )

    def detect(self, path: Path, head: str) -> float:
        start = head.lstrip()[:4096]
        if not start.startswith("{"):
            return 0.0
        has_tweet_fields = '"conversation_id"' in head or '"author_id"' in head
        if '"__twarc"' in head and has_tweet_fields:
            return 0.98
        if start.startswith('{"data"') and '"includes"' in head and has_tweet_fields:
            return 0.9
        if '"edit_history_tweet_ids"' in head or '"public_metrics"' in head and has_tweet_fields:
            return 0.8
        return 0.0

    def read(self, path: Path, options: Options) -> Iterator[RawRecord | Bad]:
        for item in jsonl_lines(path):
            if isinstance(item, Bad):
                yield item
                continue
            n, line, obj = item
            if not isinstance(obj, dict):
                yield Bad(f"line {n}", "not a JSON object", line[:500])
                continue
            data = obj.get("data")
            if isinstance(data, list | dict):
                yield from self._page(n, obj, data)
            elif "id" in obj and "text" in obj:
                yield from self._flat(n, line, obj)
            elif "errors" in obj:
                yield Bad(f"line {n}", "API error record, no tweet", line[:500])
            else:
                yield Bad(f"line {n}", "no tweet in this line (no data, id or text)", line[:500])

    def _page(self, n: int, obj: dict[str, Any], data: Any) -> Iterator[RawRecord]:
        includes = obj.get("includes") or _EMPTY
        users = {str(u["id"]): u for u in includes.get("users", ()) if "id" in u}
        tweets = {str(t["id"]): t for t in includes.get("tweets", ()) if "id" in t}
        context = {"users": users, "tweets": tweets}
        if isinstance(data, dict):
            yield RawRecord(data, f"line {n}", context)
        else:
            for i, tweet in enumerate(data):
                yield RawRecord(tweet, f"line {n} data[{i}]", context)
        for i, tweet in enumerate(includes.get("tweets", ())):
            yield RawRecord(tweet, f"line {n} includes.tweets[{i}]", context)

    def _flat(self, n: int, line: str, obj: dict[str, Any]) -> Iterator[RawRecord]:
        yield RawRecord(obj, f"line {n}", text=line)
        for i, ref in enumerate(obj.get("referenced_tweets") or ()):
            if "text" in ref and "created_at" in ref:
                yield RawRecord(ref, f"line {n} referenced_tweets[{i}]")

    def normalise(self, raw: RawRecord) -> Message:
        t = raw.data
        if not isinstance(t, dict) or "id" not in t:
            raise RecordError("tweet without id")
        if "created_at" not in t:
            raise RecordError("tweet without created_at")
        users = raw.context.get("users", _EMPTY)
        tweets = raw.context.get("tweets", _EMPTY)
        user = t.get("author") or users.get(str(t.get("author_id")))
        if user:
            author: Author | None = x_author(user)
        elif t.get("author_id"):
            author = Author(platform="x", id=str(t["author_id"]))
        else:
            author = None
        tid = str(t["id"])
        kind, parent_id, quoted_id, shared_id = "post", None, None, None
        quoted_author, shared_author = None, None
        for ref in t.get("referenced_tweets") or ():
            rtype, rid = ref.get("type"), str(ref.get("id"))
            ref_author = ref.get("author_id") or (tweets.get(rid) or _EMPTY).get("author_id")
            if rtype == "replied_to":
                parent_id = rid
            elif rtype == "quoted":
                quoted_id, quoted_author = rid, ref_author
            elif rtype == "retweeted":
                shared_id, shared_author = rid, ref_author
        if shared_id:
            kind = "share"
        elif parent_id:
            kind = "reply"
        elif quoted_id:
            kind = "quote"
        entities = t.get("entities") or _EMPTY
        pm = t.get("public_metrics") or _EMPTY
        own_metrics = kind != "share"
        conversation = t.get("conversation_id")
        handle = author.handle if author else None
        return Message(
            platform="x",
            id=tid,
            created_at=to_utc(t["created_at"]),
            text=t.get("text"),
            author=author,
            kind=kind,
            lang=t.get("lang"),
            url=f"https://x.com/{handle or 'i/web'}/status/{tid}",
            parent_id=parent_id,
            root_id=str(conversation) if conversation else None,
            parent_author_id=t.get("in_reply_to_user_id"),
            quoted_id=quoted_id,
            quoted_author_id=quoted_author,
            shared_id=shared_id,
            shared_author_id=shared_author,
            likes=pm.get("like_count") if own_metrics else None,
            shares=pm.get("retweet_count") if own_metrics else None,
            replies=pm.get("reply_count") if own_metrics else None,
            quotes=pm.get("quote_count") if own_metrics else None,
            views=pm.get("impression_count") if own_metrics else None,
            mentions=[m["username"].lower() for m in entities.get("mentions", ())
                      if m.get("username")],
            hashtags=[h["tag"].lower() for h in entities.get("hashtags", ()) if h.get("tag")],
            links=[u.get("expanded_url") or u["url"] for u in entities.get("urls", ())
                   if u.get("url")],
            raw=raw.text if raw.text is not None else t,
        )


SOURCE = Twarc2Source()
