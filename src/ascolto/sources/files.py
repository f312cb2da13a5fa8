"""Reading input files: transparent decompression, the head for detection, JSON and JSONL.

Every source reads through these so ``.zst``/``.gz``/``.bz2`` work everywhere and a bad line
becomes a ``Bad`` record with its line number instead of an exception.
"""

from __future__ import annotations

import bz2
import gzip
import io
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import orjson

from ascolto.sources.base import Bad

HEAD_BYTES = 64 * 1024
#: Pushshift / Arctic Shift dumps are compressed with ``--long=31``.
_ZSTD_WINDOW = 2**31


class _CountingFile(io.FileIO):
    """A file that adds what it reads to a module counter, so importers show byte progress."""

    def readinto(self, buffer: Any) -> int | None:
        n = super().readinto(buffer)
        global _bytes_read
        _bytes_read += n or 0
        return n


_bytes_read = 0


def bytes_read() -> int:
    """Bytes read from input files (compressed size) since the last ``reset_bytes_read``."""
    return _bytes_read


def reset_bytes_read() -> None:
    global _bytes_read
    _bytes_read = 0


def open_binary(path: Path) -> IO[bytes]:
    """Open a file for reading, decompressing by magic number (not by extension)."""
    raw: IO[bytes] = io.BufferedReader(_CountingFile(path, "rb"), buffer_size=1 << 20)
    magic = raw.read(4)
    raw.seek(0)
    if magic[:4] == b"\x28\xb5\x2f\xfd":
        import zstandard

        dctx = zstandard.ZstdDecompressor(max_window_size=_ZSTD_WINDOW)
        # The zstd reader has no readline/iteration: buffer it so JSONL can be read by line.
        reader = dctx.stream_reader(raw, closefd=True)
        return io.BufferedReader(reader, buffer_size=1 << 20)
    if magic[:2] == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=raw)  # type: ignore[return-value]
    if magic[:3] == b"BZh":
        return bz2.BZ2File(raw)
    return raw


def open_text(path: Path) -> IO[str]:
    """Text view of a (possibly compressed) file: UTF-8, BOM stripped, bad bytes replaced."""
    return io.TextIOWrapper(open_binary(path), encoding="utf-8-sig", errors="replace", newline="")


def read_head(path: Path, size: int = HEAD_BYTES) -> str:
    """The first ``size`` bytes of the decompressed file, decoded for ``Source.detect``."""
    with open_binary(path) as f:
        data = f.read(size)
    return data.decode("utf-8-sig", errors="replace")


def looks_like_jsonl(path: Path) -> bool:
    """One JSON document per line: a first line longer than ``[``/``{`` and a second line that
    starts a document at column 0 (pretty-printed JSON indents, or starts with ``"``/``}``)."""
    lines = [line for line in read_head(path).split("\n") if line.strip()]
    return len(lines) > 1 and len(lines[0].strip()) > 1 and lines[1][:1] in ("{", "[")


def is_compressed(path: Path) -> bool:
    """Whether ``open_binary`` would decompress the file (so it cannot be split by bytes)."""
    with path.open("rb") as f:
        magic = f.read(4)
    return magic == b"\x28\xb5\x2f\xfd" or magic[:2] == b"\x1f\x8b" or magic[:3] == b"BZh"


def numbered_lines(
    path: Path, start: int = 0, end: int | None = None
) -> Iterator[tuple[int, bytes]]:
    """``(line_number, line)`` for the lines that START in bytes ``[start, end)``.

    Lets two reader processes share one big line-oriented file: a line belongs to the range
    it starts in, and line numbers stay those of the whole file (the newlines before
    ``start`` are counted). With the defaults it reads the whole (possibly compressed) file.
    """
    if start == 0 and end is None:
        with open_binary(path) as f:
            for n, line in enumerate(f, start=1):
                if n == 1 and line.startswith(b"\xef\xbb\xbf"):
                    line = line[3:]
                yield n, line
        return
    with open_binary(path) as f:
        n, pos = 0, 0
        if start > 0:
            while pos < start - 1:  # count the lines before the range
                block = f.read(min(1 << 22, start - 1 - pos))
                if not block:
                    return
                n += block.count(b"\n")
                pos += len(block)
            if f.read(1) != b"\n":  # mid-line: that line belongs to the previous range
                rest = f.readline()
                pos += len(rest)
            n += 1
            pos += 1
        for line in f:
            if end is not None and pos >= end:
                break
            n += 1
            pos += len(line)
            if n == 1 and line.startswith(b"\xef\xbb\xbf"):
                line = line[3:]
            yield n, line


def jsonl_lines(path: Path) -> Iterator[tuple[int, str, Any] | Bad]:
    """Yield ``(line_number, line_text, parsed)`` per non-blank line, or ``Bad`` for bad JSON."""
    with open_binary(path) as f:
        for n, line in enumerate(f, start=1):
            stripped = line.strip()
            if n == 1 and stripped.startswith(b"\xef\xbb\xbf"):
                stripped = stripped[3:]
            if not stripped:
                continue
            try:
                obj = orjson.loads(stripped)
            except orjson.JSONDecodeError as e:
                text = stripped.decode("utf-8", errors="replace")
                yield Bad(f"line {n}", f"invalid JSON: {e}", text[:500])
                continue
            yield n, stripped.decode("utf-8", errors="replace"), obj


def jsonl_objects(path: Path) -> Iterator[tuple[int, str, dict[str, Any]] | Bad]:
    """Like ``jsonl_lines``, with any line that is not a JSON object a ``Bad``."""
    for item in jsonl_lines(path):
        if isinstance(item, Bad) or isinstance(item[2], dict):
            yield item
        else:
            yield Bad(f"line {item[0]}", "not a JSON object", item[1][:500])


def load_json(path: Path) -> Any:
    """Parse a whole JSON file (API responses, exports). Raises ``orjson.JSONDecodeError``."""
    with open_binary(path) as f:
        data = f.read()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return orjson.loads(data)


def json_documents(path: Path) -> Iterator[tuple[str, Any] | Bad]:
    """Yield ``(location, parsed)`` per JSON document of a file that is either one document (a
    saved API response, pretty-printed or not; location ``""``) or JSON lines (``line N``).

    JSON lines are told by their first two non-blank lines each being a whole JSON value, and
    are streamed; a single document is parsed whole. Bad JSON is a ``Bad``, never an exception.
    """
    with open_binary(path) as f:
        lines = [line for line in (_nonblank_line(f), _nonblank_line(f)) if line]
        if len(lines) == 2 and all(_is_json(line) for line in lines):
            jsonl = True
        else:
            jsonl = False
            data = b"".join(lines) + f.read()
    if jsonl:
        for item in jsonl_lines(path):
            yield item if isinstance(item, Bad) else (f"line {item[0]}", item[2])
        return
    try:
        yield "", orjson.loads(data.removeprefix(b"\xef\xbb\xbf"))
    except orjson.JSONDecodeError as e:
        yield Bad("file", f"invalid JSON: {e}", data[:500].decode("utf-8", "replace"))


def json_objects(path: Path) -> Iterator[tuple[str, dict[str, Any]] | Bad]:
    """``(location, object)`` per JSON object of a file of saved API responses.

    Like ``json_documents``, with top-level arrays (``[response, response]``) flattened
    (location ``"[i]"``, ``"line 3 [i]"``) and anything that is not an object a ``Bad``.
    """

    def walk(doc: Any, base: str) -> Iterator[tuple[str, dict[str, Any]] | Bad]:
        if isinstance(doc, list):
            for i, sub in enumerate(doc):
                yield from walk(sub, f"{base} [{i}]".strip())
        elif isinstance(doc, dict):
            yield base, doc
        else:
            yield Bad(base or "file", "not a JSON object", repr(doc)[:500])

    for item in json_documents(path):
        if isinstance(item, Bad):
            yield item
        else:
            yield from walk(item[1], item[0])


def _nonblank_line(f: IO[bytes]) -> bytes:
    line = f.readline()
    while line and not line.strip():
        line = f.readline()
    return line


def _is_json(line: bytes) -> bool:
    try:
        orjson.loads(line.removeprefix(b"\xef\xbb\xbf"))
    except orjson.JSONDecodeError:
        return False
    return True
