"""Streaming the XML formats (WXR, Disqus, RSS/Atom) record by record, surviving broken markup.

Exports can be hundreds of MB, so records come from ``lxml.etree.iterparse`` and the reader
releases each one when done. lxml's ``recover=True`` was tried and rejected: on a stray ``<``
libxml2 silently stops the whole document, and an unclosed tag nests every later record inside
the broken one. So the parse is strict, and on a syntax error the stream reports it (``XmlError``
with the line) and starts a fresh parser at the next record start tag after the error: one
broken record is lost, not the rest of the file. Control characters, invalid in XML 1.0 and
common in old WordPress exports, are dropped before parsing.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import quoteattr

from lxml import etree

from ascolto.sources.base import Bad
from ascolto.sources.files import open_binary

_CONTROL = bytes(c for c in range(32) if c not in (9, 10, 13))
_CHUNK = 1 << 20
#: Chunks kept to resume after an error; libxml2 reads far less than this ahead of its events.
_HISTORY = 8
_COMMENTS = re.compile(r"<!--.*?-->", re.DOTALL)
_ROOT = re.compile(r"<([A-Za-z_][\w.:-]*)")
_WP_NS = re.compile(r"wordpress\.(?:org|com)/export/[\d.]+/(excerpt/)?$")

#: Canonical prefixes, so keys do not depend on how a file happened to name its namespaces.
_PREFIXES = {
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://wellformedweb.org/CommentAPI/": "wfw",
    "http://purl.org/rss/1.0/modules/slash/": "slash",
    "http://purl.org/syndication/thread/1.0": "thr",
    "http://www.w3.org/2005/Atom": "atom",
    "http://purl.org/rss/1.0/modules/syndication/": "sy",
    "http://disqus.com/disqus-internals": "dsq",
    "http://www.w3.org/XML/1998/namespace": "xml",
}


@dataclass(frozen=True, slots=True)
class XmlError:
    """A syntax error at ``line``; the stream goes on at the next record after it."""

    line: int
    message: str

    @property
    def reason(self) -> str:
        return f"XML syntax error at line {self.line}: {self.message}"

    def bad(self, record: str | None) -> Bad:
        """Its quarantine entry, at the record it cut (``<item> 3``) or else at its line."""
        return Bad(record or f"line {self.line}", self.reason, f"line {self.line}")


def root_tag(head: str) -> str | None:
    """Name of the document element as written (``rss``, ``feed``, ``disqus``), for detection."""
    m = _ROOT.search(_COMMENTS.sub("", head))
    return m.group(1) if m else None


def prefix_for(uri: str) -> str | None:
    """The canonical prefix of a namespace: WordPress's by pattern, whatever its version/scheme."""
    known = _PREFIXES.get(uri)
    if known:
        return known
    m = _WP_NS.search(uri)
    if m:
        return "excerpt" if m.group(1) else "wp"
    return None


class Names:
    """Short keys for element and attribute names: ``wp:post_id``, ``title``, ``@dsq:id``.

    Names in ``main`` (the document's own namespace: Atom, Disqus) get no prefix. Cached per
    name, so a key costs one dict lookup per element.
    """

    def __init__(self, main: str | None = None) -> None:
        self.main = main
        self._cache: dict[str, str] = {}

    def __call__(self, tag: str, prefix: str | None = None) -> str:
        key = self._cache.get(tag)
        if key is None:
            if tag.startswith("{"):
                uri, _, local = tag[1:].partition("}")
                short = None if uri == self.main else prefix_for(uri) or prefix or "ns"
                key = f"{short}:{local}" if short else local
            else:
                key = tag
            self._cache[tag] = key
        return key


def fields(el: Any, names: Names, skip: frozenset[str] = frozenset()) -> dict[str, Any]:
    """An element's attributes (``@name``) and children as a JSON-able dict, for ``raw``.

    A child without children or attributes is its text; otherwise a dict (text under
    ``#text``). Repeated children become lists. Children whose key is in ``skip`` are left out.
    """
    out: dict[str, Any] = {}
    for name, value in el.attrib.items():
        out["@" + names(name)] = value
    repeated: set[str] = set()
    for child in el:
        tag = child.tag
        if not isinstance(tag, str):  # comments, processing instructions
            continue
        key = names(tag, child.prefix)
        if key in skip:
            continue
        if len(child) or child.attrib:
            value = fields(child, names)
            if child.text and child.text.strip():
                value["#text"] = child.text
        else:
            value = child.text or ""
        if key in repeated:
            out[key].append(value)
        elif key in out:
            out[key] = [out[key], value]
            repeated.add(key)
        else:
            out[key] = value
    return out


def text_of(value: Any) -> str | None:
    """Stripped text of a ``fields`` value (a string, a dict with ``#text``, or a list's first)."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("#text")
    if not isinstance(value, str):
        return None
    return value.strip() or None


def release(el: Any) -> None:
    """Free a finished record and everything before it (the constant-memory iterparse idiom)."""
    el.clear(keep_tail=True)
    parent = el.getparent()
    if parent is not None:
        while el.getprevious() is not None:
            del parent[0]


class XmlStream:
    """``start``/``end`` events of ``tags`` from a file, with ``XmlError`` for broken parts.

    ``resync`` finds the start of the next record in raw bytes after an error. ``line(el)`` is
    an element's line in the file (after a restart, parser lines are shifted).
    """

    def __init__(self, path: Path, tags: tuple[str, ...], resync: re.Pattern[bytes]) -> None:
        self.path = path
        self.tags = tags
        self.resync = resync
        self._base_line = 1
        self._prefix: bytes | None = None

    def line(self, el: Any) -> int:
        return self._base_line + (el.sourceline or 1) - 1

    def __iter__(self) -> Iterator[tuple[str, Any] | XmlError]:
        with open_binary(self.path) as f:
            buf = _Buffer(f)
            prefix, offset = b"", 0
            while True:
                reader = _Reader(buf, prefix, offset)
                events = etree.iterparse(
                    reader,
                    events=("start", "end"),
                    tag=self.tags,
                    resolve_entities=False,
                    no_network=True,
                    load_dtd=False,
                    huge_tree=True,
                )
                try:
                    for event, el in events:
                        if self._prefix is None and event == "start":
                            self._prefix = _open_tags(el)
                        yield event, el
                    return
                except etree.XMLSyntaxError as e:
                    line, column = e.position
                    message = (e.msg or str(e)).split(", line ")[0]
                    yield XmlError(self._base_line + line - 1, message)
                    if self._prefix is None:
                        return  # broken before the first record: nothing to resume with
                    if line == 1 and prefix:
                        at = offset + max(column - 1 - len(prefix), 0)
                    else:
                        start = buf.line_start(self._base_line + line - 1)
                        if start is None:
                            return
                        at = start + max(column - 1, 0)
                    found = buf.search(self.resync, max(at, offset + 1))
                    if found is None:
                        return
                    prefix, offset = self._prefix, found
                    self._base_line = buf.line_at(found)


def _open_tags(el: Any) -> bytes:
    """Start tags of ``el``'s ancestors (with their namespaces): what a restarted parser needs."""
    tree = el.getroottree()
    encoding = tree.docinfo.encoding or "UTF-8"
    parts = [f'<?xml version="1.0" encoding="{encoding}"?>']
    for anc in reversed(list(el.iterancestors())):
        local = etree.QName(anc).localname
        name = f"{anc.prefix}:{local}" if anc.prefix else local
        decls = "".join(
            f" xmlns:{p}={quoteattr(uri)}" if p else f" xmlns={quoteattr(uri)}"
            for p, uri in anc.nsmap.items()
        )
        parts.append(f"<{name}{decls}>")
    return "".join(parts).encode("ascii", "xmlcharrefreplace")


class _Buffer:
    """The file's bytes (control characters dropped) with the last few chunks kept.

    Keeps each chunk's offset and first line so an error's line/column can be turned into an
    offset to resume from.
    """

    def __init__(self, f: IO[bytes]) -> None:
        self.f = f
        self.chunks: deque[tuple[int, int, bytes]] = deque(maxlen=_HISTORY)
        self.end = 0
        self.end_line = 1

    def load(self) -> bool:
        while True:
            data = self.f.read(_CHUNK)
            if not data:
                return False
            data = data.translate(None, _CONTROL)
            if data:
                break
        self.chunks.append((self.end, self.end_line, data))
        self.end += len(data)
        self.end_line += data.count(b"\n")
        return True

    def chunk_at(self, offset: int) -> tuple[int, int, bytes] | None:
        for chunk in reversed(self.chunks):
            if chunk[0] <= offset < chunk[0] + len(chunk[2]):
                return chunk
        return None

    def line_at(self, offset: int) -> int:
        chunk = self.chunk_at(offset)
        if chunk is None:
            return self.end_line
        start, line, data = chunk
        return line + data.count(b"\n", 0, offset - start)

    def line_start(self, line: int) -> int | None:
        """Offset where ``line`` begins (just after the newline ending the line before), if
        that is still in the kept chunks."""
        if line <= 1:
            return 0 if self.chunks and self.chunks[0][0] == 0 else None
        n = line - 1
        for start, first, data in self.chunks:
            if first <= n < first + data.count(b"\n"):
                pos = -1
                for _ in range(n - first + 1):
                    pos = data.index(b"\n", pos + 1)
                return start + pos + 1
        return None

    def search(self, pattern: re.Pattern[bytes], offset: int) -> int | None:
        """Offset of the first match of ``pattern`` at or after ``offset``, reading on."""
        while True:
            if offset < self.end:
                parts = [
                    data[max(offset - start, 0) :]
                    for start, _, data in self.chunks
                    if start + len(data) > offset
                ]
                if self.chunks and self.chunks[0][0] > offset:
                    offset = self.chunks[0][0]
                m = pattern.search(b"".join(parts))
                if m:
                    return offset + m.start()
                offset = max(offset, self.end - 256)  # a tag may straddle the next chunk
            if not self.load():
                return None


class _Reader:
    """What iterparse reads: ``prefix``, then the buffer's bytes from ``offset`` on."""

    def __init__(self, buf: _Buffer, prefix: bytes, offset: int) -> None:
        self.buf = buf
        self.prefix = prefix
        self.pos = offset

    def read(self, size: int = -1) -> bytes:
        if self.prefix:
            cut = len(self.prefix) if size is None or size < 0 else size
            out, self.prefix = self.prefix[:cut], self.prefix[cut:]
            return out
        if self.pos >= self.buf.end and not self.buf.load():
            return b""
        chunk = self.buf.chunk_at(self.pos)
        if chunk is None:  # fell out of the history (cannot happen with sequential reads)
            return b""
        start, _, data = chunk
        lo = self.pos - start
        hi = len(data) if size is None or size < 0 else min(len(data), lo + size)
        self.pos = start + hi
        return data[lo:hi]
