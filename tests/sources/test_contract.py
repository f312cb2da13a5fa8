"""The battery every registered source passes on its real fixtures (like sklearn's checks)."""

from __future__ import annotations

from datetime import UTC

import pytest

from ascolto import sources
from ascolto.models import KINDS, PLATFORMS, Message
from ascolto.sources.base import Bad, Options, RawRecord, Source
from ascolto.sources.files import numbered_lines, read_head
from tests.conftest import example_path

ALL = list(sources.registry().values())
EXAMPLES = [(s, ex) for s in ALL for ex in s.examples]


def _ids(v: object) -> str:
    return v.name if isinstance(v, Source) else str(v)


@pytest.mark.parametrize("source", ALL, ids=_ids)
def test_declares_contract(source: Source) -> None:
    assert source.name and (source.name.isidentifier() or "-" in source.name)
    assert source.platform == "*" or source.platform in PLATFORMS
    assert source.description
    assert source.examples, "every source names real fixtures for this battery"


@pytest.mark.parametrize(("source", "example"), EXAMPLES, ids=_ids)
def test_detects_its_examples_uniquely(source: Source, example: str) -> None:
    path = example_path(example)
    assert sources.detect(path) is source
    head = read_head(path)
    others = [s.name for s in ALL if s is not source and s.detect(path, head) >= 0.5]
    assert not others, f"{example} also claimed by {others}"


@pytest.mark.parametrize(("source", "example"), EXAMPLES, ids=_ids)
def test_normalises_examples(source: Source, example: str) -> None:
    path = example_path(example)
    messages: list[Message] = []
    for item in source.read(path, Options()):
        assert isinstance(item, RawRecord | Bad)
        if isinstance(item, Bad):
            assert item.location and item.reason
            continue
        assert item.location
        m = source.normalise(item)
        if m is None:
            continue
        messages.append(m)
        assert m.platform in PLATFORMS
        assert source.platform in ("*", m.platform)
        assert m.id and isinstance(m.id, str)
        assert m.created_at.tzinfo is not None and m.created_at.utcoffset() == UTC.utcoffset(None)
        assert m.kind in KINDS
        assert m.raw is not None, "raw is always kept"
        if m.author is not None:
            assert m.author.platform == m.platform and m.author.id
        for name in ("likes", "shares", "replies", "quotes", "views", "score"):
            value = getattr(m, name)
            assert value is None or (isinstance(value, int) and not isinstance(value, bool))
        for name in ("mentions", "hashtags", "links"):
            assert all(isinstance(x, str) for x in getattr(m, name))
        assert m.parent_id != m.id
        # normalise is pure: the same record maps to the same message.
        again = source.normalise(item)
        assert again is not None and again == m
    assert messages, f"{example}: no messages"


@pytest.mark.parametrize(
    ("source", "example"), [(s, ex) for s, ex in EXAMPLES if s.splittable], ids=_ids
)
def test_splittable_sources_read_the_same_by_lines(source: Source, example: str) -> None:
    path = example_path(example)
    whole = [(r.location, type(r).__name__) for r in source.read(path, Options())]
    size = path.stat().st_size
    halves = [
        *source.read_lines(numbered_lines(path, 0, size // 2), Options()),
        *source.read_lines(numbered_lines(path, size // 2, size + 1), Options()),
    ]
    assert [(r.location, type(r).__name__) for r in halves] == whole
