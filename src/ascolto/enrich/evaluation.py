"""``models evaluate`` and ``classify``: labelled and unlabelled texts from files, read in order.

Inputs are a text file (one message per line) or JSONL with a ``text`` field (and ``label``
for evaluation); CSV/TSV with ``text`` and ``label`` columns also evaluate. A folder means the
shared datasets: the task's validation rows, the ones no shipped model trained on.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ascolto.enrich import corpora
from ascolto.enrich.tasks import SUPPORTED_LANGUAGES
from ascolto.enrich.training import RECIPES, gather
from ascolto.errors import AscoltoError
from ascolto.sources.base import Bad
from ascolto.sources.files import jsonl_objects, open_text, read_head


def _jsonl_rows(path: Path, fields: tuple[str, ...]) -> Iterator[dict[str, Any]]:
    """The JSON objects of a JSONL file with a string ``text`` and every one of ``fields``."""
    for item in jsonl_objects(path):
        if (
            isinstance(item, Bad)
            or not isinstance(item[2].get("text"), str)
            or any(item[2].get(f) in (None, "") for f in fields[1:])
        ):
            where = item.location if isinstance(item, Bad) else f"line {item[0]}"
            raise AscoltoError(
                f"{path}:{where.removeprefix('line ')}: expected a JSON object with "
                f"{' and '.join(fields)} field{'s' if len(fields) > 1 else ''} "
                "(or give a plain text file, one message per line)"
            )
        yield item[2]


def read_texts(path: Path) -> Iterator[str]:
    """Texts of a file in order: one per line, or the ``text`` field of each JSONL line."""
    if not path.is_file():
        raise AscoltoError(f"{path}: no such file")
    if read_head(path).lstrip().startswith("{"):
        yield from (row["text"] for row in _jsonl_rows(path, ("text",)))
        return
    with open_text(path) as f:
        for line in f:
            yield line.rstrip("\n").rstrip("\r")


def read_labelled(path: Path, task: str) -> tuple[list[str], list[str]]:
    """``(texts, labels)`` to evaluate on: a file, or the shared datasets' validation rows."""
    if path.is_dir():
        return validation_rows(path, task)
    if not path.is_file():
        raise AscoltoError(f"{path}: no such file or folder")
    if path.suffix in (".csv", ".tsv"):
        with open_text(path) as f:
            reader = csv.DictReader(f, delimiter="\t" if path.suffix == ".tsv" else ",")
            if not {"text", "label"} <= set(reader.fieldnames or ()):
                raise AscoltoError(f"{path}: needs a header with text and label columns")
            rows = [(row["text"] or "", row["label"] or "") for row in reader]
    else:
        rows = [(r["text"], str(r["label"])) for r in _jsonl_rows(path, ("text", "label"))]
    return [t for t, _ in rows], [label for _, label in rows]


def validation_rows(data: Path, task: str) -> tuple[list[str], list[str]]:
    """The validation rows of a task's recipe (language: UMSAB validation, six languages)."""
    if task == "language":
        if not (data / "umsab_xlmt_sentiment").is_dir():
            raise AscoltoError(f"{data} does not hold the shared datasets")
        named = [k for k, v in corpora.UMSAB_LANGUAGES.items() if v in SUPPORTED_LANGUAGES]
        c = corpora.umsab(data, tuple(named))
        rows = [(t, g) for t, g, s in zip(c.texts, c.langs, c.splits, strict=True) if s == "val"]
        return [t for t, _ in rows], [g for _, g in rows]
    _, val, _ = gather(RECIPES[task], data)
    return val.texts, val.labels
