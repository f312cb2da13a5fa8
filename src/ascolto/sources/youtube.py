"""YouTube Data API v3 JSON: comment threads, comments (replies) and videos.

A file is a saved API response (or JSON lines of them): ``commentThreads.list`` pages or a
single ``youtube#commentThread`` (top-level comment plus inline ``replies.comments``, which may
be incomplete), ``comments.list`` pages (replies fetched with ``parentId``), single comments, and
``videos.list`` pages or ``youtube#video`` objects (imported as posts). Channel info
(``youtube#channel``) is an author, not a message: detection does not claim it.

Threads. The video is the thread root: top-level comments are kind ``comment`` with
``parent_id = root_id = videoId``, so answering the video is visible as a reply to it; replies
are kind ``reply`` with ``parent_id`` = the top-level comment (``parentId``) and root = the video
when the record says it (a ``comments.list`` reply often does not: the store then finds the root
through its parent). Channel-discussion comments (no ``videoId``) have no parent.

Authors and owner. Author id = ``authorChannelId.value`` (the channel id); handle = the ``@name``
of the channel URL or display name when there is one, else the display name. The owner is the
video's channel, ``snippet.channelId``: ``--owner youtube:CHANNEL_ID`` marks the channel, and
its replies are the owner replies. Comments point at it with ``parent_author_id`` so the reply
edge to the channel exists even when the video itself was not imported. Text is ``textOriginal``
(plain), else ``textDisplay`` (HTML) made plain.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ascolto.errors import RecordError
from ascolto.models import Author, Message
from ascolto.sources.base import Bad, Options, RawRecord, Source
from ascolto.sources.fields import hashtags_in, html_to_text, links_in, mentions_in, to_int, to_utc
from ascolto.sources.files import json_documents

_EMPTY: Mapping[str, Any] = {}
_KIND = re.compile(r'"kind"\s*:\s*"youtube#(\w+)"')
#: Resource kinds that are (or hold) messages; channel, playlist and search kinds are not.
_MESSAGE_KINDS = frozenset(
    {
        "commentThreadListResponse",
        "commentThread",
        "commentListResponse",
        "comment",
        "videoListResponse",
        "video",
    }
)


def youtube_author(snippet: Mapping[str, Any]) -> Author | None:
    """The comment's author channel, or None when the API gives none (deleted channel)."""
    channel = (snippet.get("authorChannelId") or _EMPTY).get("value")
    if not channel:
        return None
    name = snippet.get("authorDisplayName")
    url = snippet.get("authorChannelUrl")
    handle = None
    if isinstance(url, str) and "/@" in url:
        handle = url.rpartition("/@")[2].strip("/") or None
    if handle is None and isinstance(name, str) and name:
        handle = name.removeprefix("@")
    return Author(platform="youtube", id=str(channel), handle=handle, name=name, url=url)


class YouTubeSource(Source):
    name = "youtube"
    platform = "youtube"
    description = "YouTube Data API v3 JSON: commentThreads, comments (replies), videos"
    examples = (
        "formats/youtube/apidata_comment_threads_comment_thread_single.json",
        "formats/youtube/apidata_comment_threads_comment_threads_all_to_me.json",
        "formats/youtube/apidata_comment_threads_comment_threads_by_video_paged_1.json",
        "formats/youtube/apidata_comment_threads_comment_threads_by_video_paged_2.json",
        "formats/youtube/apidata_comments_comments_by_parent_paged_1.json",
        "formats/youtube/apidata_comments_comments_by_parent_paged_2.json",
        "formats/youtube/modeldata_comments_comment_thread_info.json",
        "formats/youtube/modeldata_videos_video_info.json",
    )

    def detect(self, path: Path, head: str) -> float:
        if head.lstrip()[:1] not in ("{", "["):
            return 0.0
        found = _KIND.search(head)
        return 0.95 if found and found.group(1) in _MESSAGE_KINDS else 0.0

    def read(self, path: Path, options: Options) -> Iterator[RawRecord | Bad]:
        for item in json_documents(path):
            if isinstance(item, Bad):
                yield item
            else:
                yield from self._resource(item[1], item[0] or "file")

    def _resource(self, res: Any, where: str) -> Iterator[RawRecord | Bad]:
        if isinstance(res, list):
            for i, sub in enumerate(res):
                yield from self._resource(sub, f"{where} [{i}]")
            return
        if not isinstance(res, dict):
            yield Bad(where, "not a JSON object", repr(res)[:500])
            return
        kind = str(res.get("kind", "")).removeprefix("youtube#")
        if isinstance(res.get("error"), dict):
            yield Bad(where, f"API error response: {res['error'].get('message')}", repr(res)[:500])
        elif kind.endswith("ListResponse") and isinstance(res.get("items"), list):
            prefix = "" if where == "file" else f"{where} "
            for i, sub in enumerate(res["items"]):
                yield from self._resource(sub, f"{prefix}items[{i}]")
        elif kind == "commentThread":
            yield from self._thread(res, where)
        elif kind in ("comment", "video"):
            yield RawRecord(res, where, {"type": kind})
        else:
            yield Bad(
                where,
                f"youtube#{kind or '?'} is not a comment, thread or video; nothing to import",
                repr(res)[:500],
            )

    def _thread(self, thread: dict[str, Any], where: str) -> Iterator[RawRecord]:
        snippet = thread.get("snippet") or _EMPTY
        top = snippet.get("topLevelComment") or _EMPTY
        channel = snippet.get("channelId")
        yield RawRecord(thread, where, {"type": "thread"})
        video = snippet.get("videoId") or (top.get("snippet") or _EMPTY).get("videoId")
        parent_author = youtube_author(top.get("snippet") or _EMPTY)
        context = {
            "type": "comment",
            "video": video,
            "channel": channel,
            "parent": top.get("id") or thread.get("id"),
            "parent_author": parent_author.id if parent_author else None,
        }
        for i, reply in enumerate((thread.get("replies") or _EMPTY).get("comments") or ()):
            yield RawRecord(reply, f"{where}.replies.comments[{i}]", context)

    def normalise(self, raw: RawRecord) -> Message:
        res = raw.data
        if not isinstance(res, dict):
            raise RecordError("not a JSON object")
        kind = raw.context.get("type")
        if kind == "video":
            return self._video(res)
        if kind == "thread":
            snippet = res.get("snippet") or _EMPTY
            top = snippet.get("topLevelComment")
            if not isinstance(top, dict):
                raise RecordError("commentThread without topLevelComment")
            context = {"video": snippet.get("videoId"), "channel": snippet.get("channelId")}
            return self._comment(top, context, to_int(snippet.get("totalReplyCount")), res)
        return self._comment(res, raw.context, None, res)

    def _comment(
        self, c: Mapping[str, Any], context: Mapping[str, Any], replies: int | None, raw: Any
    ) -> Message:
        s = c.get("snippet")
        if not isinstance(s, dict) or not c.get("id"):
            raise RecordError("comment without id or snippet")
        cid = str(c["id"])
        video = s.get("videoId") or context.get("video")
        parent = s.get("parentId") or context.get("parent")
        if parent:
            kind, parent_author = "reply", context.get("parent_author")
        else:
            kind, parent = "comment", video
            parent_author = s.get("channelId") or context.get("channel")
        text = s.get("textOriginal")
        if text is None:
            text = html_to_text(s.get("textDisplay"))
        return Message(
            platform="youtube",
            id=cid,
            created_at=to_utc(s["publishedAt"]),
            text=text,
            author=youtube_author(s),
            kind=kind,
            url=f"https://www.youtube.com/watch?v={video}&lc={cid}" if video else None,
            parent_id=parent,
            root_id=video,
            parent_author_id=parent_author,
            likes=to_int(s.get("likeCount")),
            replies=replies,
            mentions=mentions_in(text),
            hashtags=hashtags_in(text),
            links=links_in(text),
            raw=raw,
        )

    def _video(self, v: Mapping[str, Any]) -> Message:
        s = v.get("snippet")
        vid = v.get("id")
        if not isinstance(s, dict) or not vid:
            raise RecordError("video without id or snippet")
        stats = v.get("statistics") or _EMPTY
        channel = s.get("channelId")
        author = (
            Author(platform="youtube", id=str(channel), name=s.get("channelTitle"))
            if channel
            else None
        )
        description = s.get("description") or None
        return Message(
            platform="youtube",
            id=str(vid),
            created_at=to_utc(s["publishedAt"]),
            text=description,
            author=author,
            kind="post",
            lang=s.get("defaultLanguage") or s.get("defaultAudioLanguage"),
            url=f"https://www.youtube.com/watch?v={vid}",
            title=s.get("title"),
            likes=to_int(stats.get("likeCount")),
            replies=to_int(stats.get("commentCount")),
            views=to_int(stats.get("viewCount")),
            mentions=mentions_in(description),
            hashtags=hashtags_in(description),
            links=links_in(description),
            raw=v,
        )


SOURCE = YouTubeSource()
