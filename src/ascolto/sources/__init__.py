"""Sources: one module per format or connector, all with the contract of ``base.Source``.

Adding a source is one new module exposing ``SOURCE`` and one line in ``_MODULES``.
"""

from __future__ import annotations

import importlib
from functools import cache
from pathlib import Path

from ascolto.errors import UnknownFormat
from ascolto.sources.base import Bad, Options, RawRecord, Setting, Source
from ascolto.sources.files import read_head

__all__ = ["Bad", "Options", "RawRecord", "Setting", "Source", "detect", "get", "registry"]

#: Below this confidence a file is not claimed by any source.
DETECT_THRESHOLD = 0.5

_MODULES = (
    "twarc2",
    "x_archive",
    "twcs",
    "reddit",
    "pushshift",
    "telegram",
    "facebook_graph",
    "instagram_graph",
    "youtube",
    "mastodon",
    "mastodon_stream",
    "mastodon_archive",
    "bluesky",
    "wxr",
    "disqus",
    "feed",
    "csv_table",
    "jsonl_table",
    "brandwatch",
    "talkwalker",
    "sprout",
)


@cache
def registry() -> dict[str, Source]:
    """Every registered source by name, in registration order."""
    found: dict[str, Source] = {}
    for module in _MODULES:
        source: Source = importlib.import_module(f"ascolto.sources.{module}").SOURCE
        if source.name in found:
            raise RuntimeError(f"two sources named {source.name!r}")
        found[source.name] = source
    return found


def get(name: str) -> Source:
    """The source called ``name``; ``UnknownFormat`` listing the valid names otherwise."""
    sources = registry()
    if name not in sources:
        raise UnknownFormat(
            f"unknown format {name!r}; `ascolto formats` lists them: {', '.join(sources)}"
        )
    return sources[name]


def detect(path: Path) -> Source:
    """The source most confident that ``path`` is its format, judged by content."""
    try:
        head = read_head(path)
    except OSError as e:
        raise UnknownFormat(f"{path}: cannot read the file ({e.strerror or e})") from None
    scores = sorted(
        ((source.detect(path, head), i, source) for i, source in enumerate(registry().values())),
        key=lambda t: (-t[0], t[1]),
    )
    if not scores or scores[0][0] < DETECT_THRESHOLD:
        tried = ", ".join(registry())
        raise UnknownFormat(
            f"{path}: not a recognised format (tried {tried}); "
            "pass --format NAME, or --format csv/jsonl with --map for other tables"
        )
    return scores[0][2]
