"""The default backend: the shipped linear models, all four on one vectorisation.

A batch is vectorised once (hashed n-grams need no per-task vocabulary) and every task's model
scores the same matrix, so four tasks cost little more than one. Language is a model like the
others, helped by py3langid where it is unsure (``language.from_head``); a workspace expecting a
language the model does not know gets py3langid alone.
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
    parallel = True

    def __init__(
        self,
        languages: Sequence[str] = SUPPORTED_LANGUAGES,
        models: dict[str, Path] | None = None,
    ) -> None:
        self.languages = tuple(languages)
        self.models = models or {}

    def _model(self, task: str) -> tuple[LinearModel, dict[str, Any]]:
        return load_linear(self.models.get(task, model_dir(task)))

    def _head_reads_language(self) -> bool:
        return set(self.languages) <= set(self._model("language")[0].classes_)

    def identity(self, task: str) -> tuple[str, str]:
        """Language's version also names the expected languages: they change its answers."""
        check_task(task)
        expected = ",".join(self.languages)
        if task == "language" and not self._head_reads_language():
            return language.NAME, f"{language.VERSION}:{expected}"
        meta = self._model(task)[1]
        if task == "language":
            return meta["name"], f"{meta['version']}:{expected}"
        return meta["name"], meta["version"]

    def predict(self, texts: Sequence[str], tasks: Sequence[str]) -> Predictions:
        out: Predictions = {}
        features: dict[Featurizer, sp.csr_matrix] = {}
        for task in tasks:
            check_task(task)
            if task == "language" and not self._head_reads_language():
                found = language.identify(texts, self.languages)
                out[task] = ([code for code, _ in found], [score for _, score in found])
                continue
            model, _ = self._model(task)
            if model.featurizer not in features:
                features[model.featurizer] = model.featurizer.transform(texts)
            proba = model.proba_from_features(features[model.featurizer])
            if task == "language":
                found = language.from_head(texts, proba, model.classes_, self.languages)
                out[task] = ([code for code, _ in found], [score for _, score in found])
            else:
                out[task] = scored(model.classes_, proba, task)
        return out


def scored(classes: Sequence[str], proba: np.ndarray, task: str) -> tuple[list[str], list[float]]:
    """Best label per row and its score: the label's probability, except toxicity, whose score
    is the probability of ``toxic`` whatever the label (a flame meter, not a confidence)."""
    best = proba.argmax(axis=1)
    column = proba[:, list(classes).index("toxic")] if task == "toxicity" else proba.max(axis=1)
    return [classes[i] for i in best], np.round(column.astype(np.float64), 4).tolist()
