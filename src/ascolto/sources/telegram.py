"""Telegram Desktop export ``result.json``: one chat, or a full-account export of many.

The serializer (tdesktop ``export_output_json.cpp``) writes one chat as
``{"name", "type", "id", "messages": [...]}``; a full-account export wraps chats in
``{"chats": {"list": [...]}, "left_chats": {"list": [...]}}``. Message ids restart in every
chat, so ids here are ``{chat_id}:{message_id}``.

Threads are ``reply_to_message_id`` chains inside a chat (comments on a channel post live in
its linked discussion group, where the post arrives auto-forwarded and comments reply to it).
A message replying to a root is a ``comment``, one replying to a reply a ``reply``; the root is
found by walking the chain (a forum topic's root is its ``topic_created`` service message).
A message forwarded from someone else is a ``share``. Service messages (joins, pins, topics)
and ``unsupported`` ones are skipped on purpose.

Authors are ``from_id`` (``user123``, ``channel456``; old exports write a bare user number,
read as ``user<n>``) with ``from`` as the display name: exports carry no user names. A
channel's posts, and a discussion group's answers "as the channel", have the channel's
``from_id``, so the brand is ``--owner telegram:channel456`` (or an admin's
``--owner telegram:user123``).

Times: ``date_unixtime`` is UTC; old exports only have ``date`` in the exporting computer's
local time, read in the ``tz`` option (default UTC). Text arrives as a string or an array of
strings and entities and is flattened; hashtags, mentions and links come from the entities.
The serializer writes control characters as ``\\xNN``, which is not JSON: those are repaired.
Exports are one JSON document and are loaded whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import orjson

from ascolto.errors import BadOption, RecordError
from ascolto.models import Author, Message
from ascolto.sources.base import Bad, Options, RawRecord, Setting, Source
from ascolto.sources.fields import hashtags_in, links_in, mentions_in, to_int, to_str, to_utc
from ascolto.sources.files import open_binary

_CHAT_TYPE = re.compile(
    r'"type"\s*:\s*"(?:personal_chat|bot_chat|private_group|private_supergroup|'
    r'public_supergroup|private_channel|public_channel|saved_messages|replies)"'
)
_ACCOUNT_START = re.compile(r'^\{\s*"about"\s*:')
_ACCOUNT_KEYS = (
    '"personal_information"',
    '"chats"',
    '"left_chats"',
    '"frequent_contacts"',
    '"profile_pictures"',
    '"contacts"',
)
#: ``\xNN`` escapes the serializer writes for control characters, not after an escaped ``\\``.
_BAD_ESCAPE = re.compile(rb"(?<!\\)((?:\\\\)*)\\x([0-9A-Fa-f]{2})")
_LINKED_TYPES = ("private_supergroup", "public_supergroup", "private_channel", "public_channel")
_MAX_CHAIN = 10_000
_NOT_DIGIT = re.compile(r"\D")


def _load(path: Path) -> Any:
    with open_binary(path) as f:
        data = f.read()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        fixed = _BAD_ESCAPE.sub(rb"\1\\u00\2", data)
        if fixed == data:
            raise
        return orjson.loads(fixed)


def _peer_id(value: Any) -> str | None:
    """``from_id`` as ``user123``/``channel456``/``chat789``; old bare numbers are users."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"user{to_str(value)}"
    s = to_str(value)
    if s is not None and s.isdigit():
        return f"user{s}"
    return s


def _flatten(text: Any) -> str:
    if isinstance(text, str):
        return text
    if isinstance(text, list):
        return "".join(
            p if isinstance(p, str) else str(p.get("text", ""))
            for p in text
            if isinstance(p, str | dict)
        )
    return ""


def _entities(m: Mapping[str, Any]) -> list[dict[str, Any]] | None:
    entities = m.get("text_entities")
    if isinstance(entities, list):
        return [e for e in entities if isinstance(e, dict)]
    text = m.get("text")
    if isinstance(text, list):
        return [e for e in text if isinstance(e, dict)]
    return None


class TelegramSource(Source):
    name = "telegram"
    platform = "telegram"
    description = "Telegram Desktop export result.json (one chat, or a full-account export)"
    settings = (
        Setting(
            "tz",
            "time zone of the exporting computer, for old exports that lack "
            "date_unixtime (e.g. Europe/Rome)",
            default="UTC",
        ),
    )
    examples = (
        "tests/fixtures/telegram/result.json",
        "tests/fixtures/telegram/account_result.json",
    )

    def detect(self, path: Path, head: str) -> float:
        start = head.lstrip()
        if not start.startswith("{"):
            return 0.0
        if _ACCOUNT_START.match(start) and any(k in head for k in _ACCOUNT_KEYS):
            return 0.9
        if '"messages"' not in head or not _CHAT_TYPE.search(head):
            return 0.0
        return 0.95 if '"date_unixtime"' in head else 0.8

    def read(self, path: Path, options: Options) -> Iterator[RawRecord | Bad]:
        tz_name = options.get("tz") or "UTC"
        try:
            tz = ZoneInfo(tz_name)
        except (ZoneInfoNotFoundError, ValueError):
            raise BadOption(f"telegram: unknown time zone tz={tz_name!r}") from None
        try:
            doc = _load(path)
        except orjson.JSONDecodeError as e:
            yield Bad("file", f"invalid JSON: {e}")
            return
        if not isinstance(doc, dict):
            yield Bad("file", "not a Telegram export (no JSON object at the top)")
            return
        if "messages" in doc:
            chats: list[tuple[str, Any]] = [("$", doc)]
        else:
            chats = [
                (f"{section}.list[{i}]", chat)
                for section in ("chats", "left_chats")
                for i, chat in enumerate(((doc.get(section) or {}).get("list")) or ())
            ]
        for where, chat in chats:
            yield from self._chat(where, chat, tz)

    def _chat(self, where: str, chat: Any, tz: ZoneInfo) -> Iterator[RawRecord | Bad]:
        if not isinstance(chat, dict) or chat.get("id") is None:
            yield Bad(where, "chat without id", str(chat)[:500])
            return
        messages = chat.get("messages")
        if not isinstance(messages, list):
            yield Bad(where, "chat without a messages list")
            return
        chat_ctx = {
            "chat_id": to_str(chat["id"]),
            "chat_type": chat.get("type"),
            "chat_name": chat.get("name"),
            "tz": tz,
        }
        valid = [m for m in messages if isinstance(m, dict) and "id" in m]
        reply_to = {
            m["id"]: m.get("reply_to_message_id") for m in valid if "reply_to_peer_id" not in m
        }
        author_of = {m["id"]: m.get("from_id") or m.get("actor_id") for m in valid}
        roots: dict[Any, Any] = {}
        for i, m in enumerate(messages):
            location = f"{where}.messages[{i}]"
            if not isinstance(m, dict) or "id" not in m:
                yield Bad(location, "message without id", str(m)[:500])
                continue
            parent = m.get("reply_to_message_id")
            context: dict[str, Any] = {"chat": chat_ctx}
            if parent is not None and "reply_to_peer_id" not in m:
                context["root"] = _root(m["id"], reply_to, roots)
                context["parent_is_root"] = parent in reply_to and reply_to[parent] is None
                context["parent_author"] = _peer_id(author_of.get(parent))
            yield RawRecord(m, location, context)

    def normalise(self, raw: RawRecord) -> Message | None:
        m = raw.data
        if not isinstance(m, dict):
            raise RecordError("message is not a JSON object")
        if m.get("type", "message") != "message":
            return None  # service messages (joins, pins, topics) and unsupported media
        chat = raw.context["chat"]
        chat_id = chat["chat_id"]
        mid = to_str(m.get("id"))
        if mid is None:
            raise RecordError("message without id")
        author = self._author(m, chat)
        text = _flatten(m.get("text")).strip() or None
        poll = m.get("poll")
        if text is None and isinstance(poll, dict):
            text = poll.get("question") or None
        parent = to_str(m.get("reply_to_message_id"))
        parent_id = root_id = None
        forwarded = m.get("forwarded_from")
        kind = "post"
        if parent is not None:
            peer = m.get("reply_to_peer_id")
            parent_chat = _NOT_DIGIT.sub("", str(peer)) if peer is not None else chat_id
            parent_id = f"{parent_chat}:{parent}"
            root = raw.context.get("root")
            root_id = f"{chat_id}:{root}" if root is not None else None
            kind = "comment" if raw.context.get("parent_is_root") else "reply"
        else:
            root_id = f"{chat_id}:{mid}"
            if forwarded and forwarded != m.get("from"):
                kind = "share"
        mentions, hashtags, links = self._tags(m, text)
        reactions = m.get("reactions")
        likes = None
        if isinstance(reactions, list):
            likes = sum(to_int(r.get("count")) or 0 for r in reactions if isinstance(r, dict))
        url = f"https://t.me/c/{chat_id}/{mid}" if chat.get("chat_type") in _LINKED_TYPES else None
        return Message(
            platform="telegram",
            id=f"{chat_id}:{mid}",
            created_at=self._time(m, chat["tz"]),
            text=text,
            author=author,
            kind=kind,
            url=url,
            parent_id=parent_id,
            root_id=root_id,
            parent_author_id=raw.context.get("parent_author"),
            shared_author_id=_peer_id(m.get("forwarded_from_id")) if kind == "share" else None,
            likes=likes,
            mentions=mentions,
            hashtags=hashtags,
            links=links,
            raw=m,
        )

    @staticmethod
    def _author(m: Mapping[str, Any], chat: Mapping[str, Any]) -> Author | None:
        peer = _peer_id(m.get("from_id"))
        if peer is not None:
            return Author(platform="telegram", id=peer, name=m.get("from"))
        if str(chat.get("chat_type", "")).endswith("_channel"):
            # Old exports leave channel posts without ``from_id``: the channel wrote them.
            return Author(
                platform="telegram",
                id=f"channel{chat['chat_id']}",
                name=m.get("from") or chat.get("chat_name"),
            )
        return None

    @staticmethod
    def _time(m: Mapping[str, Any], tz: ZoneInfo) -> datetime:
        unix = m.get("date_unixtime")
        if unix not in (None, ""):
            return to_utc(unix)
        date = m.get("date")
        if not date:
            raise RecordError("message without date")
        local = datetime.fromisoformat(str(date))
        if local.tzinfo is None:
            local = local.replace(tzinfo=tz)
        return to_utc(local)

    @staticmethod
    def _tags(m: Mapping[str, Any], text: str | None) -> tuple[list[str], list[str], list[str]]:
        entities = _entities(m)
        if entities is None:
            return mentions_in(text), hashtags_in(text), links_in(text)
        mentions: list[str] = []
        hashtags: list[str] = []
        links: list[str] = []
        for e in entities:
            kind, value = e.get("type"), str(e.get("text") or "")
            if kind == "mention" and value:
                mentions.append(value.removeprefix("@").lower())
            elif kind == "hashtag" and value:
                hashtags.append(value.removeprefix("#").lower())
            elif kind == "link" and value:
                links.append(value)
            elif kind == "text_link" and e.get("href"):
                links.append(str(e["href"]))
        return (
            list(dict.fromkeys(mentions)),
            list(dict.fromkeys(hashtags)),
            list(dict.fromkeys(links)),
        )


def _root(mid: Any, reply_to: Mapping[Any, Any], roots: dict[Any, Any]) -> Any:
    """The top of ``mid``'s reply chain in this chat; ``None`` when a parent is missing.

    Memoised, so a chat's chains are walked once overall, not once per message.
    """
    path = []
    current = mid
    result = None
    for _ in range(_MAX_CHAIN):
        if current in roots:
            result = roots[current]
            break
        if current not in reply_to:
            break  # the parent is not in the export (deleted, or outside the date range)
        parent = reply_to[current]
        if parent is None:
            result = current
            break
        path.append(current)
        current = parent
    for seen in path:
        roots[seen] = result
    return result


SOURCE = TelegramSource()
