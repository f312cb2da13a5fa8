"""The shared featurizer: stateless, normalised rows, the same n-grams as scikit-learn's."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from sklearn.feature_extraction.text import HashingVectorizer

from ascolto.enrich import registry
from ascolto.enrich.features import Featurizer, char_ngrams, preprocess
from ascolto.enrich.linear import META, LinearModel
from ascolto.errors import AscoltoError

TEXTS = [
    "Il mio ordine non è mai arrivato, aiutatemi!!",
    "  spazi   doppi\te\ttab  ",
    "a",
    "thanks @user great flight 😀👍 #delta",
    "漢字とカタカナ",
    "",
    "   ",
]


def test_preprocess_replaces_links_and_mentions_and_shrinks_runs() -> None:
    text = preprocess("@Mario guarda http://t.co/x BELLISSIMOOOOO!!!")
    assert text == "@user guarda http bellissimooo!!!"


def test_rows_are_unit_length_and_identical_for_identical_texts() -> None:
    x = Featurizer().transform(["Che bella giornata", "", "Che bella giornata", None])  # type: ignore[list-item]
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1))).ravel()
    assert np.allclose(norms[[0, 2]], 1.0) and norms[1] == 0 and norms[3] == 0
    assert (x[0] != x[2]).nnz == 0
    assert x.shape[1] == Featurizer().n_features


def test_char_ngrams_are_scikit_learns_char_wb_ngrams() -> None:
    """Same n-grams per text as ``char_wb`` (counted), hashed by numpy instead of Python."""
    clean = [preprocess(t) for t in TEXTS]
    ours = char_ngrams(clean, 2, 5, 19)
    theirs = HashingVectorizer(
        analyzer="char_wb", ngram_range=(2, 5), alternate_sign=False, norm=None, lowercase=False
    ).transform(clean)
    assert ours.shape == (len(TEXTS), 2**19)
    assert np.asarray(ours.sum(axis=1)).ravel().tolist() == (
        np.asarray(theirs.sum(axis=1)).ravel().tolist()
    )
    assert ours[5].nnz == ours[6].nnz == 0  # nothing to read is an empty row
    alone = char_ngrams([clean[3]], 2, 5, 19)
    assert (alone != ours[3]).nnz == 0  # a text's row does not depend on its batch


def test_a_model_of_another_feature_scheme_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    shutil.copytree(registry.model_dir("toxicity"), folder)
    meta = json.loads((folder / META).read_text())
    del meta["featurizer"]["scheme"]
    (folder / META).write_text(json.dumps(meta))
    with pytest.raises(AscoltoError, match=r"older ascolto.*models train toxicity"):
        LinearModel.load(folder)
