"""The shared featurizer: stateless, normalised rows, the placeholders the models rely on."""

from __future__ import annotations

import numpy as np

from ascolto.enrich.features import Featurizer, preprocess


def test_preprocess_replaces_links_and_mentions_and_shrinks_runs() -> None:
    text = preprocess("@Mario guarda http://t.co/x BELLISSIMOOOOO!!!")
    assert text == "@user guarda http bellissimooo!!!"


def test_rows_are_unit_length_and_identical_for_identical_texts() -> None:
    x = Featurizer().transform(["Che bella giornata", "", "Che bella giornata", None])  # type: ignore[list-item]
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1))).ravel()
    assert np.allclose(norms[[0, 2]], 1.0) and norms[1] == 0 and norms[3] == 0
    assert (x[0] != x[2]).nnz == 0
    assert x.shape[1] == Featurizer().n_features
