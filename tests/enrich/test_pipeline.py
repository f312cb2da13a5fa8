"""``enrich_store``: incremental, resumable, versioned, with corrections winning."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import pyarrow as pa
import pytest

from ascolto.enrich import corrections
from ascolto.enrich.backends import Predictions, get_backend
from ascolto.enrich.pipeline import enrich_store, enrich_table
from ascolto.errors import AscoltoError
from ascolto.workspace import Workspace

TEXTS = [
    "Il mio ordine non è mai arrivato, aiutatemi",
    "Buonissimo, lo compro da anni",
    "thanks @Delta, great flight!",
    "sei un idiota",
    "",
]


def _fill(ws: Workspace, n: int = 50) -> None:
    rows = pa.table(
        {
            "platform": pa.repeat("x", n),
            "id": pa.array([str(i) for i in range(n)]),
            "created_at": pa.repeat(datetime(2026, 1, 1, tzinfo=UTC), n),
            "text": pa.array([TEXTS[i % len(TEXTS)] for i in range(n)]),
            "kind": pa.repeat("post", n),
        }
    )
    with ws.connect() as con:
        con.register("rows", rows)
        con.execute(
            "INSERT INTO messages (platform, id, created_at, text, kind) SELECT * FROM rows"
        )


class Renamed:
    """The linear backend under another version: what a retrained model looks like."""

    name = "linear"
    parallel = False

    def __init__(self, version: str) -> None:
        self.inner = get_backend("linear")
        self.version = version

    def identity(self, task: str) -> tuple[str, str]:
        return self.inner.identity(task)[0], self.version

    def predict(self, texts: Sequence[str], tasks: Sequence[str]) -> Predictions:
        return self.inner.predict(texts, tasks)


def test_enrich_table_is_arrow_in_arrow_out() -> None:
    table = pa.table({"platform": ["x", "x"], "id": ["1", "2"], "text": TEXTS[:2]})
    out = enrich_table(table, ["sentiment", "toxicity"], get_backend("linear"))
    assert out.num_rows == 4 and out.column_names[:3] == ["platform", "message_id", "task"]
    assert set(out.column("task").to_pylist()) == {"sentiment", "toxicity"}
    assert all(0 <= s <= 1 for s in out.column("score").to_pylist())


def test_incremental_resumable_and_versioned(workspace: Workspace) -> None:
    _fill(workspace)
    backend = get_backend("linear")
    with workspace.connect() as con:
        calls = []
        stopped = enrich_store(
            con,
            ["sentiment", "intent"],
            backend,
            batch_size=20,
            should_stop=lambda: (calls.append(1), len(calls) > 1)[1],
        )
        assert stopped["enriched"] == 20 and not stopped["complete"]
        resumed = enrich_store(con, ["sentiment", "intent"], backend, batch_size=20)
        assert resumed["pending"] == 30 and resumed["enriched"] == 30 and resumed["complete"]
        again = enrich_store(con, ["sentiment", "intent"], backend)
        assert again["pending"] == 0 and again["enrichments_written"] == 0
        # a new task reads only what it lacks; a new model version re-reads, keeping the old rows
        assert enrich_store(con, ["sentiment", "toxicity"], backend)["pending"] == 50
        newer = enrich_store(con, ["sentiment"], Renamed("9999"))
        assert newer["enriched"] == 50
        versions = con.execute(
            "SELECT count(DISTINCT version) FROM enrichments WHERE task = 'sentiment'"
        ).fetchall()[0][0]
        assert versions == 2
        assert con.execute("SELECT count(*) FROM enrichments").fetchall()[0][0] == 50 * 4


def test_parallel_workers_write_the_same_rows(workspace: Workspace) -> None:
    _fill(workspace, 60)
    with workspace.connect() as con:
        r = enrich_store(
            con, ["language", "toxicity"], get_backend("linear"), batch_size=10, workers=2
        )
        assert r["enriched"] == 60
        rows = con.execute(
            "SELECT message_id, label FROM enrichments WHERE task = 'toxicity' "
            "ORDER BY message_id::INT"
        ).fetchall()
    inline = get_backend("linear").predict([TEXTS[i % 5] for i in range(60)], ["toxicity"])
    assert [label for _, label in rows] == inline["toxicity"][0]


def test_corrections_win_and_train(workspace: Workspace) -> None:
    _fill(workspace, 5)
    with workspace.connect() as con:
        enrich_store(con, ["intent"], get_backend("linear"))
        done = corrections.correct(con, "x:0", "intent", "support", actor="giulia")
        assert done["previous"] is not None
        label = con.execute(
            "SELECT label, source FROM labels WHERE message_id = '0' AND task = 'intent'"
        ).fetchall()
        assert label == [("support", "correction")]
        corrections.correct(con, "0", "intent", "complaint")  # a bare id works when unique
        assert corrections.training_rows(con, "intent") == [(TEXTS[0], "complaint", "und")]
        with pytest.raises(AscoltoError, match="unknown intent label"):
            corrections.correct(con, "x:1", "intent", "happy")
        with pytest.raises(AscoltoError, match="no message"):
            corrections.correct(con, "x:404", "intent", "spam")
