"""The contract every source module implements, and the records that flow through it.

A source has a ``name``, the ``platform`` it yields, ``settings`` it needs, ``detect`` (how sure
it is that a file is in its format, from the file's content), ``read`` (yields raw records, or
``Bad`` ones to quarantine) and a pure ``normalise`` (one raw record to one ``Message``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from ascolto.models import Message


@dataclass(frozen=True, slots=True)
class Setting:
    """A setting a source needs (an API token, a column mapping); ``secret`` ones are masked."""

    name: str
    help: str
    default: str | None = None
    secret: bool = False


@dataclass(slots=True)
class RawRecord:
    """One record as read from a file, before normalisation.

    ``data`` is the original object (kept as ``Message.raw``); ``location`` says where it was
    (``line 12``, ``<item> 3 / <wp:comment> 2``); ``context`` carries what the record needs
    from around it (users of a response page, the post a comment belongs to, the channel).
    ``text`` is the record's original JSON text (or its UTF-8 bytes, as read) when the record
    is a whole line or a slice of one, so the store keeps it without serialising it again.
    """

    data: Any
    location: str
    context: Mapping[str, Any] = field(default_factory=dict)
    text: str | bytes | None = None


@dataclass(slots=True)
class Bad:
    """A record that could not be read (truncated line, broken element): quarantined."""

    location: str
    reason: str
    excerpt: str = ""


@dataclass(frozen=True, slots=True)
class Options:
    """Per-import options: ``--option key=value`` and ``--map field=column`` from the CLI."""

    values: Mapping[str, str] = field(default_factory=dict)
    mapping: Mapping[str, str] = field(default_factory=dict)

    def get(self, key: str, default: str | None = None) -> str | None:
        return self.values.get(key, default)


class Source(ABC):
    """Base class of a source module's single instance. Subclasses set the class attributes."""

    #: Short unique name used by ``--format`` (``twarc2``, ``youtube``).
    name: ClassVar[str] = ""
    #: Platform of the messages it yields, or ``"*"`` when it depends on the data (generic CSV).
    platform: ClassVar[str] = ""
    #: One line for ``ascolto formats``.
    description: ClassVar[str] = ""
    settings: ClassVar[tuple[Setting, ...]] = ()
    #: Fixtures the shared test battery checks this source on: paths under ``../shared/data``
    #: (real data), or ``tests/fixtures/...`` for formats with no public real sample.
    examples: ClassVar[tuple[str, ...]] = ()

    @abstractmethod
    def detect(self, path: Path, head: str) -> float:
        """How sure (0 to 1) this source is that ``path`` is in its format.

        ``head`` is the first 64 KiB of the (decompressed) file, decoded as UTF-8. Detection
        is by content; the file name may only break ties.
        """

    @abstractmethod
    def read(self, path: Path, options: Options) -> Iterator[RawRecord | Bad]:
        """Yield the file's records one message each, or ``Bad`` for malformed ones."""

    #: Line-oriented formats set this and implement ``read_lines``: big plain files are then
    #: split between two reader processes at line boundaries.
    splittable: ClassVar[bool] = False

    def read_lines(
        self, lines: Iterator[tuple[int, bytes]], options: Options
    ) -> Iterator[RawRecord | Bad]:
        """Like ``read``, over ``(line_number, line)`` pairs (only for ``splittable`` ones)."""
        raise TypeError(f"format {self.name!r} is not line-oriented: it cannot be split")

    @abstractmethod
    def normalise(self, raw: RawRecord) -> Message | None:
        """Map one raw record to a ``Message`` (``None`` to skip it on purpose, e.g. a like).

        Pure: no I/O. Raise ``RecordError`` (or let ``KeyError``/``ValueError``/``TypeError``
        escape) for a malformed record; the pipeline quarantines it with its location.
        """
