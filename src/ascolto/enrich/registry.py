"""The models ascolto ships, found by task: what ``models list`` shows and backends load."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from ascolto.enrich.linear import META, LinearModel
from ascolto.enrich.tasks import TASKS, check_task
from ascolto.errors import AscoltoError

MODELS = Path(__file__).parent / "models"


def model_dir(task: str) -> Path:
    return MODELS / task


@lru_cache(maxsize=16)
def load_linear(folder: Path) -> tuple[LinearModel, dict[str, Any]]:
    """A linear model and its meta, loaded once per process."""
    if not (folder / META).is_file():
        raise AscoltoError(
            f"no model in {folder}: run `ascolto models train TASK --data ../shared/data`"
        )
    return LinearModel.load(folder)


def shipped() -> list[dict[str, Any]]:
    """One summary per task: name, version, trained date, validation macro-F1, folder."""
    out: list[dict[str, Any]] = []
    for task in TASKS:
        meta_path = model_dir(task) / META
        if meta_path.is_file():
            meta = json.loads(meta_path.read_text())
            out.append(
                {
                    "task": task,
                    "backend": "linear",
                    "name": meta["name"],
                    "version": meta["version"],
                    "labels": meta["classes"],
                    "trained_at": meta["trained_at"],
                    "macro_f1": meta["validation"]["overall"]["macro_f1"],
                    "path": str(model_dir(task)),
                }
            )
    return out


def meta(task: str) -> dict[str, Any]:
    """The full meta (validation numbers included) of the shipped model of a task."""
    return load_linear(model_dir(check_task(task)))[1]
