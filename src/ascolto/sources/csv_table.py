"""Any CSV of messages, read through ``--map field=Column`` (``--format csv``); vendors build on it.

Detection claims only the CSVs ``ascolto export`` writes (0.9). Any other table with a date and a
text column scores 0.3, below the threshold: a generic table could be anything, and its
platform, ids and kinds need the user's word, so it is read only with ``--format csv``.

Reading copes with what spreadsheets write: UTF-8 with or without BOM, cp1252 when the head is
not UTF-8 (Excel on Italian Windows; ``--option encoding=`` overrides), the delimiter sniffed
among ``,`` ``;`` tab ``|`` (``--option delimiter=;``), quoted newlines, a preamble above the
header (the header is the first row naming a date and a text column), rows shorter than the
header (Excel drops trailing empty cells). A row with more cells than the header is quarantined.
The file streams through the csv module, so memory stays flat on big exports. Locations are
the physical line a row starts on.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import Any, ClassVar

from ascolto.errors import BadOption
from ascolto.sources.base import Bad, Options, RawRecord
from ascolto.sources.files import HEAD_BYTES, open_binary
from ascolto.sources.table import EXPORT_COLUMNS, TableSource, header_key

_DELIMITERS = (",", ";", "\t", "|")
#: How far down a preamble the header row is looked for.
HEADER_ROWS = 30

# Long posts and article bodies exceed the csv module's default 128 KiB field limit.
csv.field_size_limit(1 << 24)


@lru_cache(maxsize=8)
def head_rows(head: str) -> tuple[str, tuple[tuple[str, ...], ...]]:
    """The delimiter and the first rows of a file's head (cached: every source detects)."""
    if head.lstrip()[:1] in ("{", "[", "<", ""):
        return ",", ()
    delimiter = sniff_delimiter(head)
    rows: list[tuple[str, ...]] = []
    try:
        for cells in csv.reader(io.StringIO(head), delimiter=delimiter):
            if any(c.strip() for c in cells):
                rows.append(tuple(cells))
            if len(rows) > HEADER_ROWS:
                break
    except csv.Error:
        pass
    return delimiter, tuple(rows)


def sniff_delimiter(head: str) -> str:
    """The separator that splits the most rows into the same number (> 1) of cells."""
    best, best_score = ",", (0, 0)
    for d in _DELIMITERS:
        if d not in head:
            continue
        widths: Counter[int] = Counter()
        try:
            for i, cells in enumerate(csv.reader(io.StringIO(head), delimiter=d)):
                if i >= 60:
                    break
                if len(cells) > 1:
                    widths[len(cells)] += 1
        except csv.Error:
            continue
        if widths:
            width, n = max(widths.items(), key=lambda t: (t[1], t[0]))
            if (n, width) > best_score:
                best, best_score = d, (n, width)
    return best


def keys_of(cells: tuple[str, ...] | list[str]) -> set[str]:
    return {header_key(c) for c in cells if c.strip()}


def _head(path: Path, options: Options) -> tuple[str, str]:
    """The text encoding to read with and the head decoded with it."""
    with open_binary(path) as f:
        data = f.read(HEAD_BYTES)
    encoding = options.get("encoding")
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise BadOption(f"--option encoding={encoding}: unknown encoding") from None
    else:
        try:
            data.decode("utf-8")
            encoding = "utf-8-sig"
        except UnicodeDecodeError as e:
            # A multi-byte character cut by the head's end is still UTF-8.
            encoding = "utf-8-sig" if e.start >= len(data) - 3 else "cp1252"
    return encoding, data.decode(encoding, errors="replace")


def _delimiter(options: Options, head: str) -> str:
    chosen = options.get("delimiter")
    if not chosen:
        return sniff_delimiter(head)
    chosen = {"tab": "\t", "\\t": "\t", "semicolon": ";", "comma": ","}.get(chosen, chosen)
    if len(chosen) != 1:
        raise BadOption(f"--option delimiter={chosen}: expected one character (or tab)")
    return chosen


def _rows(reader: Any) -> Iterator[tuple[int, list[str]] | Bad]:
    """Non-blank rows with the line each starts on; ``Bad`` where the csv module gives up."""
    prev = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            yield Bad(f"line {reader.line_num}", f"unreadable CSV: {e}")
            prev = reader.line_num
            continue
        start, prev = prev + 1, reader.line_num
        if any(c.strip() for c in cells):
            yield start, cells


def _unique(header: list[str]) -> list[str]:
    """Header names as dict keys: empty ones named by position, repeats numbered."""
    seen: Counter[str] = Counter()
    out = []
    for i, name in enumerate(header, start=1):
        name = name.replace("\ufeff", "").strip() or f"column {i}"
        seen[name] += 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


class CsvSource(TableSource):
    name = "csv"
    description = "Any CSV of messages, with --map field=Column (and ascolto's own CSV export)"
    examples: ClassVar[tuple[str, ...]] = ("tests/fixtures/table/ascolto_export.csv",)

    def detect(self, path: Path, head: str) -> float:
        _, rows = head_rows(head)
        if not rows:
            return 0.0
        keys = keys_of(rows[0])
        if keys >= EXPORT_COLUMNS:
            return 0.9
        return 0.3 if self.is_header(keys, {}) else 0.0

    def read(self, path: Path, options: Options) -> Iterator[RawRecord | Bad]:
        encoding, head = _head(path, options)
        delimiter = _delimiter(options, head)
        base = self.base_context(options)
        with io.TextIOWrapper(
            open_binary(path), encoding=encoding, errors="replace", newline=""
        ) as f:
            rows = _rows(csv.reader(f, delimiter=delimiter))
            buffered: list[tuple[int, list[str]] | Bad] = []
            header_at = None
            for item in rows:
                buffered.append(item)
                if isinstance(item, tuple) and self.is_header(keys_of(item[1]), options.mapping):
                    header_at = len(buffered) - 1
                    break
                if len(buffered) > HEADER_ROWS:
                    break
            if header_at is None:
                # No row names the columns we need: take the first of the widest rows (a
                # preamble is narrower than the table) and let check() say what is missing.
                widths = [(len(x[1]), -i) for i, x in enumerate(buffered) if isinstance(x, tuple)]
                if not widths:
                    yield from (x for x in buffered if isinstance(x, Bad))
                    return
                header_at = -max(widths)[1]
            yield from (x for x in buffered[:header_at] if isinstance(x, Bad))
            first = buffered[header_at]
            assert isinstance(first, tuple)
            header = _unique(first[1])
            columns = self.resolve(header, options.mapping, str(path))
            ctx = {**base, "columns": columns}
            self.check(columns, ctx, str(path))
            width = len(header)
            for item in chain(buffered[header_at + 1 :], rows):
                if isinstance(item, Bad):
                    yield item
                    continue
                line, cells = item
                if len(cells) > width and any(c.strip() for c in cells[width:]):
                    yield Bad(
                        f"line {line}",
                        f"{len(cells)} cells but the header has {width}",
                        delimiter.join(cells)[:500],
                    )
                    continue
                yield RawRecord(dict(zip(header, cells, strict=False)), f"line {line}", ctx)


SOURCE = CsvSource()
