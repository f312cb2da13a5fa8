"""The report's explore sections: share of voice of the saved topics, the audience's top and
emerging themes, and the ideas people propose (plain data, as the overview's)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import duckdb
import pyarrow.compute as pc

from ascolto.explore import topics
from ascolto.explore.ideas import ideas
from ascolto.explore.themes import emerging, themes
from ascolto.store.index import SearchIndex

TOP_THEMES = 8
TOP_IDEAS = 8
#: The report's themes read at most the most recent this many audience messages: 100k take
#: about 8 s (bench/themes.py); a whole large store would hold the report up for minutes.
THEMES_AT_MOST = 100_000


def build_explore(
    con: duckdb.DuckDBPyConnection,
    index: SearchIndex,
    saved_topics: Mapping[str, Any],
    timezone: str = "UTC",
    seed: int = 0,
) -> dict[str, Any]:
    """``{"topics", "share", "themes", "emerging", "ideas"}``; ``saved_topics`` is the
    ``topics`` setting (the store's topics are added)."""
    measured = topics.measure(
        con, index, topics.saved(con, saved_topics), by="week", timezone=timezone
    )
    audience = topics.audience(con)
    audience_total = audience.num_rows
    if audience.num_rows > THEMES_AT_MOST:
        newest = pc.sort_indices(audience, sort_keys=[("created_at", "descending")])
        audience = audience.take(newest[:THEMES_AT_MOST])
    found = themes(audience, seed=seed)
    proposed = ideas(con, seed=seed)
    return {
        "topics": measured,
        "share": topics.share_of_voice(measured) if measured else None,
        "audience": audience.num_rows,
        "audience_total": audience_total,
        "themes_found": len(found),
        "themes": [t.to_dict() for t in found[:TOP_THEMES]],
        "emerging": [t.to_dict() for t in emerging(found, n=4)],
        "ideas": [i.to_dict() for i in proposed[:TOP_IDEAS]],
        "ideas_found": len(proposed),
        "ideas_unanswered": sum(not i.acknowledged for i in proposed),
    }
