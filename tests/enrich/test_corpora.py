"""The real corpora: fixed splits, no test split read, and the tweet reuse the trainer guards."""

from __future__ import annotations

from ascolto.enrich import corpora
from ascolto.enrich.training import RECIPES, gather, text_key
from tests.conftest import data_path


def test_hashed_split_is_stable_and_near_its_fraction() -> None:
    refs = [f"x:{i}" for i in range(4000)]
    first = [corpora.hashed_split(r) for r in refs]
    assert first == [corpora.hashed_split(r) for r in reversed(refs)][::-1]
    assert 0.17 < first.count("val") / len(first) < 0.23


def test_umsab_italian_is_made_of_sentipolc_tweets() -> None:
    """Why SENTIPOLC is out of the default sentiment recipe (see the model card)."""
    data = data_path("umsab_xlmt_sentiment").parent
    sentipolc = {text_key(t) for t in corpora.sentipolc(data).texts}
    italian = corpora.umsab(data, ("italian",))
    assert sum(text_key(t) in sentipolc for t in italian.texts) / len(italian) > 0.99


def test_no_training_row_repeats_a_validation_text() -> None:
    data = data_path("umsab_xlmt_sentiment").parent
    train, val, loaded = gather(RECIPES["toxicity"], data)
    held = {text_key(t) for t in val.texts}
    assert held and not any(text_key(t) in held for t in train.texts)
    assert {c.name for c in loaded} == {"haspeede2018", "tweeteval"}
    assert set(train.labels) == set(val.labels) == {"ok", "toxic"}


def test_intent_labels_resolve_to_real_texts() -> None:
    data = data_path("twcs_customer_support_twitter").parent
    from ascolto.enrich.training import INTENT_LABELS

    c = corpora.intent_labels(data, INTENT_LABELS)
    assert len(c) >= 2000
    assert set(c.labels) == {
        "purchase",
        "question",
        "support",
        "complaint",
        "idea",
        "praise",
        "spam",
        "other",
    }
    assert 0.2 < c.splits.count("val") / len(c) < 0.3
