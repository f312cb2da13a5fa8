"""The shipped models: present, carded, and as good on real validation rows as their cards say."""

from __future__ import annotations

import pytest

from ascolto.enrich import registry
from ascolto.enrich.backends import get_backend
from ascolto.enrich.evaluation import validation_rows
from ascolto.enrich.metrics import evaluate
from ascolto.enrich.tasks import LABELS
from tests.conftest import data_path


@pytest.mark.parametrize("task", ["sentiment", "intent", "toxicity"])
def test_card_and_meta_ship_with_the_model(task: str) -> None:
    folder = registry.model_dir(task)
    meta = registry.meta(task)
    assert meta["classes"] == sorted(LABELS[task])
    card = (folder / "MODEL_CARD.md").read_text()
    assert meta["version"] in card and "Per class" in card and "licence" in card


def test_sentiment_beats_the_umsab_italian_fasttext_baseline() -> None:
    subsets = registry.meta("sentiment")["validation"]["by_subset"]
    assert subsets["umsab_italian_val"]["macro_f1"] > 0.547


def test_toxicity_card_numbers_reproduce_on_the_validation_rows() -> None:
    data = data_path("haspeede2018").parent
    texts, truth = validation_rows(data, "toxicity")
    predicted = get_backend("linear").predict(texts, ["toxicity"])["toxicity"][0]
    m = evaluate(truth, predicted, LABELS["toxicity"])
    card = registry.meta("toxicity")["validation"]["overall"]
    assert m["n"] == card["n"]
    assert m["macro_f1"] == pytest.approx(card["macro_f1"], abs=0.005)  # float16 weights


def test_language_on_umsab_validation() -> None:
    data = data_path("umsab_xlmt_sentiment").parent
    texts, truth = validation_rows(data, "language")
    predicted = get_backend("linear").predict(texts, ["language"])["language"][0]
    assert evaluate(truth, predicted, sorted(set(truth)))["accuracy"] > 0.95
