"""Any JSON-lines file of messages, read through ``--map`` (``--format jsonl``).

One object per line, mapped like a CSV row: top-level keys match the aliases after header
normalisation, and ``--map`` may name a nested key with dots (``--map
author_handle=user.screen_name``). Detection claims only the JSON lines ``ascolto export``
writes (0.9); other objects with a date and a text key score 0.3, so they need ``--format
jsonl``. Keys vary from line to line, so the mapping is resolved per distinct key set (cached).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from ascolto.sources.base import Bad, Options, RawRecord
from ascolto.sources.files import jsonl_objects
from ascolto.sources.table import EXPORT_COLUMNS, TableSource, header_key

#: Distinct key sets remembered per file; beyond this each line resolves its own.
_CACHE = 1024


class JsonlSource(TableSource):
    name = "jsonl"
    description = "Any JSON lines of messages, with --map field=key (and ascolto's JSONL export)"
    examples = ("tests/fixtures/table/ascolto_export.jsonl",)

    def detect(self, path: Path, head: str) -> float:
        line = head.lstrip().split("\n", 1)[0].strip()
        if not line.startswith("{"):
            return 0.0
        try:
            obj = orjson.loads(line)
        except orjson.JSONDecodeError:
            return 0.0
        if not isinstance(obj, dict):
            return 0.0
        keys = {header_key(k) for k in obj}
        if keys >= EXPORT_COLUMNS:
            return 0.9
        return 0.3 if self.is_header(keys, {}) else 0.0

    def read(self, path: Path, options: Options) -> Iterator[RawRecord | Bad]:
        base = self.base_context(options)
        contexts: dict[tuple[str, ...], dict[str, Any]] = {}
        checked = False
        for item in jsonl_objects(path):
            if isinstance(item, Bad):
                yield item
                continue
            n, line, obj = item
            keys = tuple(obj)
            ctx = contexts.get(keys)
            if ctx is None:
                columns = self.resolve(keys, options.mapping, str(path), strict=False)
                ctx = {**base, "columns": columns}
                if not checked:
                    self.check(columns, ctx, str(path))
                    checked = True
                if len(contexts) < _CACHE:
                    contexts[keys] = ctx
            yield RawRecord(obj, f"line {n}", ctx, text=line)


SOURCE = JsonlSource()
