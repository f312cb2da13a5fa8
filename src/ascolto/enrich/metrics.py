"""Evaluation numbers every model card and ``models evaluate`` report: one definition."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support


def evaluate(
    truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str]
) -> dict[str, Any]:
    """Accuracy, macro-F1 over ``labels``, per-class precision/recall/F1/support, confusion.

    The confusion matrix has one row per true label and one column per predicted label, in
    ``labels`` order. Labels absent from both sides score 0 and are still listed.
    """
    labels = list(labels)
    p, r, f, n = precision_recall_fscore_support(truth, predicted, labels=labels, zero_division=0)
    present = [i for i, label in enumerate(labels) if n[i] > 0]
    return {
        "n": len(truth),
        "accuracy": round(float(accuracy_score(truth, predicted)), 4) if truth else 0.0,
        "macro_f1": round(float(sum(f[i] for i in present) / len(present)), 4) if present else 0.0,
        "per_class": {
            label: {
                "precision": round(float(p[i]), 4),
                "recall": round(float(r[i]), 4),
                "f1": round(float(f[i]), 4),
                "support": int(n[i]),
            }
            for i, label in enumerate(labels)
        },
        "labels": labels,
        "confusion": confusion_matrix(truth, predicted, labels=labels).tolist() if truth else [],
    }
