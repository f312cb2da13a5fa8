"""Input helpers: byte-range line splitting for parallel readers, compression sniffing."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from ascolto.sources.files import is_compressed, numbered_lines


@pytest.mark.parametrize("trailing_newline", [True, False])
def test_ranges_cover_every_line_once_with_file_line_numbers(
    tmp_path: Path, trailing_newline: bool
) -> None:
    lines = [f"line {i} " + "x" * (i % 7) for i in range(1, 60)]
    lines.insert(10, "")  # a blank line keeps its number
    data = "\n".join(lines) + ("\n" if trailing_newline else "")
    path = tmp_path / "f.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + data.encode())
    whole = [(n, line.rstrip(b"\n")) for n, line in numbered_lines(path)]
    assert whole[0] == (1, b"line 1 x")  # BOM dropped
    size = path.stat().st_size
    for cut in range(1, size):  # every split point, mid-line and on a newline
        parts = [*numbered_lines(path, 0, cut), *numbered_lines(path, cut, size + 1)]
        assert [(n, line.rstrip(b"\n")) for n, line in parts] == whole, cut


def test_is_compressed(tmp_path: Path) -> None:
    plain, packed = tmp_path / "a.jsonl", tmp_path / "a.jsonl.gz"
    plain.write_text("{}\n")
    packed.write_bytes(gzip.compress(b"{}\n"))
    assert not is_compressed(plain) and is_compressed(packed)
