"""``ascolto enrich``: read every stored message the current models have not read yet.

Incremental and resumable: a message counts as done for a task when an enrichment with the
backend's current model name and version exists, so an interrupted run, a re-run or a newer
model picks up exactly what is missing. Each batch commits on its own. Older versions' rows are
kept (the primary key includes the version), so history is never overwritten.

``enrich_table`` is the unit of work: Arrow in, Arrow out, no store, so it can run unchanged
in a worker process or on a cluster (Ray Data ``map_batches``).
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import UTC, datetime
from typing import Any

import duckdb
import pyarrow as pa

from ascolto.enrich.backends import Backend
from ascolto.enrich.tasks import check_task
from ascolto.store.db import registered, scalar

OUT_SCHEMA = pa.schema(
    [
        ("platform", pa.string()),
        ("message_id", pa.string()),
        ("task", pa.string()),
        ("label", pa.string()),
        ("score", pa.float64()),
        ("model", pa.string()),
        ("version", pa.string()),
    ]
)


def enrich_table(table: pa.Table, tasks: Sequence[str], backend: Backend) -> pa.Table:
    """Enrichments (one row per message and task) for a table with platform, id and text."""
    texts = [t or "" for t in table.column("text").to_pylist()]
    predictions = backend.predict(texts, tasks)
    n = table.num_rows
    parts = []
    for task in tasks:
        labels, scores = predictions[task]
        name, version = backend.identity(task)
        parts.append(
            pa.table(
                {
                    "platform": table.column("platform"),
                    "message_id": table.column("id"),
                    "task": pa.repeat(task, n),
                    "label": pa.array(labels, pa.string()),
                    "score": pa.array(scores, pa.float64()),
                    "model": pa.repeat(name, n),
                    "version": pa.repeat(version, n),
                },
                schema=OUT_SCHEMA,
            )
        )
    return pa.concat_tables(parts) if parts else OUT_SCHEMA.empty_table()


Results = Iterator[tuple[int, pa.Table]]


def _inline(batches: Iterable[pa.Table], tasks: Sequence[str], backend: Backend, _: int) -> Results:
    for batch in batches:
        yield batch.num_rows, enrich_table(batch, tasks, backend)


def _parallel(
    batches: Iterable[pa.Table], tasks: Sequence[str], backend: Backend, workers: int
) -> Results:
    """Batches read in ``workers`` processes, results in order; a few batches in flight.

    Spawned, not forked: a fork would copy DuckDB's and Arrow's threads. Each worker loads the
    models once (the registry caches them per process).
    """
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        flight: deque[tuple[int, Future[pa.Table]]] = deque()
        for batch in batches:
            flight.append((batch.num_rows, pool.submit(enrich_table, batch, tasks, backend)))
            if len(flight) > workers:
                n, future = flight.popleft()
                yield n, future.result()
        while flight:
            n, future = flight.popleft()
            yield n, future.result()


def _done(tasks: Sequence[str]) -> str:
    """SQL condition: message ``m`` already has every task's current enrichment."""
    clauses = [
        "EXISTS (SELECT 1 FROM enrichments e WHERE e.platform = m.platform "
        f"AND e.message_id = m.id AND e.task = ${3 * i + 1} AND e.model = ${3 * i + 2} "
        f"AND e.version = ${3 * i + 3})"
        for i in range(len(tasks))
    ]
    return " AND ".join(clauses)


def _missing(con: duckdb.DuckDBPyConnection, task: str, backend: Backend) -> bool:
    """Whether some message lacks the task's current enrichment."""
    where, params = pending(con, [task], backend)
    return bool(scalar(con, f"SELECT EXISTS (SELECT 1 FROM messages m WHERE {where})", params))


def pending(
    con: duckdb.DuckDBPyConnection, tasks: Sequence[str], backend: Backend
) -> tuple[str, list[str]]:
    """The WHERE condition and parameters selecting messages still to enrich."""
    params = [v for t in tasks for v in (t, *backend.identity(t))]
    return f"NOT ({_done(tasks)})", params


def enrich_store(
    con: duckdb.DuckDBPyConnection,
    tasks: Sequence[str],
    backend: Backend,
    batch_size: int = 10_000,
    progress: Callable[[int, int], None] | None = None,
    should_stop: Callable[[], bool] = lambda: False,
    workers: int = 0,
) -> dict[str, Any]:
    """Enrich every message missing a task's current enrichment; returns what was done.

    The keys to do are listed once into a temporary table, then read and written a batch at a
    time: memory stays at a few batches of texts whatever the store's size. With ``workers``
    (0: one per core when there are several batches) the batches are read in worker processes
    while this one reads and writes the store.
    """
    asked = [check_task(t) for t in dict.fromkeys(tasks)]
    # tasks every message already has are not read again (a new sentiment model re-reads
    # sentiment only); ON CONFLICT below covers messages missing only some of the rest
    tasks = [t for t in asked if _missing(con, t, backend)]
    where, params = pending(con, tasks, backend) if tasks else ("false", [])
    con.execute(
        "CREATE OR REPLACE TEMP TABLE enrich_todo AS "
        f"SELECT row_number() OVER () AS n, platform, id FROM messages m WHERE {where}",
        params,
    )
    todo = int(scalar(con, "SELECT count(*) FROM enrich_todo"))
    total = int(scalar(con, "SELECT count(*) FROM messages"))
    done = written = 0
    if progress:
        progress(0, todo)

    def batches() -> Iterator[pa.Table]:
        for start in range(0, todo, batch_size):
            if should_stop():
                return
            yield con.sql(
                "SELECT m.platform, m.id, m.text FROM enrich_todo t "
                "JOIN messages m USING (platform, id) WHERE t.n > $1 AND t.n <= $2",
                params=[start, start + batch_size],
            ).to_arrow_table()

    n_workers = workers or (os.cpu_count() or 1)
    several = n_workers > 1 and todo > 2 * batch_size
    run = _parallel if backend.parallel and several else _inline
    try:
        for n, out in run(batches(), tasks, backend, n_workers):
            with registered(con, "enrich_batch", out):
                con.execute("BEGIN TRANSACTION")
                inserted = con.execute(
                    "INSERT INTO enrichments SELECT *, $1 FROM enrich_batch ON CONFLICT DO NOTHING",
                    [datetime.now(UTC)],
                ).fetchone()
                con.execute("COMMIT")
            done += n
            written += int(inserted[0]) if inserted else 0
            if progress:
                progress(done, todo)
    finally:
        con.execute("DROP TABLE IF EXISTS enrich_todo")
    return {
        "messages": total,
        "pending": todo,
        "enriched": done,
        "enrichments_written": written,
        "tasks": {
            t: dict(zip(("model", "version"), backend.identity(t), strict=True)) for t in asked
        },
        "backend": backend.name,
        "complete": done == todo,
    }
