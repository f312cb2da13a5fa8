"""Shared fixtures: where the real data lives, and fresh workspaces."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ascolto.models import Message
from ascolto.sources.base import Options, RawRecord, Source
from ascolto.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("ASCOLTO_DATA", ROOT.parent / "shared" / "data")).resolve()


def data_path(relative: str) -> Path:
    """A file under ../shared/data; skips the test with the reason when it is absent."""
    path = DATA / relative
    if not path.exists():
        pytest.skip(f"real data not available: {path} (set ASCOLTO_DATA or put shared/ beside)")
    return path


def example_path(relative: str) -> Path:
    """A source's example: ``tests/...`` is a fixture of this project, anything else real data."""
    if relative.startswith("tests/"):
        return ROOT / relative
    return data_path(relative)


def read_messages(
    source: Source, path: Path, options: Options | None = None, strict: bool = True
) -> list[Message]:
    """Every message ``source`` reads from ``path``; records skipped on purpose are left out.

    ``strict``: a bad record fails the test; otherwise bad records are passed over.
    """
    out = []
    for record in source.read(path, options or Options()):
        if not isinstance(record, RawRecord):
            assert not strict, record
            continue
        message = source.normalise(record)
        if message is not None:
            out.append(message)
    return out


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return Workspace.create(tmp_path / "ws")
