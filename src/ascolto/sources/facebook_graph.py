"""Facebook Graph API JSON: page feeds, comment edges, single posts and comments.

A file is a saved API response (or JSON lines of them): a page ``{"data": [...], "paging": ...}``
of ``/{page}/feed`` (or ``/posts``) or of ``/{object}/comments`` (``filter=stream`` lists replies
flat, with ``parent{id}`` when requested), a single post or comment node, or an ``?ids=`` batch
``{id: node}``. Comments inlined in a post (``fields=comments{...}``) and their replies are
imported too. Page info objects (``/{page}?fields=fan_count,...``) hold no message: detection
does not claim them.

Ids and threads. Post ids are ``{page_id}_{post_id}``; comment ids ``{post_id}_{comment_id}``.
Apps using Page Public Content Access get comments WITHOUT ``id`` and ``from`` (Graph API v11+),
but their ``permalink_url`` (``/{page_id}/posts/{post_id}/?comment_id=C&reply_comment_id=R``)
still says where they are: the id (``{post_id}_{R or C}``), the parent (``{post_id}_{C}`` for a
reply, the post otherwise) and the root (``{page_id}_{post_id}``) are derived from it. Without
permalink or ``parent``, the node of the page's ``paging`` URL is the parent (a post, or a
comment when the item ids share its prefix). Kinds: ``post``; ``comment`` (parent = the post);
``reply`` (parent = a comment).

Authors and owner. ``from{id,name}`` gives the author (handle = ``username`` if given, else the
name, so ``--owner "facebook:Page Name"`` works); comments without ``from`` have no author
(unknown, ``author=None``), so page replies among them cannot be recognised. A post without
``from`` (the feed was requested without it) is attributed to the page whose id prefixes the
post id: right for the page's own posts, wrong for visitor posts, which need ``from``.
The owner is the page: ``--owner facebook:PAGE_ID``; page replies are comments whose
``from.id`` is the page id.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import orjson

from ascolto.errors import RecordError
from ascolto.models import Author, Message
from ascolto.sources.base import Bad, Options, RawRecord, Source
from ascolto.sources.fields import hashtags_in, links_in, tag_names, to_int, to_utc
from ascolto.sources.files import json_objects

_EMPTY: Mapping[str, Any] = {}
_GRAPH_TIME = re.compile(r'"created_time"\s*:\s*"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}"')
_MESSAGE_KEYS = ('"message"', '"permalink_url"', '"status_type"', '"comment_count"')
#: Edges whose items are posts; ``comments`` items are comments.
_POST_EDGES = frozenset(
    {"feed", "posts", "published_posts", "visitor_posts", "tagged", "scheduled_posts", "ads_posts"}
)
_POST_KEYS = frozenset(
    {
        "status_type",
        "reactions",
        "shares",
        "attachments",
        "full_picture",
        "updated_time",
        "story",
        "is_published",
        "privacy",
        "icon",
    }
)
_COMMENT_KEYS = frozenset(
    {
        "comment_count",
        "parent",
        "can_reply_privately",
        "is_hidden",
        "attachment",
        "like_count",
        "can_remove",
        "can_hide",
        "object",
    }
)


def facebook_author(user: Mapping[str, Any]) -> Author:
    """A Graph API ``from`` object (user or page) as an ``Author``."""
    name = user.get("name")
    return Author(
        platform="facebook", id=str(user["id"]), handle=user.get("username") or name, name=name
    )


def graph_edge(page: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """``(node_id, edge)`` of a response page, from its ``paging.next``/``previous`` URL.

    ``https://graph.facebook.com/v11.0/19292868552_1015/comments?...`` -> ``("19292868552_1015",
    "comments")``: what the items hang on, which the items themselves often do not say.
    """
    paging = page.get("paging") or _EMPTY
    url = paging.get("next") or paging.get("previous") if isinstance(paging, dict) else None
    if not isinstance(url, str):
        return None, None
    parts = [p for p in urlsplit(url).path.split("/") if p]
    if parts and parts[0].startswith("v") and parts[0][1:2].isdigit():
        parts = parts[1:]
    if len(parts) >= 2:
        return parts[-2], parts[-1]
    return None, None


def permalink_ids(url: Any) -> tuple[str | None, str | None, str | None, str | None]:
    """``(page_id, post_id, comment_id, reply_comment_id)`` found in a ``permalink_url``."""
    if not isinstance(url, str) or not url:
        return None, None, None, None
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    path = [p for p in parts.path.split("/") if p]
    page = post = None
    if len(path) >= 3 and path[1] in ("posts", "videos"):
        page, post = path[0], path[2]
    elif path and path[0] in ("permalink.php", "story.php"):
        page, post = _first(query, "id"), _first(query, "story_fbid")
    elif path:
        digits = [p for p in path if p.isdigit()]
        post = digits[-1] if digits else None
    return page, post, _first(query, "comment_id"), _first(query, "reply_comment_id")


def _first(query: Mapping[str, list[str]], key: str) -> str | None:
    values = query.get(key)
    return values[0] if values else None


def comment_place(
    c: Mapping[str, Any], context: Mapping[str, Any]
) -> tuple[str, str | None, str | None, bool]:
    """``(id, parent_id, root_id, is_reply)`` of a comment, from its fields, else its permalink,
    else where it was found (``context``: the node whose comments edge held it)."""
    page, post, comment_id, reply_id = permalink_ids(c.get("permalink_url"))
    root = f"{page}_{post}" if page and post and page.isdigit() and post.isdigit() else None
    root = root or context.get("post")
    node = context.get("node")
    if isinstance(root, str) and "_" in root:
        post = root.partition("_")[2]  # numeric, where a permalink may say ``pfbid...``
    cid = c.get("id")
    if cid is not None:
        cid = str(cid)
    elif (reply_id or comment_id) and post:
        cid = f"{post}_{reply_id or comment_id}"
    else:
        raise RecordError("comment without id and without a permalink_url that names it")
    parent_obj = c.get("parent")
    if isinstance(parent_obj, dict) and parent_obj.get("id"):
        return cid, str(parent_obj["id"]), root, True
    if reply_id and comment_id:
        return cid, f"{post}_{comment_id}" if post else node, root, True
    if comment_id:
        return cid, root or node, root, False
    if context.get("parent_is_comment"):
        return cid, node, root, True
    if isinstance(node, str) and "_" in node and "_" in cid and not root:
        # Comment ids are ``{post}_{n}``: on ``/{post}/comments`` the prefix is the node's tail;
        # on ``/{comment}/comments`` (replies) it is the node's head.
        if cid.partition("_")[0] == node.partition("_")[0]:
            return cid, node, None, True
        return cid, node, node, False
    return cid, node or root, root, False


def _summary_count(edge: Any) -> int | None:
    if isinstance(edge, dict):
        return to_int((edge.get("summary") or _EMPTY).get("total_count"))
    return None


class FacebookGraphSource(Source):
    name = "facebook_graph"
    platform = "facebook"
    description = "Facebook Graph API JSON: page feed, comments (also PPCA without ids), nodes"
    examples = (
        "formats/facebook_graph/apidata_comments_comment_info.json",
        "formats/facebook_graph/apidata_comments_comments_info.json",
        "formats/facebook_graph/apidata_comments_comments_p1.json",
        "formats/facebook_graph/apidata_comments_comments_p2.json",
        "formats/facebook_graph/apidata_posts_feeds_default_fields_p1.json",
        "formats/facebook_graph/apidata_posts_single_post_data.json",
        "formats/facebook_graph/models_comment.json",
        "formats/facebook_graph/models_post.json",
    )

    def detect(self, path: Path, head: str) -> float:
        start = head.lstrip()[:1]
        if start not in ("{", "[") or not _GRAPH_TIME.search(head):
            return 0.0
        return 0.9 if any(k in head for k in _MESSAGE_KEYS) else 0.6

    def read(self, path: Path, options: Options) -> Iterator[RawRecord | Bad]:
        for item in json_objects(path):
            if isinstance(item, Bad):
                yield item
            else:
                yield from self._document(item[1], item[0])

    def _document(self, doc: dict[str, Any], base: str) -> Iterator[RawRecord | Bad]:
        where = base or "file"
        data = doc.get("data")
        if isinstance(doc.get("error"), dict):
            yield Bad(where, f"API error response: {doc['error'].get('message')}", _excerpt(doc))
        elif isinstance(data, list):
            node, edge = graph_edge(doc)
            context = {"node": node} if edge == "comments" else {}
            kind = "comment" if edge == "comments" else "post" if edge in _POST_EDGES else None
            for i, item in enumerate(data):
                yield from self._node(item, f"{base} data[{i}]".strip(), context, kind)
        elif "created_time" in doc:
            yield from self._node(doc, where, {}, None)
        elif doc and all(isinstance(v, dict) and v.get("id") == k for k, v in doc.items()):
            for key, node in doc.items():  # an ``?ids=a,b`` batch: {id: node}
                yield from self._node(node, f"{base} [{key}]".strip(), {}, None)
        else:
            yield Bad(
                where,
                "not a Facebook post or comment (no created_time: a page or user "
                "info object?); nothing to import",
                _excerpt(doc),
            )

    def _node(
        self, node: Any, where: str, context: Mapping[str, Any], kind: str | None
    ) -> Iterator[RawRecord | Bad]:
        if not isinstance(node, dict):
            yield Bad(where, "not a JSON object", _excerpt(node))
            return
        kind = kind or _node_kind(node)
        yield RawRecord(node, where, {**context, "type": kind})
        inline = node.get("comments")
        children = inline.get("data") if isinstance(inline, dict) else None
        if not children:
            return
        child_context: dict[str, Any]
        try:
            if kind == "post":
                node_id = str(node["id"])
                child_context = {
                    "node": node_id,
                    "post": node_id,
                    "parent_author": _post_author_id(node),
                }
            else:
                cid, _parent, root, _reply = comment_place(node, context)
                author = node.get("from") or _EMPTY
                child_context = {
                    "node": cid,
                    "post": root,
                    "parent_is_comment": True,
                    "parent_author": author.get("id"),
                }
        except (KeyError, RecordError):
            return  # the parent itself is quarantined; its children cannot be placed
        for i, child in enumerate(children):
            yield from self._node(child, f"{where}.comments.data[{i}]", child_context, "comment")

    def normalise(self, raw: RawRecord) -> Message:
        node = raw.data
        if not isinstance(node, dict):
            raise RecordError("not a JSON object")
        if "created_time" not in node:
            raise RecordError("no created_time")
        if raw.context.get("type") == "comment":
            return self._comment(node, raw.context)
        return self._post(node)

    def _post(self, p: dict[str, Any]) -> Message:
        if "id" not in p:
            raise RecordError("post without id")
        pid = str(p["id"])
        sender = p.get("from")
        if isinstance(sender, dict) and sender.get("id"):
            author: Author | None = facebook_author(sender)
        else:
            page = _post_author_id(p)
            author = Author(platform="facebook", id=page) if page else None
        text = p.get("message") or p.get("story")
        likes = None
        for edge in ("reactions", "like", "likes"):  # all reactions, else only LIKEs
            likes = _summary_count(p.get(edge))
            if likes is not None:
                break
        links = links_in(text)
        attachments = (p.get("attachments") or _EMPTY).get("data")
        for a in attachments if isinstance(attachments, list) else ():
            if isinstance(a, dict) and a.get("type") == "share" and a.get("unshimmed_url"):
                links.append(a["unshimmed_url"])
        if isinstance(p.get("link"), str):
            links.append(p["link"])
        return Message(
            platform="facebook",
            id=pid,
            created_at=to_utc(p["created_time"]),
            text=text,
            author=author,
            kind="post",
            url=p.get("permalink_url") or f"https://www.facebook.com/{pid}",
            likes=likes,
            shares=to_int((p.get("shares") or _EMPTY).get("count")),
            replies=_summary_count(p.get("comments")),
            # Tagged pages and people, by the lower-cased names FB shows as their handles.
            mentions=tag_names(p.get("message_tags")),
            hashtags=hashtags_in(text),
            links=list(dict.fromkeys(links)),
            raw=p,
        )

    def _comment(self, c: dict[str, Any], context: Mapping[str, Any]) -> Message:
        cid, parent, root, is_reply = comment_place(c, context)
        sender = c.get("from")
        author = facebook_author(sender) if isinstance(sender, dict) and sender.get("id") else None
        text = c.get("message")
        parent_author = context.get("parent_author") if parent == context.get("node") else None
        return Message(
            platform="facebook",
            id=cid,
            created_at=to_utc(c["created_time"]),
            text=text,
            author=author,
            kind="reply" if is_reply else "comment",
            url=c.get("permalink_url"),
            parent_id=parent,
            root_id=root,
            parent_author_id=parent_author,
            likes=to_int(c.get("like_count")),
            replies=to_int(c.get("comment_count")),
            mentions=tag_names(c.get("message_tags")),
            hashtags=hashtags_in(text),
            links=links_in(text),
            raw=c,
        )


def _node_kind(node: Mapping[str, Any]) -> str:
    """Post or comment, for a node found alone (its edge unknown)."""
    permalink = node.get("permalink_url")
    if isinstance(permalink, str) and "comment_id=" in permalink:
        return "comment"
    if _POST_KEYS.intersection(node):
        return "post"
    return "comment" if _COMMENT_KEYS.intersection(node) else "post"


def _post_author_id(p: Mapping[str, Any]) -> str | None:
    sender = p.get("from")
    if isinstance(sender, dict) and sender.get("id"):
        return str(sender["id"])
    pid = str(p.get("id") or "")
    page, sep, _ = pid.partition("_")
    return page if sep and page.isdigit() else None


def _excerpt(value: Any) -> str:
    return orjson.dumps(value, default=str).decode()[:500]


SOURCE = FacebookGraphSource()
