"""Pushshift / Arctic Shift Reddit dumps: NDJSON of comments (RC) and submissions (RS).

One API ``data`` object per line, so records map exactly as in ``reddit`` and get the same
fullname ids (``t1_…``, ``t3_…``): a comment from a dump and from an API thread merge. Dumps
are tens of GB of zstd with a long window; they are streamed line by line through
``files.open_binary``. Trees are flat here: ``parent_id`` and ``link_id`` (the root) link a
comment to records in the same or another file (RS for the posts), and the store joins them.
``created_utc`` is an int, or a digit string in old dumps; PHP-style ``\\/`` escapes are plain
JSON. ``_meta`` (second retrieval, removal type) stays in ``raw``; ``[deleted]``/``[removed]``
bodies and authors become unknown text and author but keep their place in the tree.
Owner: ``--owner reddit:NAME`` (user name), as for the API threads.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import orjson

from ascolto.errors import RecordError
from ascolto.models import Message
from ascolto.sources.base import Bad, Options, RawRecord, Source
from ascolto.sources.files import jsonl_objects
from ascolto.sources.reddit import reddit_message

_MARKERS = ('"subreddit', '"created_utc"')


class PushshiftSource(Source):
    name = "pushshift"
    platform = "reddit"
    description = "Reddit Pushshift / Arctic Shift NDJSON dumps of comments (RC) and posts (RS)"
    examples = (
        "formats/reddit/pushshift_RC_2018-10.excerpt.ndjson",
        "tests/fixtures/pushshift/RS_sample.ndjson",
        "tests/fixtures/pushshift/RC_sample.ndjson",
    )

    def detect(self, path: Path, head: str) -> float:
        start = head.lstrip()
        if not start.startswith("{") or not all(m in head for m in _MARKERS):
            return 0.0
        first, newline, _ = start.partition("\n")
        try:
            obj = orjson.loads(first)
        except orjson.JSONDecodeError:
            # A line longer than the head: judge by the keys seen so far.
            if newline:
                return 0.0
            is_comment = '"link_id"' in first and '"parent_id"' in first and '"body"' in first
            return 0.7 if is_comment or '"num_comments"' in first else 0.0
        if not isinstance(obj, dict) or "created_utc" not in obj or "id" not in obj:
            return 0.0
        if "subreddit" not in obj and "subreddit_id" not in obj:
            return 0.0
        if "link_id" in obj and "parent_id" in obj and "body" in obj:
            return 0.95
        if "title" in obj and "num_comments" in obj:
            return 0.95
        return 0.0

    def read(self, path: Path, options: Options) -> Iterator[RawRecord | Bad]:
        for item in jsonl_objects(path):
            if isinstance(item, Bad):
                yield item
            else:
                yield RawRecord(item[2], f"line {item[0]}", text=item[1])

    def normalise(self, raw: RawRecord) -> Message:
        if not isinstance(raw.data, dict):
            raise RecordError("not a JSON object")
        return reddit_message(raw.data, raw.text if raw.text is not None else raw.data)


SOURCE = PushshiftSource()
