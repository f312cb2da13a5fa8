"""Mastodon streaming API captures: SSE text (``event:``/``data:``) or WebSocket JSONL.

SSE events are ``event: NAME`` then ``data: PAYLOAD`` lines up to a blank line; lines starting
with ``:`` are heartbeats. The WebSocket form is one JSON object a line,
``{"stream": [...], "event": "update", "payload": "<Status as a JSON string>"}``: the payload is
decoded twice. ``update`` and ``status.update`` (an edit) carry a Status, normalised exactly as
the REST source does (same ids and authors, so stream and REST merge; see ``mastodon``).
Every other event (``delete``, ``notification``, ``conversation``, ``announcement``,
``filters_changed``...) is read and skipped on purpose: none is a public message of its own.
A status event whose payload is not a JSON Status is quarantined.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from ascolto.models import Message
from ascolto.sources.base import Bad, Options, RawRecord, Source
from ascolto.sources.files import jsonl_lines, open_binary
from ascolto.sources.mastodon import file_index, nested_statuses, status_message

#: Events whose payload is a Status.
STATUS_EVENTS = frozenset({"update", "status.update"})


class MastodonStreamSource(Source):
    name = "mastodon_stream"
    platform = "mastodon"
    description = "Mastodon streaming API captures: SSE event:/data: text or WebSocket JSONL"
    examples = ("formats/mastodon/docs_streaming_events_examples.sse",)

    def detect(self, path: Path, head: str) -> float:
        start = head.lstrip()
        if start.startswith(("event:", ":")) and "\ndata:" in head:
            return 0.95 if "event: update" in head or "event: status.update" in head else 0.8
        if start.startswith("{"):
            first = start.split("\n", 1)[0]
            if '"event"' in first and '"payload"' in first and '"stream"' in first:
                return 0.95
        return 0.0

    def read(self, path: Path, options: Options) -> Iterator[RawRecord | Bad]:
        with open_binary(path) as f:
            first = f.read(1)
            while first and first.isspace():
                first = f.read(1)
        if first == b"{":
            yield from self._read_websocket(path)
        else:
            yield from self._read_sse(path)

    def _read_sse(self, path: Path) -> Iterator[RawRecord | Bad]:
        event, start = "message", 0
        data: list[str] = []
        with open_binary(path) as f:
            for n, raw_line in enumerate(f, start=1):
                line = raw_line.decode("utf-8", errors="replace").rstrip("\r\n")
                if not line:
                    if data:
                        yield from _event(event, "\n".join(data), f"line {start}")
                    event, data, start = "message", [], 0
                    continue
                if line.startswith(":"):
                    continue  # heartbeat / comment
                field, _, value = line.partition(":")
                value = value.removeprefix(" ")
                if field == "event":
                    if data:  # no blank line before the next event: dispatch the last one
                        yield from _event(event, "\n".join(data), f"line {start}")
                        data = []
                    event, start = value, n
                elif field == "data":
                    if not data and not start:
                        start = n
                    data.append(value)
            if data:
                yield from _event(event, "\n".join(data), f"line {start}")

    def _read_websocket(self, path: Path) -> Iterator[RawRecord | Bad]:
        for item in jsonl_lines(path):
            if isinstance(item, Bad):
                yield item
                continue
            n, line, obj = item
            if not isinstance(obj, dict) or "event" not in obj:
                yield Bad(f"line {n}", "not a streaming event (no event)", line[:500])
                continue
            yield from _event(str(obj["event"]), obj.get("payload"), f"line {n}")

    def normalise(self, raw: RawRecord) -> Message | None:
        if raw.context.get("event") not in STATUS_EVENTS:
            return None
        return status_message(raw.data, raw.context, raw.text if raw.text is not None else raw.data)


def _event(event: str, payload: Any, location: str) -> Iterator[RawRecord | Bad]:
    """The records of one event: the Status and the statuses inside it, or a skipped event.

    A string payload is JSON text (SSE ``data:``, a WebSocket ``payload``) and is kept as the
    raw text; anything else came already parsed inside a WebSocket line.
    """
    if event not in STATUS_EVENTS:
        yield RawRecord(payload, location, {"event": event})
        return
    text = payload if isinstance(payload, str) else None
    status = payload
    if text is not None:
        try:
            status = orjson.loads(payload)
            if isinstance(status, str):  # JSON text of JSON text
                text = status
                status = orjson.loads(status)
        except orjson.JSONDecodeError as e:
            yield Bad(location, f"{event} event whose payload is not JSON: {e}", str(payload)[:500])
            return
    if not isinstance(status, dict):
        yield Bad(location, f"{event} event whose payload is not a Status", str(payload)[:500])
        return
    records = list(nested_statuses(status, location))
    index = {**file_index(s for s, _ in records), "event": event}
    for i, (s, loc) in enumerate(records):
        yield RawRecord(s, loc, index, text=text if i == 0 else None)


SOURCE = MastodonStreamSource()
