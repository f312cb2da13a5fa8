"""The default backend's model: logistic regression over the shared hashed n-gram features.

Follows the estimator habit (parameters in ``__init__``, ``fit`` returns self, learned state
ends with ``_``). It saves as plain arrays and JSON, never pickle, so a shipped file loads
under any later scikit-learn and cannot run code.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from ascolto.enrich.features import SCHEME, Featurizer
from ascolto.errors import AscoltoError

WEIGHTS = "weights.npz"
META = "model.json"


class LinearModel:
    """Multinomial (or binary) logistic regression; scores are calibrated probabilities."""

    def __init__(
        self,
        featurizer: Featurizer | None = None,
        C: float = 4.0,
        max_iter: int = 3000,
        class_weight: str | None = None,
        seed: int = 2026,
    ) -> None:
        self.featurizer = featurizer or Featurizer()
        self.C = C
        self.max_iter = max_iter
        self.class_weight = class_weight
        self.seed = seed

    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[str],
        sample_weight: np.ndarray | None = None,
    ) -> LinearModel:
        x = self.featurizer.transform(texts)
        lr = LogisticRegression(
            C=self.C, max_iter=self.max_iter, class_weight=self.class_weight, random_state=self.seed
        )
        lr.fit(x, np.asarray(labels), sample_weight=sample_weight)
        self.classes_: tuple[str, ...] = tuple(str(c) for c in lr.classes_)
        # features x outputs, so scoring a batch is one sparse-dense product
        self.coef_ = np.ascontiguousarray(lr.coef_.T, dtype=np.float32)
        self.intercept_ = lr.intercept_.astype(np.float32)
        return self

    def proba_from_features(self, x: sp.csr_matrix) -> np.ndarray:
        """Class probabilities (rows x classes) for already vectorised texts."""
        z = x @ self.coef_ + self.intercept_
        if len(self.classes_) == 2:  # binary: one output, the second class's log-odds
            p = 1.0 / (1.0 + np.exp(-z[:, 0]))
            return np.column_stack([1.0 - p, p])
        z -= z.max(axis=1, keepdims=True)
        np.exp(z, out=z)
        z /= z.sum(axis=1, keepdims=True)
        return z

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return self.proba_from_features(self.featurizer.transform(texts))

    def predict(self, texts: Sequence[str]) -> list[str]:
        proba = self.predict_proba(texts)
        return [self.classes_[i] for i in proba.argmax(axis=1)]

    def save_weights(self, folder: Path) -> str:
        """Write the weights as int8 with one scale per output; returns their digest.

        A third of float16's size (the shipped files stay small) for the same predictions to
        about three decimals. The model keeps the rounded weights, so what it scores after
        saving is exactly what ships.
        """
        folder.mkdir(parents=True, exist_ok=True)
        scale = np.abs(self.coef_).max(axis=0) / 127
        scale[scale == 0] = 1.0
        quantised = np.round(self.coef_ / scale).astype(np.int8)
        self.coef_ = quantised.astype(np.float32) * scale.astype(np.float32)
        np.savez_compressed(
            folder / WEIGHTS,
            coef=quantised,
            scale=scale.astype(np.float32),
            intercept=self.intercept_,
        )
        return hashlib.sha256((folder / WEIGHTS).read_bytes()).hexdigest()[:8]

    def write_meta(self, folder: Path, meta: dict[str, Any]) -> dict[str, Any]:
        """Write ``meta`` (name, version, metrics) with what ``load`` needs besides weights."""
        info = {
            **meta,
            "classes": list(self.classes_),
            "featurizer": self.featurizer.params(),
            "params": {"C": self.C, "class_weight": self.class_weight, "seed": self.seed},
        }
        (folder / META).write_text(json.dumps(info, indent=2, ensure_ascii=False) + "\n")
        return info

    @classmethod
    def load(cls, folder: Path) -> tuple[LinearModel, dict[str, Any]]:
        """The model and its meta (name, version, metrics) from a folder it was saved in."""
        meta = json.loads((folder / META).read_text())
        if meta["featurizer"].get("scheme") != SCHEME:
            raise AscoltoError(
                f"{folder} holds a model made by an older ascolto whose features differ: "
                f"retrain it with `ascolto models train {meta.get('task', 'TASK')}`"
            )
        params = meta["params"]
        model = cls(
            Featurizer(**meta["featurizer"]),
            C=params["C"],
            class_weight=params["class_weight"],
            seed=params["seed"],
        )
        with np.load(folder / WEIGHTS) as arrays:
            model.coef_ = arrays["coef"].astype(np.float32) * arrays["scale"]
            model.intercept_ = arrays["intercept"].astype(np.float32)
        model.classes_ = tuple(meta["classes"])
        return model, meta
