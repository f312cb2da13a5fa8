"""Instagram as saved Graph API responses: the account's media and each media's comments.

``media_pN.json`` are pages of ``/{ig-user-id}/media`` (newest first) with ``owner``,
``username``, ``timestamp`` in ``+0000`` form, ``like_count`` and ``comments_count``.
``comments/{media-id}_pN.json`` are pages of ``/{media-id}/comments`` (newest first, 50 a page)
with ``username``, ``from``, ``media{id}`` and the replies inline under ``replies.data`` (one
level, oldest first); the account's own comments carry ``user{id}``, as in
``formats/instagram_graph/models_ig_comment.json``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ascolto.demo.brand import ACCOUNTS
from ascolto.demo.formats.graph import API, graph_time, write_edge
from ascolto.demo.model import Post

MEDIA_PAGE = 25
COMMENTS_PAGE = 50
_MEDIA_FIELDS = (
    "id%2Ccaption%2Ccomments_count%2Clike_count%2Cmedia_type%2Cmedia_url"
    "%2Cpermalink%2Cshortcode%2Ctimestamp%2Cusername%2Cowner"
)
_COMMENT_FIELDS = (
    "id%2Ctext%2Ctimestamp%2Cusername%2Cfrom%2Clike_count%2Chidden%2Cmedia"
    "%2Cuser%2Creplies%7Bid%2Ctext%2Ctimestamp%2Cusername%2Cfrom%2Clike_count"
    "%2Cparent_id%2Cmedia%2Cuser%7D"
)
_SHORTCODE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"


def write_instagram(posts: list[Post], folder: Path) -> list[Path]:
    """Write the media pages and the comment pages of every media; returns the files."""
    user_id = ACCOUNTS["instagram"].id
    media = sorted(
        (p for p in posts if p.parent is None), key=lambda p: (p.created_at, p.id), reverse=True
    )
    written = write_edge(
        [_media(m) for m in media],
        MEDIA_PAGE,
        f"{API}/{user_id}/media",
        _MEDIA_FIELDS,
        folder / "media",
    )
    for m in media:
        comments = sorted(m.children, key=lambda c: (c.created_at, c.id), reverse=True)
        if not comments:
            continue
        written += write_edge(
            [_comment(c) for c in comments],
            COMMENTS_PAGE,
            f"{API}/{m.id}/comments",
            _COMMENT_FIELDS,
            folder / "comments" / m.id,
        )
    return written


def _media(m: Post) -> dict[str, Any]:
    code = shortcode(m.id)
    video = "video" in m.text.lower() or "🎥" in m.text
    return {
        "id": m.id,
        "caption": m.text,
        "comments_count": len(m.descendants()),
        "like_count": m.likes,
        "media_type": "VIDEO" if video else "IMAGE",
        "media_url": f"https://scontent.cdninstagram.com/v/t51.29350-15/{m.id}_n.jpg",
        "owner": {"id": ACCOUNTS["instagram"].id},
        "permalink": f"https://www.instagram.com/p/{code}/",
        "shortcode": code,
        "timestamp": graph_time(m.created_at),
        "username": m.author.handle,
    }


def _comment(c: Post) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": c.id,
        "text": c.text,
        "timestamp": graph_time(c.created_at),
        "username": c.author.handle,
        "from": {"id": c.author.id, "username": c.author.handle},
        "like_count": c.likes,
        "hidden": False,
        "media": {"id": c.root.id},
    }
    if c.author.owned:
        out["user"] = {"id": c.author.id}
    if c.kind == "reply" and c.parent is not None:
        out["parent_id"] = c.parent.id
    replies = sorted(c.children, key=lambda r: (r.created_at, r.id))
    if replies:
        out["replies"] = {"data": [_comment(r) for r in replies]}
    return out


def shortcode(media_id: str) -> str:
    """An 11-character Instagram shortcode derived from the media id."""
    n, out = int(media_id), []
    for _ in range(11):
        n, r = divmod(n, 64)
        out.append(_SHORTCODE[r])
    return "".join(reversed(out))
