"""The shipped models: present, carded, and as good on real validation rows as their cards say."""

from __future__ import annotations

import numpy as np
import pytest

from ascolto.enrich import corpora, language, registry
from ascolto.enrich.backends import get_backend
from ascolto.enrich.evaluation import validation_rows
from ascolto.enrich.metrics import evaluate
from ascolto.enrich.tasks import LABELS, SUPPORTED_LANGUAGES, TASKS
from tests.conftest import data_path


@pytest.mark.parametrize("task", TASKS)
def test_card_and_meta_ship_with_the_model(task: str) -> None:
    folder = registry.model_dir(task)
    meta = registry.meta(task)
    assert meta["classes"] == sorted(LABELS.get(task, corpora.UMSAB_LANGUAGES.values()))
    assert "messages/s" in " ".join(meta["speed"])
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
    assert m["macro_f1"] == pytest.approx(card["macro_f1"], abs=0.005)  # int8 weights


def test_language_on_umsab_validation_beats_py3langid_alone() -> None:
    data = data_path("umsab_xlmt_sentiment").parent
    texts, truth = validation_rows(data, "language")
    predicted = get_backend("linear").predict(texts, ["language"])["language"][0]
    alone = [code for code, _ in language.identify(texts, SUPPORTED_LANGUAGES)]
    ours = evaluate(truth, predicted, sorted(set(truth)))["accuracy"]
    assert ours > 0.98 and ours > evaluate(truth, alone, sorted(set(truth)))["accuracy"]


def test_language_head_defers_to_py3langid_when_unsure() -> None:
    texts = ["Buongiorno a tutti, che bella giornata", "Guten Morgen, wie geht es dir?", "😀👍 #"]
    sure_wrong = np.array([[0.0, 1.0], [0.0, 1.0], [0.5, 0.5]])  # head says "en" for all
    found = language.from_head(texts, sure_wrong.copy(), ["it", "en"], ["it", "en"])
    assert [code for code, _ in found] == ["en", "en", "und"]  # confident: the head is kept
    unsure = np.array([[0.45, 0.55], [0.5, 0.5], [0.5, 0.5]])
    found = language.from_head(texts, unsure, ["it", "en"], ["it", "en"], confidence=0.6)
    assert found[0][0] == "it" and found[2] == ("und", 0.0)  # py3langid read the first again
    restricted = language.from_head(
        texts[:2], np.array([[0.2, 0.3, 0.5]] * 2), ["it", "en", "de"], ["it", "en"]
    )
    assert [code for code, _ in restricted] == ["en", "en"] and restricted[0][1] == 0.6
