"""X as twarc2 writes a filtered stream: one JSON line per tweet, with ``includes``.

Each line is ``{"data": tweet, "includes": {"users", "tweets"}, "matching_rules", "__twarc"}``
like ``formats/twitter_v2_twarc2/streaming_output_with_error.jsonl``: the author, the replied-to
and mentioned users in ``includes.users``, the referenced tweets in ``includes.tweets``. One file
per month. Metrics are the final ones (the capture was re-hydrated after the period), and a
retweet carries its original's counts as the v2 API does.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from ascolto.demo.model import Person, Post

_SOURCES = ("Twitter for iPhone", "Twitter for Android", "Twitter Web App", "Twitter for iPad")
_RULE = {"id": "1830412290376142849", "tag": "caffe aurora"}
_STREAM_URL = (
    "https://api.twitter.com/2/tweets/search/stream?expansions=author_id%2Cin_reply_to_user_id"
    "%2Creferenced_tweets.id%2Creferenced_tweets.id.author_id%2Centities.mentions.username"
    "&tweet.fields=author_id%2Cconversation_id%2Ccreated_at%2Centities%2Cid%2Cin_reply_to_user_id"
    "%2Clang%2Cpublic_metrics%2Creferenced_tweets%2Creply_settings%2Csource%2Ctext"
    "&user.fields=created_at%2Cdescription%2Cid%2Clocation%2Cname%2Cprofile_image_url"
    "%2Cprotected%2Cpublic_metrics%2Curl%2Cusername%2Cverified"
)
DEFAULT_IMAGE = "https://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png"


def write_x(posts: list[Post], folder: Path) -> list[Path]:
    """Write the X posts as monthly twarc2 stream files; returns the files written."""
    handles = {p.author.handle.lower(): p.author for p in posts}
    months: dict[str, list[str]] = {}
    for post in sorted(posts, key=lambda p: (p.created_at, p.id)):
        line = json.dumps(_line(post, handles))
        months.setdefault(post.created_at.strftime("%Y-%m"), []).append(line)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for month, lines in sorted(months.items()):
        path = folder / f"caffeaurora_stream_{month}.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        written.append(path)
    return written


def _line(post: Post, handles: dict[str, Person]) -> dict[str, Any]:
    refs = [r for r in (post.parent, post.quoted, post.shared) if r is not None]
    users = [post.author, *(r.author for r in refs)]
    users += [handles[h.lower()] for _, _, h in post.spans("mention") if h.lower() in handles]
    unique = list({u.id: u for u in users}.values())
    return {
        "data": tweet(post, handles),
        "includes": {
            "users": [user(u) for u in unique],
            **({"tweets": [tweet(r, handles) for r in refs]} if refs else {}),
        },
        "matching_rules": [_RULE],
        "__twarc": {
            "url": _STREAM_URL,
            "version": "2.14.0",
            "retrieved_at": _iso(post.created_at + timedelta(seconds=2)),
        },
    }


def tweet(post: Post, handles: dict[str, Person]) -> dict[str, Any]:
    """A v2 tweet object for ``post``."""
    metrics_of = post.shared or post
    t: dict[str, Any] = {
        "id": post.id,
        "text": post.text,
        "author_id": post.author.id,
        "conversation_id": post.root.id,
        "created_at": _iso(post.created_at),
        "lang": post.lang if any(c.isalpha() for c in post.text) else "und",
        "public_metrics": metrics(metrics_of),
        "edit_history_tweet_ids": [post.id],
        "possibly_sensitive": False,
        "reply_settings": "everyone",
        "source": _SOURCES[int(post.author.id) % len(_SOURCES)],
    }
    entities = _entities(post, handles)
    if entities:
        t["entities"] = entities
    refs = []
    if post.parent is not None:
        refs.append({"type": "replied_to", "id": post.parent.id})
        t["in_reply_to_user_id"] = post.parent.author.id
    if post.quoted is not None:
        refs.append({"type": "quoted", "id": post.quoted.id})
    if post.shared is not None:
        refs.append({"type": "retweeted", "id": post.shared.id})
    if refs:
        t["referenced_tweets"] = refs
    return t


def metrics(post: Post) -> dict[str, int]:
    engagement = post.likes + len(post.children) + len(post.shared_by)
    return {
        "retweet_count": len(post.shared_by) + post.extra_shares,
        "reply_count": len(post.children),
        "like_count": post.likes,
        "quote_count": len(post.quoted_by),
        "impression_count": post.views if post.views is not None else 40 + engagement * 37,
    }


def user(p: Person) -> dict[str, Any]:
    """A v2 user object for ``p``."""
    u: dict[str, Any] = {
        "id": p.id,
        "name": p.name,
        "username": p.handle,
        "created_at": _iso(p.created_at),
        "description": p.description,
        "profile_image_url": DEFAULT_IMAGE if p.default_profile else _image(p),
        "protected": False,
        "public_metrics": {
            "followers_count": p.followers,
            "following_count": p.following,
            "tweet_count": p.posts_count,
            "listed_count": p.followers // 400,
        },
        "url": "",
        "verified": p.verified,
    }
    if p.location:
        u["location"] = p.location
    return u


def _entities(post: Post, handles: dict[str, Person]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    mentions = []
    for start, end, name in post.spans("mention"):
        m: dict[str, Any] = {"start": start, "end": end, "username": name}
        if name.lower() in handles:
            m["id"] = handles[name.lower()].id
        mentions.append(m)
    if mentions:
        out["mentions"] = mentions
    tags = [{"start": s, "end": e, "tag": t} for s, e, t in post.spans("hashtag")]
    if tags:
        out["hashtags"] = tags
    urls = []
    for start, end, url in post.spans("url"):
        full = url if url.startswith("http") else f"https://{url}"
        urls.append(
            {
                "start": start,
                "end": end,
                "url": full,
                "expanded_url": full,
                "display_url": full.split("://", 1)[1],
            }
        )
    if urls:
        out["urls"] = urls
    return out


def _image(p: Person) -> str:
    digits = p.id[-10:].rjust(10, "7")
    return f"https://pbs.twimg.com/profile_images/14{digits}{digits[:7]}/{p.handle[:6]}_normal.jpg"


def _iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.000Z")
