"""Customer Support on Twitter (Kaggle "twcs", ThoughtVector) CSV, with or without a pandas index.

Columns: ``tweet_id, author_id, inbound, created_at, text, response_tweet_id,
in_response_to_tweet_id``; copies written back by pandas add a leading unnamed index column.
Brands are authors with ``inbound=False``: their ``author_id`` is their handle (``sprintcare``),
which is both the author's id and handle, so ``--owner x:sprintcare`` names the same account the
format already marks ``is_owned``. Customers are anonymised integers, used as id and handle too
because the texts mention them that way (``@115712``). Tweet ids are the dataset's own renumbered
ids (1, 2, 3…), not real tweet ids, so messages get no URL.

A reply is a row with ``in_response_to_tweet_id`` (written as a float, ``3.0``); the store walks
parents for the roots. ``response_tweet_id`` (the children) stays in ``raw`` only.

The file is read with the ``csv`` module, streaming. One known row (tweet 3399, near row 2485 of
the full file) has an unquoted carriage return inside its text, which splits it in two: the text
up to the CR, then a row holding the rest of the text and the last columns. A row with neither
author nor time is such a continuation and is joined back onto the row before it when the result
is unambiguous (the first part has nothing after its text, the second holds only the text's
tail and id lists); anything else is quarantined.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

from ascolto.errors import RecordError
from ascolto.models import Author, Message
from ascolto.sources.base import Bad, Options, RawRecord, Source
from ascolto.sources.fields import hashtags_in, links_in, mentions_in, to_bool, to_utc
from ascolto.sources.files import open_text

COLUMNS = (
    "tweet_id",
    "author_id",
    "inbound",
    "created_at",
    "text",
    "response_tweet_id",
    "in_response_to_tweet_id",
)
_INDEX_NAMES = ("", "Unnamed: 0")
_ID_LIST = re.compile(r"[\d.,\s]*")


def _columns(cells: list[str]) -> list[str] | None:
    """The columns of a twcs header row, with the pandas index column named ``""``."""
    if tuple(cells) == COLUMNS:
        return list(COLUMNS)
    if len(cells) == len(COLUMNS) + 1 and cells[0] in _INDEX_NAMES and tuple(cells[1:]) == COLUMNS:
        return ["", *COLUMNS]
    return None


def _tweet_id(value: str | None) -> str | None:
    """``"3.0"``/``"3"`` -> ``"3"``; ``None`` for an empty cell."""
    s = (value or "").strip()
    if not s:
        return None
    whole, _, fraction = s.partition(".")
    if not whole.isdigit() or fraction.strip("0"):
        raise RecordError(f"not a tweet id: {value!r}")
    return str(int(whole))


class TwcsSource(Source):
    name = "twcs"
    platform = "x"
    description = "Customer Support on Twitter CSV (Kaggle twcs: brands' and customers' tweets)"
    examples = (
        "twcs_customer_support_twitter/twcs_part.csv",
        "twcs_customer_support_twitter/kaggle_sample.csv",
    )

    def detect(self, path: Path, head: str) -> float:
        lines = head.lstrip("\ufeff").splitlines()
        cells = next(csv.reader(lines[:1]), [])
        return 0.97 if _columns(cells) else 0.0

    def read(self, path: Path, options: Options) -> Iterator[RawRecord | Bad]:
        with open_text(path) as f:
            reader = csv.reader(f)
            header = _columns(next(reader, []))
            if header is None:
                yield Bad("line 1", "not the twcs header", ",".join(COLUMNS))
                return
            width, text_at, time_at = len(header), header.index("text"), header.index("created_at")
            pending: tuple[list[str], int, int] | None = None
            end = reader.line_num
            for row in reader:
                start, end = end + 1, reader.line_num
                if not row:
                    continue
                if time_at < len(row) and row[time_at].strip():
                    if pending is not None:
                        yield self._record(header, *pending)
                    pending = (row, start, end)
                    continue
                # No time: the tail of a row split by a line break inside its text.
                merged = self._join(pending[0], row, width, text_at) if pending else None
                if pending is not None and merged is not None:
                    pending = (merged, pending[1], end)
                    continue
                if pending is not None:
                    yield Bad(
                        self._where(pending[1], pending[2]),
                        "row split by a line break that cannot be joined back",
                        ",".join(pending[0])[:500],
                    )
                    pending = None
                yield Bad(self._where(start, end), "row without created_at", ",".join(row)[:500])
            if pending is not None:
                yield self._record(header, *pending)

    @staticmethod
    def _join(first: list[str], tail: list[str], width: int, text_at: int) -> list[str] | None:
        """``first`` with ``tail`` (the rest of its text, then its last columns), if unambiguous."""
        after = width - text_at - 1
        if len(first) <= text_at or any(c.strip() for c in first[text_at + 1 :]):
            return None
        rest = [*tail[1:], *[""] * after]
        if any(c.strip() for c in rest[after:]) or not all(
            _ID_LIST.fullmatch(c) for c in rest[:after]
        ):
            return None
        return [*first[:text_at], f"{first[text_at]}\n{tail[0]}", *rest[:after]]

    @staticmethod
    def _where(start: int, end: int) -> str:
        return f"line {start}" if start == end else f"lines {start}-{end}"

    def _record(self, header: list[str], row: list[str], start: int, end: int) -> RawRecord | Bad:
        location = self._where(start, end)
        if len(row) > len(header):
            return Bad(location, f"{len(row)} fields, expected {len(header)}", ",".join(row)[:500])
        cells = [*row, *[""] * (len(header) - len(row))]
        return RawRecord(dict(zip(header, cells, strict=True)), location)

    def normalise(self, raw: RawRecord) -> Message:
        d = raw.data
        tid = _tweet_id(d.get("tweet_id"))
        author_id = (d.get("author_id") or "").strip()
        inbound = to_bool(d.get("inbound"))
        if tid is None or not author_id or inbound is None:
            raise RecordError("row without tweet_id, author_id or inbound")
        parent_id = _tweet_id(d.get("in_response_to_tweet_id"))
        text = d.get("text")
        author = Author(
            platform="x",
            id=author_id,
            handle=author_id,
            url=None if inbound else f"https://x.com/{author_id}",
            is_owned=not inbound,
        )
        return Message(
            platform="x",
            id=tid,
            created_at=to_utc(d.get("created_at")),
            text=text,
            author=author,
            kind="reply" if parent_id else "post",
            parent_id=parent_id,
            mentions=mentions_in(text),
            hashtags=hashtags_in(text),
            links=links_in(text),
            raw=d,
        )


SOURCE = TwcsSource()
