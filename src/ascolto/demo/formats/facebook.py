"""Facebook as saved Graph API responses: the page feed and each post's comments.

``page_feed_pN.json`` are pages of ``/{page-id}/feed`` (newest first, 25 a page) with ``from``,
``created_time`` in ``+0000`` form, ``reactions.summary``, ``shares.count`` and the comments
summary, like ``formats/facebook_graph/apidata_posts_feeds_default_fields_p1.json``.
``comments/{post-id}_pN.json`` are pages of ``/{post-id}/comments?filter=stream`` (oldest first,
100 a page): comments and replies flat, replies with ``parent{id}``, every one with ``from``
and a ``permalink_url`` carrying ``comment_id``/``reply_comment_id``, like
``apidata_comments_comments_p1.json`` fetched with a page token.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ascolto.demo.brand import ACCOUNTS
from ascolto.demo.formats.graph import API, graph_time, write_edge
from ascolto.demo.model import Post

FEED_PAGE = 25
COMMENTS_PAGE = 100
_FEED_FIELDS = (
    "id%2Cmessage%2Ccreated_time%2Cupdated_time%2Cfrom%2Cpermalink_url%2Cstatus_type"
    "%2Cshares%2Creactions.summary(total_count)%2Ccomments.summary(true)"
)
_COMMENT_FIELDS = (
    "id%2Cfrom%2Cmessage%2Ccreated_time%2Cparent%2Clike_count%2Ccomment_count%2Cpermalink_url"
)


def write_facebook(posts: list[Post], folder: Path) -> list[Path]:
    """Write the page feed and the comment pages of every post; returns the files written."""
    page_id = ACCOUNTS["facebook"].id
    tops = sorted(
        (p for p in posts if p.parent is None), key=lambda p: (p.created_at, p.id), reverse=True
    )
    written = write_edge(
        [_post(p) for p in tops],
        FEED_PAGE,
        f"{API}/{page_id}/feed",
        _FEED_FIELDS,
        folder / "page_feed",
    )
    for top in tops:
        thread = sorted(top.descendants(), key=lambda p: (p.created_at, p.id))
        if not thread:
            continue
        written += write_edge(
            [_comment(c) for c in thread],
            COMMENTS_PAGE,
            f"{API}/{top.id}/comments",
            _COMMENT_FIELDS + "&filter=stream&order=chronological&summary=true",
            folder / "comments" / top.id,
            summary={"order": "chronological", "total_count": len(thread), "can_comment": True},
        )
    return written


def _post(p: Post) -> dict[str, Any]:
    page_id, _, post_part = p.id.partition("_")
    total = len(p.descendants())
    return {
        "id": p.id,
        "created_time": graph_time(p.created_at),
        "updated_time": graph_time(max([p.created_at, *(c.created_at for c in p.children)])),
        "from": {"name": p.author.name, "id": p.author.id},
        "message": p.text,
        "permalink_url": f"https://www.facebook.com/{page_id}/posts/{post_part}",
        "status_type": "added_video" if "spot" in p.text.lower() else "added_photos",
        "shares": {"count": p.extra_shares or p.likes // 25},
        "reactions": {"data": [], "summary": {"total_count": p.likes, "viewer_reaction": "NONE"}},
        "comments": {
            "data": [],
            "summary": {"order": "chronological", "total_count": total, "can_comment": True},
        },
    }


def _comment(c: Post) -> dict[str, Any]:
    root = c.root
    page_id, _, post_part = root.id.partition("_")
    link = f"https://www.facebook.com/{page_id}/posts/{post_part}/?comment_id="
    if c.kind == "reply" and c.parent is not None:
        link += f"{c.parent.id.partition('_')[2]}&reply_comment_id={c.id.partition('_')[2]}"
    else:
        link += c.id.partition("_")[2]
    out: dict[str, Any] = {
        "can_comment": c.kind != "reply",
        "comment_count": len(c.children),
        "created_time": graph_time(c.created_at),
        "from": {"id": c.author.id, "name": c.author.name},
        "id": c.id,
        "is_hidden": False,
        "like_count": c.likes,
        "message": c.text,
        "permalink_url": link,
    }
    if c.kind == "reply" and c.parent is not None:
        out["parent"] = {"id": c.parent.id}
    return out
