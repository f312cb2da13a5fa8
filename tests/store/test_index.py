"""The search index's upkeep: what it tokenises, how it follows rows written without import
times, and a second writer."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from ascolto.store.index import (
    EMOJI,
    SEPARATORS,
    SearchIndex,
    open_index,
    pretokenize_one,
    update,
)
from ascolto.workspace import Workspace

TZ = "Europe/Rome"


def _insert(ws: Workspace, ids: range, imported: bool = False) -> None:
    """Rows as an import writes them, or (``imported`` off) as a bulk SQL load: without
    import or update times."""
    when = datetime.now(UTC) if imported else None
    rows = pa.table(
        {
            "platform": ["x"] * len(ids),
            "id": [str(i) for i in ids],
            "created_at": pa.array([datetime(2025, 1, 1, tzinfo=UTC)] * len(ids)),
            "text": [f"messaggio numero {i}" for i in ids],
            "kind": ["post"] * len(ids),
            "imported_at": pa.array([when] * len(ids), pa.timestamp("us", tz="UTC")),
        }
    )
    with ws.connect() as con:
        con.register("rows", rows)
        con.execute(
            "INSERT INTO messages (platform, id, created_at, text, kind, imported_at) "
            "SELECT * FROM rows"
        )


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(exclude_categories=("Cn", "Cs")), max_size=40))
def test_query_words_are_cut_as_the_documents_are(text: str) -> None:
    """``pretokenize_one`` (Python, for query words) equals the SQL the documents go through,
    for every character this Python's Unicode tables know (RE2's may be newer)."""
    with duckdb.connect() as con:
        sql = con.execute(
            "SELECT regexp_replace(regexp_replace($t, $e, ' \\1 ', 'g'), $s, ' ', 'g')",
            {"t": text, "e": f"({EMOJI})", "s": SEPARATORS},
        ).fetchall()[0][0]
    assert pretokenize_one(text).split() == sql.split()


def test_rows_without_import_times_make_it_start_over(tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "ws")
    _insert(ws, range(3), imported=True)
    with ws.connect(read_only=True) as con:
        assert update(ws.index_dir, con, TZ).total == 3
    _insert(ws, range(3, 5))  # invisible to the watermark: only the count tells
    with ws.connect(read_only=True) as con:
        again = update(ws.index_dir, con, TZ)
        index, _ = open_index(ws.index_dir, con, TZ)
    assert again.rebuilt and again.total == 5
    assert index.searcher.num_docs == 5


def test_a_second_writer_searches_the_index_as_it_is(tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "ws")
    _insert(ws, range(3))
    with ws.connect(read_only=True) as con:
        update(ws.index_dir, con, TZ)
    holder = SearchIndex(ws.index_dir).index.writer(heap_size=15_000_000, num_threads=1)
    _insert(ws, range(3, 4))
    with ws.connect(read_only=True) as con:
        index, done = open_index(ws.index_dir, con, TZ)
    assert done is None and index.searcher.num_docs == 3
    del holder
