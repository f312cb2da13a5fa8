"""The core records of ascolto: platform-neutral authors and messages.

Every source maps its records onto these. Identity is ``(platform, id)``; ``raw`` always keeps
the original record because platform formats drift.

They are msgspec structs rather than dataclasses: an import makes one or two per record, and
structs are built and freed about twice as fast (measured: ~10% of a twarc2 reader's time).
``gc=False`` keeps them out of the cyclic garbage collector, which is safe because a message or
author never refers back to itself.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

#: Platform names used across the store. Aliases accepted from users map onto these.
PLATFORMS = (
    "x",
    "facebook",
    "instagram",
    "youtube",
    "reddit",
    "mastodon",
    "bluesky",
    "wordpress",
    "disqus",
    "web",
    "telegram",
)
PLATFORM_ALIASES = {
    "twitter": "x",
    "fb": "facebook",
    "ig": "instagram",
    "yt": "youtube",
    "blog": "wordpress",
    "rss": "web",
    "atom": "web",
    "bsky": "bluesky",
    "tg": "telegram",
}

#: Message kinds.
KINDS = ("post", "comment", "reply", "share", "quote")

#: Interaction kinds derived at import.
INTERACTION_KINDS = ("reply", "mention", "share", "quote")


def canonical_platform(name: str) -> str:
    """Map a user-typed platform name (``twitter``, ``X``) to the store's name (``x``)."""
    key = name.strip().lower()
    return PLATFORM_ALIASES.get(key, key)


class Author(msgspec.Struct, gc=False):
    """A person, page, channel or account on one platform."""

    platform: str
    id: str
    handle: str | None = None
    name: str | None = None
    followers: int | None = None
    following: int | None = None
    posts_count: int | None = None
    created_at: datetime | None = None
    verified: bool | None = None
    description: str | None = None
    url: str | None = None
    #: One of the brand's own accounts. Sources set it only when the format says so
    #: (e.g. ``inbound=False`` in the customer-support CSV); ``--owner`` sets it at import.
    is_owned: bool | None = None


class Message(msgspec.Struct, gc=False):
    """A post, comment, reply, share or quote, normalised.

    ``created_at`` is timezone-aware UTC. ``parent_id``/``root_id`` are platform ids of the
    message replied to and of the thread's first message; the store fills ``root_id`` by
    walking parents when a format does not give it. The ``*_author_id`` hints let the store
    derive interactions even when the referenced message was never collected.
    """

    platform: str
    id: str
    created_at: datetime
    text: str | None = None
    author: Author | None = None
    kind: str = "post"
    lang: str | None = None
    url: str | None = None
    title: str | None = None
    parent_id: str | None = None
    root_id: str | None = None
    parent_author_id: str | None = None
    quoted_id: str | None = None
    quoted_author_id: str | None = None
    shared_id: str | None = None
    shared_author_id: str | None = None
    likes: int | None = None
    shares: int | None = None
    replies: int | None = None
    quotes: int | None = None
    views: int | None = None
    score: int | None = None
    mentions: list[str] = msgspec.field(default_factory=list)
    hashtags: list[str] = msgspec.field(default_factory=list)
    links: list[str] = msgspec.field(default_factory=list)
    raw: Any = None

    @property
    def author_id(self) -> str | None:
        return self.author.id if self.author is not None else None
