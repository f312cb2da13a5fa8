"""Import files into a workspace: detect, read, normalise, write in batches, derive.

Each batch is one transaction, so an interrupted import leaves every finished batch stored and
nothing half-written. Bad records are quarantined with their file and location; the import
goes on. Unrecognised files named explicitly stop the import before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from ascolto import sources
from ascolto.errors import AscoltoError, RecordError, UnknownFormat
from ascolto.models import Message
from ascolto.sources.base import Bad, Options, RawRecord, Source
from ascolto.sources.files import bytes_read, reset_bytes_read
from ascolto.store.derive import parse_owner, refresh
from ascolto.store.quarantine import write_quarantine
from ascolto.store.writer import BatchCounts, raw_json, write_batch
from ascolto.workspace import Workspace

#: Called with (file, bytes of it read so far, records so far) while importing.
Progress = Callable[[Path, int, int], None]

_SKIP_NAMES = {"SOURCE.txt", "README.md", "LICENSE", ".DS_Store"}
_NORMALISE_ERRORS = (RecordError, KeyError, ValueError, TypeError, AttributeError, IndexError)


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


@dataclass(slots=True)
class IngestResult:
    files: list[FileResult] = field(default_factory=list)
    #: Files inside folders that no source recognised (named files that are not raise instead).
    unrecognised: list[str] = field(default_factory=list)

    def total(self, name: str) -> int:
        return sum(getattr(f, name) for f in self.files)

    def summary(self) -> dict[str, Any]:
        keys = ("new", "updated", "duplicates", "quarantined", "skipped")
        out: dict[str, Any] = {k: self.total(k) for k in keys}
        out["total"] = self.total("records")
        out["files"] = [asdict(f) for f in self.files]
        out["unrecognised"] = self.unrecognised
        return out


def plan(
    paths: Sequence[Path], fmt: str | None = None
) -> tuple[list[tuple[Path, Source]], list[str]]:
    """Pair every input file with its source, expanding folders; fail fast on named files."""
    forced = sources.get(fmt) if fmt else None
    planned: list[tuple[Path, Source]] = []
    unrecognised: list[str] = []
    for path in paths:
        if not path.exists():
            raise AscoltoError(f"{path}: no such file or folder")
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.name in _SKIP_NAMES or any(part.startswith(".") for part in
                                                    child.relative_to(path).parts):
                    continue
                try:
                    planned.append((child, forced or sources.detect(child)))
                except UnknownFormat:
                    unrecognised.append(str(child))
        else:
            planned.append((path, forced or sources.detect(path)))
    return planned, unrecognised


def ingest(
    workspace: Workspace,
    paths: Sequence[Path],
    fmt: str | None = None,
    owners: Iterable[str] = (),
    options: Options | None = None,
    progress: Progress | None = None,
) -> IngestResult:
    """Import ``paths`` (files or folders) into ``workspace`` and return what happened."""
    options = options or Options()
    owners = [*workspace.settings["owners"], *owners]
    for spec in owners:
        parse_owner(spec)  # validate before writing anything
    planned, unrecognised = plan(paths, fmt)
    result = IngestResult(unrecognised=unrecognised)
    batch_size = int(workspace.settings["batch_size"])
    with workspace.connect() as con:
        for path, source in planned:
            result.files.append(
                _ingest_file(con, path, source, options, batch_size, progress)
            )
        refresh(con, owners)
    return result


def _ingest_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    source: Source,
    options: Options,
    batch_size: int,
    progress: Progress | None,
) -> FileResult:
    res = FileResult(path=str(path), format=source.name)
    row = con.execute(
        "INSERT INTO sources (format, platform, path, imported_at) VALUES (?, ?, ?, ?) "
        "RETURNING id",
        [source.name, source.platform, str(path.resolve()), datetime.now(UTC)],
    ).fetchone()
    assert row is not None
    source_id = int(row[0])
    batch: dict[tuple[str, str], Message] = {}
    bad: list[Bad] = []

    def flush() -> None:
        messages = list(batch.values())
        raws = [raw_json(m.raw) for m in messages]
        con.execute("BEGIN TRANSACTION")
        try:
            counts = write_batch(con, messages, raws, source_id)
            write_quarantine(con, bad, source_id, str(path), source.name)
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        _add(res, counts)
        res.quarantined += len(bad)
        batch.clear()
        bad.clear()

    reset_bytes_read()
    try:
        records = source.read(path, options)
        for item in records:
            res.records += 1
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
                        res.skipped += 1
                if message is not None:
                    key = (message.platform, message.id)
                    if key in batch:
                        res.duplicates += 1
                    batch[key] = message
            if len(batch) >= batch_size or len(bad) >= batch_size:
                flush()
                if progress:
                    progress(path, bytes_read(), res.records)
        flush()
    except OSError as e:
        raise AscoltoError(f"{path}: cannot read the file ({e.strerror or e})") from None
    con.execute(
        "UPDATE sources SET records = ?, new = ?, updated = ?, duplicates = ?, quarantined = ? "
        "WHERE id = ?",
        [res.records, res.new, res.updated, res.duplicates, res.quarantined, source_id],
    )
    if progress:
        progress(path, bytes_read(), res.records)
    return res


def _bad_record(raw: RawRecord, error: Exception) -> Bad:
    reason = str(error) if isinstance(error, RecordError) else f"{type(error).__name__}: {error}"
    excerpt = raw.text if raw.text is not None else raw_json(raw.data) or ""
    return Bad(raw.location, reason, excerpt[:500])


def _add(res: FileResult, counts: BatchCounts) -> None:
    res.new += counts.new
    res.updated += counts.updated
    res.duplicates += counts.duplicates
