"""Instagram Graph API JSON (Business/Creator accounts): media, comments, replies.

A file is a saved API response (or JSON lines of them): a media object or a page of them
(``/{ig-user}/media``, hashtag and ``business_discovery`` media), a comment object or a page of
them (``/{media}/comments``, ``/{comment}/replies``), a ``mentioned_comment`` / ``mentioned_media``
lookup, or an ``?ids=`` batch. Inline ``comments.data[]`` of a media and ``replies.data[]`` of a
comment (one level deep) are imported too. User-info objects hold no message: detection does
not claim them.

Threads. Root = the media id. Comments (``media{id}``, or found on ``/{media}/comments``) are
kind ``comment`` with parent = the media; replies (inline ``replies``, ``parent_id``, or found on
``/{comment}/replies``) are kind ``reply`` with parent = the comment. A page's own items seldom
say what they hang on: the node of its ``paging.next``/``previous`` URL does; a last page
without paging leaves comments without parent.

Authors and owner. The author id is the ``username`` (lower-cased; ``handle`` keeps it as
written), because comments carry a username but a numeric id (``user{id}``) only for the
account's own comments, and one person must keep one id. A numeric id is used only when no
username is given. So ``--owner instagram:USERNAME`` marks the account. ``user{id}`` on a comment
means "written by the account the data was fetched for", the brand: such authors get
``is_owned=True``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ascolto.errors import RecordError
from ascolto.models import Author, Message
from ascolto.sources.base import Bad, Options, RawRecord, Source
from ascolto.sources.facebook_graph import graph_edge
from ascolto.sources.fields import hashtags_in, links_in, mentions_in, to_int, to_utc
from ascolto.sources.files import json_objects

_EMPTY: Mapping[str, Any] = {}
_IG_TIME = re.compile(r'"timestamp"\s*:\s*"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}"')
_IG_KEYS = (
    '"text"',
    '"caption"',
    '"media_type"',
    '"like_count"',
    '"username"',
    '"comments_count"',
    '"permalink"',
)
_MEDIA_EDGES = frozenset({"media", "tags", "recent_media", "top_media", "stories", "children"})
_MEDIA_KEYS = frozenset(
    {
        "media_type",
        "media_url",
        "caption",
        "permalink",
        "comments_count",
        "children",
        "media_product_type",
        "shortcode",
        "thumbnail_url",
        "is_comment_enabled",
        "owner",
    }
)


def instagram_author(username: Any, numeric_id: Any = None, owned: bool = False) -> Author | None:
    """The author by username (its stable key here), else by numeric id, else unknown."""
    owned_flag = True if owned else None
    if isinstance(username, str) and username:
        return Author(
            platform="instagram",
            id=username.lower(),
            handle=username,
            url=f"https://www.instagram.com/{username}/",
            is_owned=owned_flag,
        )
    if numeric_id:
        return Author(platform="instagram", id=str(numeric_id), is_owned=owned_flag)
    return None


def _comment_author(c: Mapping[str, Any]) -> Author | None:
    sender = c.get("from") or _EMPTY
    user = c.get("user")
    user_id = user.get("id") if isinstance(user, dict) else None
    return instagram_author(
        c.get("username") or sender.get("username"), sender.get("id") or user_id, bool(user_id)
    )


def _media_author(m: Mapping[str, Any], context: Mapping[str, Any]) -> Author | None:
    owner = m.get("owner") or _EMPTY
    return instagram_author(m.get("username") or context.get("username"), owner.get("id"))


def _is_media(node: Mapping[str, Any]) -> bool:
    return bool(_MEDIA_KEYS.intersection(node))


class InstagramGraphSource(Source):
    name = "instagram_graph"
    platform = "instagram"
    description = "Instagram Graph API JSON: media, comments, replies (pages or single objects)"
    examples = (
        "formats/instagram_graph/apidata_comments_comment_fields.json",
        "formats/instagram_graph/apidata_comments_replies.json",
        "formats/instagram_graph/apidata_medias_comments_p1.json",
        "formats/instagram_graph/apidata_medias_comments_p2.json",
        "formats/instagram_graph/apidata_medias_media_default.json",
        "formats/instagram_graph/apidata_users_medias_p1.json",
        "formats/instagram_graph/apidata_users_mentioned_comment.json",
        "formats/instagram_graph/models_ig_comment.json",
        "formats/instagram_graph/models_ig_media.json",
        "formats/instagram_graph/models_ig_reply.json",
    )

    def detect(self, path: Path, head: str) -> float:
        if head.lstrip()[:1] not in ("{", "[") or not _IG_TIME.search(head):
            return 0.0
        return 0.9 if any(k in head for k in _IG_KEYS) else 0.6

    def read(self, path: Path, options: Options) -> Iterator[RawRecord | Bad]:
        for item in json_objects(path):
            if isinstance(item, Bad):
                yield item
            else:
                yield from self._document(item[1], item[0])

    def _document(self, doc: dict[str, Any], base: str) -> Iterator[RawRecord | Bad]:
        where = base or "file"
        data = doc.get("data")
        discovery = doc.get("business_discovery")
        if isinstance(doc.get("error"), dict):
            yield Bad(where, f"API error response: {doc['error'].get('message')}", repr(doc)[:500])
        elif isinstance(data, list):
            node, edge = graph_edge(doc)
            context: dict[str, Any] = {}
            kind = None
            if edge == "comments":
                context, kind = {"media": node}, "comment"
            elif edge == "replies":
                context, kind = {"parent": node}, "comment"
            elif edge in _MEDIA_EDGES:
                kind = "media"
            for i, item in enumerate(data):
                yield from self._node(item, f"{base} data[{i}]".strip(), context, kind)
        elif isinstance(discovery, dict):
            media = (discovery.get("media") or _EMPTY).get("data") or ()
            context = {"username": discovery.get("username")}
            for i, item in enumerate(media):
                yield from self._node(
                    item, f"{where}.business_discovery.media.data[{i}]".strip(), context, "media"
                )
        elif isinstance(doc.get("mentioned_comment"), dict):
            yield from self._node(
                doc["mentioned_comment"], f"{base} mentioned_comment".strip(), {}, "comment"
            )
        elif isinstance(doc.get("mentioned_media"), dict):
            yield from self._node(
                doc["mentioned_media"], f"{base} mentioned_media".strip(), {}, "media"
            )
        elif "timestamp" in doc:
            yield from self._node(doc, where, {}, None)
        elif doc and all(isinstance(v, dict) and v.get("id") == k for k, v in doc.items()):
            for key, node in doc.items():  # an ``?ids=a,b`` batch: {id: node}
                yield from self._node(node, f"{base} [{key}]".strip(), {}, None)
        else:
            yield Bad(
                where,
                "not an Instagram media or comment (no timestamp: a user info "
                "object?); nothing to import",
                repr(doc)[:500],
            )

    def _node(
        self, node: Any, where: str, context: Mapping[str, Any], kind: str | None
    ) -> Iterator[RawRecord | Bad]:
        if not isinstance(node, dict):
            yield Bad(where, "not a JSON object", repr(node)[:500])
            return
        kind = kind or ("media" if _is_media(node) else "comment")
        yield RawRecord(node, where, {**context, "type": kind})
        if kind == "media":
            inline, name = node.get("comments"), "comments"
            author = _media_author(node, context)
            child = {"media": node.get("id"), "media_author": author.id if author else None}
        else:
            inline, name = node.get("replies"), "replies"
            author = _comment_author(node)
            media = (node.get("media") or _EMPTY).get("id") or context.get("media")
            child = {
                "parent": node.get("id"),
                "media": media,
                "parent_author": author.id if author else None,
            }
        children = inline.get("data") if isinstance(inline, dict) else None
        if not children or node.get("id") is None:  # an id-less parent is quarantined
            return
        for i, sub in enumerate(children):
            yield from self._node(sub, f"{where}.{name}.data[{i}]", child, "comment")

    def normalise(self, raw: RawRecord) -> Message:
        node = raw.data
        if not isinstance(node, dict):
            raise RecordError("not a JSON object")
        if "id" not in node:
            raise RecordError("no id")
        if "timestamp" not in node:
            raise RecordError("no timestamp")
        if raw.context.get("type") == "media":
            return self._media(node, raw.context)
        return self._comment(node, raw.context)

    def _media(self, m: dict[str, Any], context: Mapping[str, Any]) -> Message:
        caption = m.get("caption")
        return Message(
            platform="instagram",
            id=str(m["id"]),
            created_at=to_utc(m["timestamp"]),
            text=caption,
            author=_media_author(m, context),
            kind="post",
            url=m.get("permalink"),
            likes=to_int(m.get("like_count")),
            replies=to_int(m.get("comments_count")),
            mentions=mentions_in(caption),
            hashtags=hashtags_in(caption),
            links=links_in(caption),
            raw=m,
        )

    def _comment(self, c: dict[str, Any], context: Mapping[str, Any]) -> Message:
        media = (c.get("media") or _EMPTY).get("id") or context.get("media")
        parent = c.get("parent_id") or context.get("parent")
        if parent:
            kind, parent_author = "reply", context.get("parent_author")
        else:
            kind, parent, parent_author = "comment", media, context.get("media_author")
        text = c.get("text")
        return Message(
            platform="instagram",
            id=str(c["id"]),
            created_at=to_utc(c["timestamp"]),
            text=text,
            author=_comment_author(c),
            kind=kind,
            parent_id=str(parent) if parent else None,
            root_id=str(media) if media else None,
            parent_author_id=parent_author,
            likes=to_int(c.get("like_count")),
            mentions=mentions_in(text),
            hashtags=hashtags_in(text),
            links=links_in(text),
            raw=c,
        )


SOURCE = InstagramGraphSource()
