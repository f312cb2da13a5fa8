"""YouTube as saved Data API v3 responses: the channel's videos and their comment threads.

``videos.json`` is a ``videos.list`` response (``youtube#videoListResponse``, statistics as
strings). ``commentThreads_{videoId}_pN.json`` are ``commentThreads.list`` pages (newest first,
50 a page, ``nextPageToken`` on all but the last) with ``snippet.channelId`` and the replies
inline under ``replies.comments``, like ``formats/youtube/*comment_threads*``.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from ascolto.demo.brand import ACCOUNTS
from ascolto.demo.model import Person, Post

THREADS_PAGE = 50


def write_youtube(posts: list[Post], folder: Path) -> list[Path]:
    """Write the videos and the comment-thread pages of each; returns the files written."""
    videos = sorted((p for p in posts if p.parent is None), key=lambda p: (p.created_at, p.id))
    written = [
        _dump(
            folder / "videos.json",
            {
                "kind": "youtube#videoListResponse",
                "etag": _etag("videos"),
                "items": [_video(v) for v in videos],
                "pageInfo": {"totalResults": len(videos), "resultsPerPage": len(videos)},
            },
        )
    ]
    for video in videos:
        threads = sorted(video.children, key=lambda c: (c.created_at, c.id), reverse=True)
        pages = [threads[i : i + THREADS_PAGE] for i in range(0, len(threads), THREADS_PAGE)]
        for n, page in enumerate(pages, start=1):
            doc: dict[str, Any] = {
                "kind": "youtube#commentThreadListResponse",
                "etag": _etag(f"{video.id}/{n}"),
            }
            if n < len(pages):
                doc["nextPageToken"] = base64.b64encode(f"{video.id}:{n}".encode()).decode()
            doc["pageInfo"] = {"totalResults": len(page), "resultsPerPage": THREADS_PAGE}
            doc["items"] = [_thread(t, video) for t in page]
            written.append(_dump(folder / f"commentThreads_{video.id}_p{n}.json", doc))
    return written


def _video(v: Post) -> dict[str, Any]:
    return {
        "kind": "youtube#video",
        "etag": _etag(v.id),
        "id": v.id,
        "snippet": {
            "publishedAt": _time(v.created_at),
            "channelId": v.author.id,
            "title": v.title,
            "description": v.text,
            "channelTitle": v.author.name,
            "categoryId": "26",
            "liveBroadcastContent": "none",
            "defaultLanguage": "it",
            "defaultAudioLanguage": "it",
        },
        "statistics": {
            "viewCount": str(v.views or v.likes * 55),
            "likeCount": str(v.likes),
            "favoriteCount": "0",
            "commentCount": str(len(v.descendants())),
        },
    }


def _thread(top: Post, video: Post) -> dict[str, Any]:
    thread: dict[str, Any] = {
        "kind": "youtube#commentThread",
        "etag": _etag(f"thread/{top.id}"),
        "id": top.id,
        "snippet": {
            "channelId": ACCOUNTS["youtube"].id,
            "videoId": video.id,
            "topLevelComment": _comment(top, video),
            "canReply": True,
            "totalReplyCount": len(top.children),
            "isPublic": True,
        },
    }
    replies = sorted(top.children, key=lambda r: (r.created_at, r.id))
    if replies:
        thread["replies"] = {"comments": [_comment(r, video, top) for r in replies]}
    return thread


def _comment(c: Post, video: Post, parent: Post | None = None) -> dict[str, Any]:
    snippet: dict[str, Any] = {
        "channelId": ACCOUNTS["youtube"].id,
        "videoId": video.id,
        "textDisplay": html.escape(c.text, quote=False).replace("\n", "<br>"),
        "textOriginal": c.text,
        **_author(c.author),
        "canRate": True,
        "viewerRating": "none",
        "likeCount": c.likes,
        "publishedAt": _time(c.created_at),
        "updatedAt": _time(c.created_at),
    }
    if parent is not None:
        snippet["parentId"] = parent.id
    return {
        "kind": "youtube#comment",
        "etag": _etag(f"comment/{c.id}"),
        "id": c.id,
        "snippet": snippet,
    }


def _author(p: Person) -> dict[str, Any]:
    return {
        "authorDisplayName": p.handle,
        "authorProfileImageUrl": f"https://yt3.ggpht.com/ytc/{p.id[2:14]}=s48-c-k-c0x00ffffff-no-rj",
        "authorChannelUrl": f"http://www.youtube.com/{p.handle}",
        "authorChannelId": {"value": p.id},
    }


def _etag(key: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha1(key.encode()).digest()).decode()[:27]


def _time(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _dump(path: Path, doc: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    return path
