"""``models evaluate`` and ``classify``: labelled and unlabelled texts from files, read in order.

Inputs are a text file (one message per line) or JSONL with a ``text`` field (and ``label``
for evaluation); CSV/TSV with ``text`` and ``label`` columns also evaluate. A folder means the
shared datasets: the task's validation rows, the ones no shipped model trained on.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import orjson

from ascolto.enrich import corpora
from ascolto.enrich.tasks import SUPPORTED_LANGUAGES
from ascolto.enrich.training import RECIPES, gather
from ascolto.errors import AscoltoError


def _is_jsonl(path: Path) -> bool:
    with path.open(encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.strip():
                return line.lstrip().startswith("{")
    return False


def read_texts(path: Path) -> Iterator[str]:
    """Texts of a file in order: one per line, or the ``text`` field of each JSONL line."""
    if not path.is_file():
        raise AscoltoError(f"{path}: no such file")
    jsonl = _is_jsonl(path)
    with path.open(encoding="utf-8", errors="replace") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n").rstrip("\r")
            if not jsonl:
                yield line
                continue
            try:
                obj = orjson.loads(line)
            except orjson.JSONDecodeError:
                obj = None
            if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
                raise AscoltoError(
                    f"{path}:{number}: expected a JSON object with a text field "
                    "(or give a plain text file, one message per line)"
                )
            yield obj["text"]


def read_labelled(path: Path, task: str) -> tuple[list[str], list[str]]:
    """``(texts, labels)`` to evaluate on: a file, or the shared datasets' validation rows."""
    if path.is_dir():
        return validation_rows(path, task)
    if not path.is_file():
        raise AscoltoError(f"{path}: no such file or folder")
    texts: list[str] = []
    labels: list[str] = []
    if path.suffix in (".csv", ".tsv"):
        with path.open(newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f, delimiter="\t" if path.suffix == ".tsv" else ",")
            if not {"text", "label"} <= set(reader.fieldnames or ()):
                raise AscoltoError(f"{path}: needs a header with text and label columns")
            for row in reader:
                texts.append(row["text"] or "")
                labels.append(row["label"] or "")
        return texts, labels
    with path.open(encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                obj = orjson.loads(line)
            except orjson.JSONDecodeError:
                obj = None
            if not (
                isinstance(obj, dict) and isinstance(obj.get("text"), str) and obj.get("label")
            ):
                raise AscoltoError(
                    f"{path}:{number}: expected a JSON object with text and label fields"
                )
            texts.append(obj["text"])
            labels.append(str(obj["label"]))
    return texts, labels


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
