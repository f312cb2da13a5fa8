"""Exports of listening and publishing tools: Brandwatch, Talkwalker, Sprout Social.

Each is the CSV reader of ``csv_table`` with a built-in alias table and the few rules its
export needs; ``--map`` still overrides any column. No public real exports exist: columns follow
FORMATS.md §10 and the fixtures in ``tests/fixtures/vendors`` are written to match. The modules
``brandwatch``, ``talkwalker`` and ``sprout`` register them.

Brandwatch Consumer Research mentions: a report preamble of ~6 lines, then the header (the first
row naming ``Date`` and ``Full Text``/``Snippet``). Platform from ``Page Type`` (news, blog,
forum, review pages are ``web``), else ``Domain``. Ids from ``Url`` (an X status url gives the
status id, so rows merge with twarc2 imports). The root is ``Thread URL`` (else ``Thread Id``);
``Thread Entry Type`` says post, reply or share; an X reply's parent is ``Twitter Reply to``,
any other reply answers the thread root (a ``comment``). X rows take ``Twitter Author ID``/``X
Author ID`` as author id and ``Author`` as handle, other rows ``Author`` as both. Owner: ``--owner
x:HANDLE`` (an ``Author`` value). Impressions and Reach estimate potential audience, not views:
they stay in raw.

Talkwalker (the API document flattened with dotted names): ``published`` (epoch ms),
``content``, ``url`` (the id; X status id for tweets), ``source_type`` (TWITTER, ONLINE_NEWS,
or a list: its first social network wins), ``parent_url`` answered (``tags_internal``
``isComment`` marks a comment). Authors: ``extra_author_attributes.id`` else ``short_name``;
owner: ``--owner PLATFORM:SHORT_NAME``.

Sprout Social Inbox/Messages and Post Performance (UTF-8 with BOM): ``Network``, ``Post ID``
(the network's own id), ``Message Type``, ``Parent Post ID``. Rows with ``Sent by`` (the team
member who sent it) or an outbound ``Direction`` are the brand's: their author (``From``, else
the ``Profile``) is owned by the format itself, no ``--owner`` needed. Direct messages are
skipped: they are private, not public messages.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ascolto.errors import RecordError
from ascolto.models import Author, Message
from ascolto.sources.csv_table import CsvSource, head_rows, keys_of
from ascolto.sources.table import (
    FLAT,
    Row,
    aliases,
    default_kind,
    derived_id,
    header_key,
    platform_of_host,
    platform_value,
    ref_id,
)

_AEA = "article_extended_attributes."

BRANDWATCH = aliases(
    {
        "created_at": ("Date",),
        "text": ("Full Text", "Snippet"),
        "title": ("Title",),
        "url": ("Url",),
        "lang": ("Language",),
        "platform": ("Page Type",),
        "domain": ("Domain",),
        "entry_type": ("Thread Entry Type",),
        "thread_url": ("Thread URL",),
        "thread_id": ("Thread Id",),
        "thread_author": ("Thread Author",),
        "reply_to": ("X Reply to", "Twitter Reply to"),
        "retweet_of": ("X Retweet of", "Twitter Retweet of"),
        "author_id": ("X Author ID", "Twitter Author ID", "Bluesky Author Id"),
        "author_handle": ("Author",),
        "author_name": ("Full Name",),
        "author_followers": ("X Followers", "Twitter Followers"),
        "author_following": ("X Following", "Twitter Following"),
        "author_verified": ("X Verified", "Twitter Verified"),
        "likes": ("Likes", "X Likes", "Twitter Likes"),
        "shares": ("Shares", "X Reposts", "X Retweets", "Twitter Retweets"),
        "replies": ("Comments", "X Reply Count", "Twitter Reply Count"),
        "mentions": ("Mentioned Authors",),
        "hashtags": ("Hashtags",),
        "links": ("Expanded URLs",),
    }
)

TALKWALKER = aliases(
    {
        "created_at": ("published",),
        "text": ("content", "content_snippet"),
        "title": ("title", "title_snippet"),
        "url": ("url",),
        "lang": ("lang",),
        "platform": ("source_type",),
        "parent_url": ("parent_url",),
        "tags_internal": ("tags_internal",),
        "post_type": ("post_type",),
        "author_id": ("extra_author_attributes.id",),
        "author_handle": ("extra_author_attributes.short_name",),
        "author_name": ("extra_author_attributes.name",),
        "author_followers": (f"{_AEA}twitter_followers", "extra_author_attributes.followers"),
        "likes": (
            f"{_AEA}twitter_likes",
            f"{_AEA}facebook_likes",
            f"{_AEA}instagram_likes",
            f"{_AEA}youtube_likes",
        ),
        "shares": (f"{_AEA}twitter_retweets", f"{_AEA}facebook_shares"),
        "replies": (f"{_AEA}num_comments",),
        "views": (f"{_AEA}youtube_views", f"{_AEA}instagram_views"),
        "mentions": ("tokens_mention",),
        "hashtags": ("tokens_hashtag",),
    }
)

SPROUT = aliases(
    {
        "id": ("Post ID", "Message ID", "GUID"),
        "created_at": ("Date", "Date Published", "Created Time"),
        "text": ("Message", "Post", "Text"),
        "platform": ("Network",),
        "url": ("Permalink", "Link"),
        "parent_id": ("Parent Post ID", "Parent ID", "In Reply To ID", "In Reply To"),
        "root_id": ("Thread ID",),
        "message_type": ("Message Type", "Post Type"),
        "profile": ("Profile",),
        "sent_by": ("Sent by",),
        "direction": ("Direction",),
        "lang": ("Language",),
        "author_id": ("From ID", "Sender ID"),
        "author_handle": ("From Username", "From Handle", "Username"),
        "author_name": ("From", "From Name"),
        "author_followers": ("Followers", "Audience"),
        "likes": ("Likes", "Reactions"),
        "replies": ("Comments", "Replies"),
        "shares": ("Shares", "Retweets", "Reposts"),
        "views": ("Video Views", "Impressions"),
    }
)

_TOKENS = re.compile(r"[\[\]\s,;\"']+")
_OUTBOUND = frozenset({"outbound", "sent", "outgoing", "in uscita"})
_PRIVATE = re.compile(r"\b(?:direct message|private message|messenger|dm)\b")


class BrandwatchSource(CsvSource):
    name = "brandwatch"
    description = "Brandwatch Consumer Research mentions export (CSV with report preamble)"
    examples = ("tests/fixtures/vendors/brandwatch_mentions.csv",)
    aliases = BRANDWATCH
    platform_fields = frozenset({"platform", "domain", "url"})

    def detect(self, path: Path, head: str) -> float:
        for cells in head_rows(head)[1]:
            keys = keys_of(cells)
            if "full text" in keys and ("query id" in keys or "thread entry type" in keys):
                return 0.95
            if {"date", "url", "page type", "thread entry type"} <= keys:
                return 0.9
        return 0.0

    def platform_of(self, row: Row, ctx: Mapping[str, Any]) -> str:
        page_type = row.get_str("platform")
        if page_type:
            return platform_value(page_type)
        site = row.get_str("domain") or row.get_str("url")
        return platform_of_host(site) if site else super().platform_of(row, ctx)

    def message(self, row: Row, ctx: Mapping[str, Any]) -> Message:
        platform = self.platform_of(row, ctx)
        created = row.get_time("created_at", ctx)
        text = row.get_str("text")
        url = row.get_str("url")
        author = self.author_of(row, platform)
        mid = derived_id(url, platform, author, created, text)
        root = ref_id(row.get_str("thread_url"), platform) or ref_id(
            row.get_str("thread_id"), platform
        )
        # Thread Author is a handle: a hint only where author ids are handles too.
        root_author = row.get_str("thread_author") if not row.get_str("author_id") else None
        entry = header_key(row.get_str("entry_type") or "post")
        refs: dict[str, Any] = {}
        if entry in ("share", "retweet", "repost"):
            kind = "share"
            shared = ref_id(row.get_str("retweet_of"), platform) or root
            if shared and shared != mid:
                refs = {"shared_id": shared, "shared_author_id": root_author}
        elif entry in ("reply", "comment"):
            parent = ref_id(row.get_str("reply_to"), platform) or root
            if parent == mid:
                parent = None
            kind = (
                default_kind(platform, parent, root)
                if parent
                else ("reply" if platform in FLAT else "comment")
            )
            refs = {
                "parent_id": parent,
                "root_id": root,
                "parent_author_id": root_author if parent and parent == root else None,
            }
        elif entry == "quote":
            kind = "quote"
            if root and root != mid:
                refs = {"quoted_id": root, "quoted_author_id": root_author}
        else:
            kind = "post"
        return self.build(row, platform, mid, created, text, author, kind=kind, url=url, **refs)


class TalkwalkerSource(CsvSource):
    name = "talkwalker"
    description = "Talkwalker document export (CSV with dotted column names)"
    examples = ("tests/fixtures/vendors/talkwalker_export.csv",)
    aliases = TALKWALKER
    platform_fields = frozenset({"platform", "url"})

    def detect(self, path: Path, head: str) -> float:
        rows = head_rows(head)[1]
        keys = keys_of(rows[0]) if rows else set()
        if not {"published", "content", "url"} <= keys:
            return 0.0
        if "source type" in keys or any(k.startswith("extra author attributes.") for k in keys):
            return 0.95
        return 0.0

    def platform_of(self, row: Row, ctx: Mapping[str, Any]) -> str:
        value = row.get_str("platform")
        if not value:
            url = row.get_str("url")
            return platform_of_host(url) if url else super().platform_of(row, ctx)
        found = None
        for token in _TOKENS.split(value):
            if not token:
                continue
            try:
                found = platform_value(token)
            except RecordError:
                continue
            if found != "web":
                return found
        if found is None:
            raise RecordError(f"platform: unknown source_type {value!r}")
        return found

    def message(self, row: Row, ctx: Mapping[str, Any]) -> Message:
        platform = self.platform_of(row, ctx)
        created = row.get_time("created_at", ctx)
        text = row.get_str("text")
        url = row.get_str("url")
        author = self.author_of(row, platform)
        mid = derived_id(url, platform, author, created, text)
        parent = ref_id(row.get_str("parent_url"), platform)
        if parent == mid:
            parent = None
        post_type = header_key(row.get_str("post_type") or "")
        refs: dict[str, Any] = {}
        if parent and any(w in post_type for w in ("retweet", "share", "repost")):
            kind, refs = "share", {"shared_id": parent}
        elif parent and "quote" in post_type:
            kind, refs = "quote", {"quoted_id": parent}
        elif parent:
            is_comment = "iscomment" in (row.get_str("tags_internal") or "").lower()
            kind = "comment" if is_comment and platform not in FLAT else "reply"
            refs = {"parent_id": parent}
        else:
            kind = "post"
        return self.build(row, platform, mid, created, text, author, kind=kind, url=url, **refs)


class SproutSource(CsvSource):
    name = "sprout"
    description = "Sprout Social Inbox/Messages or Post Performance export (CSV)"
    examples = (
        "tests/fixtures/vendors/sprout_inbox.csv",
        "tests/fixtures/vendors/sprout_inbox_it.csv",
    )
    aliases = SPROUT

    def detect(self, path: Path, head: str) -> float:
        for cells in head_rows(head)[1][:3]:
            keys = keys_of(cells)
            if (
                "network" in keys
                and ("sent by" in keys or "post id" in keys)
                and keys & {"message", "post", "text"}
            ):
                return 0.9
        return 0.0

    def message(self, row: Row, ctx: Mapping[str, Any]) -> Message | None:
        message_type = header_key(row.get_str("message_type") or "")
        if _PRIVATE.search(message_type):
            return None
        platform = self.platform_of(row, ctx)
        created = row.get_time("created_at", ctx)
        text = row.get_str("text")
        url = row.get_str("url")
        direction = header_key(row.get_str("direction") or "")
        outbound = bool(row.get_str("sent_by")) or direction in _OUTBOUND
        author = self.author_of(row, platform, owned=outbound)
        if author is None and outbound and (profile := row.get_str("profile")):
            profile = profile.lstrip("@")
            author = Author(platform=platform, id=profile, handle=profile, is_owned=True)
        mid = ref_id(row.get_str("id"), platform) or derived_id(
            url, platform, author, created, text
        )
        parent = ref_id(row.get_str("parent_id"), platform)
        if parent == mid:
            parent = None
        root = ref_id(row.get_str("root_id"), platform)
        refs: dict[str, Any] = {}
        if any(w in message_type for w in ("retweet", "repost", "share")):
            kind, refs = "share", {"shared_id": parent}
        elif "quote" in message_type:
            kind, refs = "quote", {"quoted_id": parent}
        elif parent:
            if "comment" in message_type:
                kind = "comment"
            elif "reply" in message_type or platform in FLAT:
                kind = "reply"
            else:
                kind = default_kind(platform, parent, root)
            refs = {"parent_id": parent, "root_id": root}
        else:
            kind = "post"
        return self.build(row, platform, mid, created, text, author, kind=kind, url=url, **refs)


BRANDWATCH_SOURCE = BrandwatchSource()
TALKWALKER_SOURCE = TalkwalkerSource()
SPROUT_SOURCE = SproutSource()
