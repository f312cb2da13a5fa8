"""The default backend: the shipped linear models plus py3langid, all on one vectorisation.

A batch is vectorised once (hashed n-grams need no per-task vocabulary) and every task's model
scores the same matrix, so four tasks cost little more than one.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from ascolto.enrich import language
from ascolto.enrich.backends import Predictions
from ascolto.enrich.features import Featurizer
from ascolto.enrich.linear import LinearModel
from ascolto.enrich.registry import load_linear, model_dir
from ascolto.enrich.tasks import SUPPORTED_LANGUAGES, check_task


class LinearBackend:
    name = "linear"

    def __init__(
        self,
        languages: Sequence[str] = SUPPORTED_LANGUAGES,
        models: dict[str, Path] | None = None,
    ) -> None:
        self.languages = tuple(languages)
        self.models = models or {}

    def _model(self, task: str) -> tuple[LinearModel, dict[str, Any]]:
        return load_linear(self.models.get(task, model_dir(task)))

    def identity(self, task: str) -> tuple[str, str]:
        check_task(task)
        if task == "language":
            return language.NAME, f"{language.VERSION}:{','.join(self.languages)}"
        meta = self._model(task)[1]
        return meta["name"], meta["version"]

    def predict(self, texts: Sequence[str], tasks: Sequence[str]) -> Predictions:
        out: Predictions = {}
        features: dict[Featurizer, sp.csr_matrix] = {}
        for task in tasks:
            check_task(task)
            if task == "language":
                found = language.identify(texts, self.languages)
                out[task] = ([lang for lang, _ in found], [score for _, score in found])
                continue
            model, _ = self._model(task)
            if model.featurizer not in features:
                features[model.featurizer] = model.featurizer.transform(texts)
            proba = model.proba_from_features(features[model.featurizer])
            out[task] = scored(model.classes_, proba, task)
        return out


def scored(classes: Sequence[str], proba: np.ndarray, task: str) -> tuple[list[str], list[float]]:
    """Best label per row and its score: the label's probability, except toxicity, whose score
    is the probability of ``toxic`` whatever the label (a flame meter, not a confidence)."""
    best = proba.argmax(axis=1)
    column = proba[:, list(classes).index("toxic")] if task == "toxicity" else proba.max(axis=1)
    return [classes[i] for i in best], np.round(column.astype(np.float64), 4).tolist()
