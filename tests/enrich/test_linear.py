"""The linear model on real data: learns, saves without pickle, loads to the same predictions."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ascolto.enrich import corpora
from ascolto.enrich.features import Featurizer
from ascolto.enrich.linear import LinearModel
from ascolto.enrich.metrics import evaluate
from tests.conftest import data_path


def test_small_model_beats_chance_and_round_trips(tmp_path: Path) -> None:
    data = data_path("haspeede2018").parent
    c = corpora.haspeede(data)
    train = [i for i, s in enumerate(c.splits) if s == "train"]
    val = [i for i, s in enumerate(c.splits) if s == "val"]
    model = LinearModel(Featurizer(word_bits=14, char_bits=15)).fit(
        [c.texts[i] for i in train], [c.labels[i] for i in train]
    )
    texts = [c.texts[i] for i in val]
    m = evaluate([c.labels[i] for i in val], model.predict(texts), ["ok", "toxic"])
    assert m["macro_f1"] > 0.7  # chance is about 0.5
    model.save_weights(tmp_path / "m")
    model.write_meta(tmp_path / "m", {"name": "t", "version": "1"})
    loaded, meta = LinearModel.load(tmp_path / "m")
    assert meta["classes"] == ["ok", "toxic"] and loaded.featurizer == model.featurizer
    assert np.allclose(loaded.predict_proba(texts), model.predict_proba(texts), atol=2e-3)
    assert not list((tmp_path / "m").glob("*.pkl"))
