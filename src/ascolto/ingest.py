"""Import files into a workspace: detect, read, normalise, write in batches, derive.

Batches are written in transactions of about one DuckDB row group (``COMMIT_ROWS``), so an
interrupted import leaves every committed transaction stored and nothing half-written. Bad
records are quarantined with their file and location; the import goes on. Unrecognised files
named explicitly stop the import before anything is written.
"""

from __future__ import annotations

import gc
import os
import pickle
import queue
import signal
import subprocess
import sys
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from ascolto import sources
from ascolto.errors import AscoltoError, RecordError, UnknownFormat
from ascolto.models import Message
from ascolto.sources.base import Bad, Options, RawRecord, Source
from ascolto.sources.files import bytes_read, is_compressed, numbered_lines, reset_bytes_read
from ascolto.store.db import scalar
from ascolto.store.derive import parse_owner, refresh
from ascolto.store.quarantine import write_quarantine
from ascolto.store.writer import (
    BatchCounts,
    authors_table,
    keep_highest_counts,
    merge_authors,
    messages_table,
    raw_json,
    write_authors,
    write_messages,
)
from ascolto.workspace import Workspace

#: Called with (file, bytes of it read so far, records so far) while importing.
Progress = Callable[[Path, int, int], None]

_SKIP_NAMES = {"SOURCE.txt", "README.md", "LICENSE", ".DS_Store"}
#: WAL size between checkpoints during imports.
CHECKPOINT_EVERY = "256MB"
#: A write transaction commits once it holds this many records, a DuckDB row group: rows then
#: go straight to the database file instead of through the write-ahead log first (measured:
#: half the write time of a commit per 20,000-message batch). Batches are sized to divide it.
COMMIT_ROWS = 122_880
#: Plain files of a line-oriented format at least this big are split between two readers.
SPLIT_MIN_BYTES = 64 * 1024 * 1024
#: Files at least this big are parsed in a child process while the store writes.
PARALLEL_MIN_BYTES = 16 * 1024 * 1024
_NORMALISE_ERRORS = (RecordError, KeyError, ValueError, TypeError, AttributeError, IndexError)


#: What an import counts, per file and in total (``IngestResult.summary`` calls records "total").
COUNTS = ("records", "new", "updated", "duplicates", "quarantined", "skipped")


@dataclass(slots=True)
class FileResult:
    path: str
    format: str
    records: int = 0
    new: int = 0
    updated: int = 0
    duplicates: int = 0
    quarantined: int = 0
    skipped: int = 0

    def count(self, chunk: Chunk, stored: BatchCounts) -> None:
        """Add a written chunk and what the store made of it."""
        self.records += chunk.records
        self.skipped += chunk.skipped
        self.quarantined += len(chunk.bad)
        self.new += stored.new
        self.updated += stored.updated
        self.duplicates += chunk.repeats + stored.duplicates

    def absorb(self, other: FileResult) -> None:
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(slots=True)
class IngestResult:
    files: list[FileResult] = field(default_factory=list)
    #: Files inside folders that no source recognised (named files that are not raise instead).
    unrecognised: list[str] = field(default_factory=list)

    def total(self, name: str) -> int:
        return sum(getattr(f, name) for f in self.files)

    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: self.total(k) for k in COUNTS if k != "records"}
        out["total"] = self.total("records")
        out["files"] = [asdict(f) for f in self.files]
        out["unrecognised"] = self.unrecognised
        return out


@dataclass(slots=True)
class Plan:
    """The files of an import, each paired with the source that reads it."""

    files: list[tuple[Path, Source]]
    #: Files inside folders that no source recognised (named files that are not raise instead).
    unrecognised: list[str]

    @property
    def total_bytes(self) -> int:
        return sum(path.stat().st_size for path, _ in self.files)


def plan(paths: Sequence[Path], fmt: str | None = None) -> Plan:
    """Pair every input file with its source, expanding folders; fail fast on named files."""
    forced = sources.get(fmt) if fmt else None
    planned: list[tuple[Path, Source]] = []
    unrecognised: list[str] = []
    for path in paths:
        if not path.exists():
            raise AscoltoError(f"{path}: no such file or folder")
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.name in _SKIP_NAMES or any(
                    part.startswith(".") for part in child.relative_to(path).parts
                ):
                    continue
                try:
                    planned.append((child, forced or sources.detect(child)))
                except UnknownFormat:
                    unrecognised.append(str(child))
        else:
            planned.append((path, forced or sources.detect(path)))
    return Plan(planned, unrecognised)


def ingest(
    workspace: Workspace,
    paths: Sequence[Path] | Plan,
    fmt: str | None = None,
    owners: Iterable[str] = (),
    options: Options | None = None,
    progress: Progress | None = None,
) -> IngestResult:
    """Import ``paths`` (files or folders) into ``workspace`` and return what happened.

    ``paths`` may be a ``Plan`` made beforehand (the CLI sizes its progress bar from it), so
    files are detected once.
    """
    options = options or Options()
    owners = [*workspace.settings["owners"], *owners]
    for spec in owners:
        parse_owner(spec)  # validate before writing anything
    work = paths if isinstance(paths, Plan) else plan(paths, fmt)
    result = IngestResult(unrecognised=work.unrecognised)
    batch_size = int(workspace.settings["batch_size"])
    with workspace.connect() as con, _young_gc_only():
        # DuckDB checkpoints every 16 MB of WAL by default, each time re-compressing the
        # partly filled row group: with KB-sized raw records that grows with the store
        # (measured 47 s vs 34 s for 600k tweets). Checkpoint less often, and once at the end.
        con.execute(f"SET checkpoint_threshold = '{CHECKPOINT_EVERY}'")
        # Nothing relies on the physical order of rows (every listing sorts); without it
        # DuckDB appends and compresses row groups without ordering them first.
        con.execute("SET preserve_insertion_order = false")
        for path, source in work.files:
            result.files.append(_ingest_file(con, path, source, options, batch_size, progress))
        refresh(con, owners)
        con.execute("CHECKPOINT")
    return result


@dataclass(slots=True)
class Chunk:
    """One batch ready to write: Arrow tables plus what was counted while reading it."""

    messages: pa.Table
    authors: pa.Table
    bad: list[Bad]
    records: int
    skipped: int
    repeats: int
    bytes_read: int


Part = tuple[int, int]


def produce(
    source: Source, path: Path, options: Options, batch_size: int, part: Part | None = None
) -> Iterator[Chunk]:
    """Read and normalise ``path`` into write-ready chunks of at most ``batch_size`` messages.

    Pure CPU work with no store access, so it can run in a child process beside the writer.
    ``part`` limits a ``splittable`` source to the lines starting in that byte range.
    A record seen twice in one chunk keeps its last version and counts as a repeat.
    """
    with _young_gc_only():
        reset_bytes_read()
        if part is None:
            records = source.read(path, options)
        else:
            records = source.read_lines(numbered_lines(path, *part), options)
        yield from _produce(records, source, batch_size, skipped_bytes=part[0] if part else 0)


@contextmanager
def _young_gc_only() -> Iterator[None]:
    """Pause automatic cyclic GC while importing, collecting young objects between chunks.

    Imports keep tens of thousands of fresh objects alive per batch; CPython's automatic
    collections then traverse them over and over (measured: parsing 4x slower). Records form
    no reference cycles, so collecting the young generations once per chunk keeps memory flat.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _produce(
    records: Iterator[RawRecord | Bad], source: Source, batch_size: int, skipped_bytes: int
) -> Iterator[Chunk]:
    batch: dict[tuple[str, str], Message] = {}
    bad: list[Bad] = []
    counts = [0, 0, 0]  # records, skipped, repeats

    def chunk() -> Chunk:
        messages = list(batch.values())
        authors = merge_authors(m.author for m in messages if m.author is not None)
        records, skipped, repeats = counts
        out = Chunk(
            messages_table(messages),
            authors_table(authors),
            list(bad),
            records,
            skipped,
            repeats,
            max(bytes_read() - skipped_bytes, 0),
        )
        del messages, authors
        batch.clear()
        bad.clear()
        counts[:] = [0, 0, 0]
        gc.collect(0)  # cheap once the batch is released; catches any stray cycles
        return out

    for item in records:
        counts[0] += 1
        if isinstance(item, Bad):
            bad.append(item)
        else:
            try:
                message = source.normalise(item)
            except _NORMALISE_ERRORS as e:
                bad.append(_bad_record(item, e))
                message = None
            else:
                if message is None:
                    counts[1] += 1
            if message is not None:
                key = (message.platform, message.id)
                earlier = batch.get(key)
                if earlier is not None:
                    counts[2] += 1
                    keep_highest_counts(message, earlier)
                batch[key] = message
        if len(batch) >= batch_size or len(bad) >= batch_size:
            yield chunk()
    yield chunk()


def reader_main(fd: int) -> None:
    """Reader-process entry: read the job from stdin, send chunks down pipe ``fd``."""
    # Ctrl-C reaches the whole process group: the writer handles it and stops the readers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Each chunk's Arrow buffers are freed once sent; the system allocator hands that memory
    # back where mimalloc keeps it (measured: ~30 MB less per reader, same speed).
    pa.set_memory_pool(pa.system_memory_pool())
    source_name, path, options, batch_size, part = pickle.load(sys.stdin.buffer)
    with os.fdopen(fd, "wb") as out:
        try:
            for c in produce(sources.get(source_name), Path(path), options, batch_size, part):
                pickle.dump(("chunk", c), out, protocol=pickle.HIGHEST_PROTOCOL)
                del c  # sent: do not hold it while the next chunk is built
            pickle.dump(("done", None), out)
        except AscoltoError as e:
            pickle.dump(("error", str(e)), out)
        except OSError as e:
            pickle.dump(("error", f"{path}: cannot read the file ({e.strerror or e})"), out)
        except Exception:
            pickle.dump(("crash", traceback.format_exc()), out)


_READER = "import sys; from ascolto.ingest import reader_main; reader_main(int(sys.argv[1]))"


def _parts(source: Source, path: Path) -> list[Part | None]:
    """How to read ``path``: ``[]`` inline, ``[None]`` one reader process, or byte ranges
    for two (a big plain file of a line-oriented format)."""
    size = path.stat().st_size
    if size < PARALLEL_MIN_BYTES or (os.cpu_count() or 1) < 2:
        return []
    if source.splittable and size >= SPLIT_MIN_BYTES and not is_compressed(path):
        return [(0, size // 2), (size // 2, size + 1)]
    return [None]


def _chunks(
    source: Source, path: Path, options: Options, batch_size: int, parts: list[Part | None]
) -> Iterator[Chunk]:
    """Chunks of ``path``: produced by reader processes when ``parts`` (see ``_parts``) names
    them, so parsing overlaps the store's writes; inline otherwise (no process start cost).

    Readers are plain subprocesses, not multiprocessing: spawn would re-import the caller's
    ``__main__`` and fork would copy DuckDB's and Arrow's threads.
    """
    if not parts:
        yield from produce(source, path, options, batch_size)
        return
    inbox: queue.Queue[tuple[int, str, Any]] = queue.Queue(maxsize=len(parts))
    procs = [
        _start_reader(i, (source.name, str(path), options, batch_size, part), inbox)
        for i, part in enumerate(parts)
    ]
    done_bytes = [0] * len(parts)
    try:
        running = len(procs)
        while running:
            i, kind, payload = inbox.get()
            if kind == "chunk":
                done_bytes[i] = payload.bytes_read
                payload.bytes_read = sum(done_bytes)
                yield payload
            elif kind == "done":
                running -= 1
            elif kind == "error":
                raise AscoltoError(payload)
            elif kind == "eof":
                raise AscoltoError(f"{path}: the reader process stopped (exit code {payload})")
            else:
                raise RuntimeError(f"reading {path} failed in the reader process:\n{payload}")
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
        while not inbox.empty():  # unblock pump threads still holding a chunk
            inbox.get_nowait()


def _start_reader(
    index: int, job: tuple[Any, ...], inbox: queue.Queue[tuple[int, str, Any]]
) -> subprocess.Popen[bytes]:
    """Start one reader process and a thread that moves its messages into ``inbox``."""
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        [sys.executable, "-c", _READER, str(write_fd)],
        stdin=subprocess.PIPE,
        pass_fds=(write_fd,),
    )
    os.close(write_fd)
    assert proc.stdin is not None
    pickle.dump(job, proc.stdin)
    proc.stdin.close()

    def pump() -> None:
        with os.fdopen(read_fd, "rb") as pipe:
            while True:
                try:
                    kind, payload = pickle.load(pipe)
                except (EOFError, OSError, pickle.UnpicklingError):
                    inbox.put((index, "eof", proc.wait()))
                    return
                inbox.put((index, kind, payload))
                if kind != "chunk":
                    return

    threading.Thread(target=pump, daemon=True).start()
    return proc


def _ingest_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    source: Source,
    options: Options,
    batch_size: int,
    progress: Progress | None,
) -> FileResult:
    res = FileResult(path=str(path), format=source.name)
    source_id = int(
        scalar(
            con,
            "INSERT INTO sources (format, platform, path, imported_at) VALUES (?, ?, ?, ?) "
            "RETURNING id",
            [source.name, source.platform, str(path.resolve()), datetime.now(UTC)],
        )
    )
    # Counts of the open transaction (they join ``res`` when it commits) and the author
    # profiles it has seen (written once, just before it commits).
    pending: FileResult | None = None
    profiles: list[pa.Table] = []

    def commit() -> None:
        nonlocal pending
        if pending is not None:
            write_authors(con, profiles)
            con.execute("COMMIT")
            res.absorb(pending)
            pending = None
            profiles.clear()

    parts = _parts(source, path)
    try:
        with stop_between_batches() as stop_requested, _single_threaded(con, bool(parts)):
            for chunk in _chunks(source, path, options, batch_size, parts):
                if pending is None:
                    con.execute("BEGIN TRANSACTION")
                    pending = FileResult(path=res.path, format=res.format)
                counts = write_messages(con, chunk.messages, source_id)
                profiles.append(chunk.authors)
                write_quarantine(con, chunk.bad, source_id, str(path), source.name)
                pending.count(chunk, counts)
                if pending.records >= COMMIT_ROWS or stop_requested():
                    commit()
                if progress:
                    done = res.records + (pending.records if pending else 0)
                    progress(path, chunk.bytes_read, done)
                if stop_requested():
                    raise KeyboardInterrupt
            commit()
    except BaseException as e:
        if pending is not None:
            with suppress(duckdb.Error):  # already rolled back if a statement failed
                con.execute("ROLLBACK")
        if res.records == 0:  # nothing of this file was stored: leave no empty import behind
            con.execute("DELETE FROM sources WHERE id = ?", [source_id])
        else:
            _record_counts(con, source_id, res)
        if isinstance(e, OSError):
            raise AscoltoError(f"{path}: cannot read the file ({e.strerror or e})") from None
        raise
    _record_counts(con, source_id, res)
    return res


def _record_counts(con: duckdb.DuckDBPyConnection, source_id: int, res: FileResult) -> None:
    con.execute(
        "UPDATE sources SET records = ?, new = ?, updated = ?, duplicates = ?, quarantined = ? "
        "WHERE id = ?",
        [res.records, res.new, res.updated, res.duplicates, res.quarantined, source_id],
    )


@contextmanager
def _single_threaded(con: duckdb.DuckDBPyConnection, when: bool) -> Iterator[None]:
    """Run the store's writes on one thread while reader processes parse.

    The readers already keep every core busy; DuckDB's parallel inserts then only add
    scheduling work (measured at 1M tweets: 11 s of writer CPU instead of 13-16 s, same
    wall time). Afterwards the derivations get every core again.
    """
    if not when:
        yield
        return
    threads = scalar(con, "SELECT current_setting('threads')")
    con.execute("SET threads = 1")
    try:
        yield
    finally:
        with suppress(duckdb.Error):  # a failed write leaves the transaction aborted until
            con.execute(f"SET threads = {int(threads)}")  # rolled back: then it stays 1


@contextmanager
def stop_between_batches() -> Iterator[Callable[[], bool]]:
    """Turn Ctrl-C into a request honoured after the current batch commits.

    Interrupting DuckDB mid-statement aborts the transaction and surfaces as an unrelated
    error; finishing the batch (under a second) keeps the store consistent and the message
    honest. Only the main thread can own signal handlers; elsewhere nothing changes.
    """
    if threading.current_thread() is not threading.main_thread():
        yield lambda: False
        return
    requested: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, _frame: requested.append(signum))
    try:
        yield lambda: bool(requested)
    finally:
        signal.signal(signal.SIGINT, previous)


def _bad_record(raw: RawRecord, error: Exception) -> Bad:
    reason = str(error) if isinstance(error, RecordError) else f"{type(error).__name__}: {error}"
    excerpt = raw.text if raw.text is not None else raw_json(raw.data) or ""
    if isinstance(excerpt, bytes):
        excerpt = excerpt.decode("utf-8", errors="replace")
    return Bad(raw.location, reason, excerpt[:500])
