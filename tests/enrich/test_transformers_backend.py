"""The transformers backend on CPU, with tiny BERT models the tests build and teach themselves."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

# `make test` installs the transformers extra; outside it the module is skipped, never in CI
if not os.environ.get("CI"):
    pytest.importorskip("torch")
    pytest.importorskip("transformers")

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

from ascolto.enrich.backends import get_backend
from ascolto.enrich.backends.linear import LinearBackend
from ascolto.enrich.backends.transformers import TransformersBackend, label_map
from ascolto.enrich.pipeline import enrich_store
from ascolto.errors import BadOption
from ascolto.workspace import Workspace
from tests.cli.test_cli import ascolto, one_line_error
from tests.enrich.test_pipeline import _fill

GOOD = ["ottimo prodotto", "servizio buono", "bello e buono", "grazie ottimo servizio"]
BAD = ["prodotto pessimo", "servizio orribile", "rotto e brutto", "pessimo servizio rotto"]
VOCAB = sorted({w for t in GOOD + BAD for w in t.split()} | {"il", "la", "molto"})


def build(folder: Path, labels: tuple[str, ...], seed: int = 0) -> Path:
    """A one-layer BERT taught in a few steps that GOOD texts are the last label, BAD the first."""
    folder.mkdir(parents=True)
    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *VOCAB]
    tokenizer = BertTokenizerFast(vocab={w: i for i, w in enumerate(words)})
    config = BertConfig(
        vocab_size=len(words),
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=64,
        num_labels=len(labels),
        id2label=dict(enumerate(labels)),
        label2id={label: i for i, label in enumerate(labels)},
    )
    torch.manual_seed(seed)
    model = BertForSequenceClassification(config)
    batch = tokenizer(GOOD + BAD, padding=True, return_tensors="pt")
    target = torch.tensor([len(labels) - 1] * len(GOOD) + [0] * len(BAD))
    optimiser = torch.optim.AdamW(model.parameters(), lr=3e-3)
    for _ in range(60):
        model(**batch, labels=target).loss.backward()
        optimiser.step()
        optimiser.zero_grad()
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("hf")
    return {
        "sentiment": build(root / "sent", ("NEG", "neutral", "Positive")),
        "toxicity": build(root / "tox", ("offensive", "not_offensive")),
    }


def test_reads_sentiment_with_the_model_and_keeps_order(models: dict[str, Path]) -> None:
    backend = get_backend("transformers", models={"sentiment": models["sentiment"]})
    texts = [
        "ottimo prodotto",
        "il servizio è pessimo e molto rotto",
        "",
        "bello e buono",
        "brutto",
    ]
    labels, scores = backend.predict(texts, ["sentiment"])["sentiment"]
    assert labels[0] == labels[3] == "positive"
    assert labels[1] == labels[4] == "negative"
    assert all(0.0 <= s <= 1.0 for s in scores)
    one_by_one = [backend.predict([t], ["sentiment"])["sentiment"][0][0] for t in texts]
    assert one_by_one == labels  # batching sorts by length; the answer comes back in order


def test_toxicity_score_is_the_toxic_probability(models: dict[str, Path]) -> None:
    backend = TransformersBackend({"toxicity": models["toxicity"]}, batch_size=2)
    labels, scores = backend.predict(
        ["pessimo servizio rotto", "grazie ottimo servizio"], ["toxicity"]
    )["toxicity"]
    assert labels == ["toxic", "ok"]
    assert scores[0] > 0.5 > scores[1]


def test_tasks_without_a_folder_are_read_by_the_linear_backend(models: dict[str, Path]) -> None:
    backend = TransformersBackend({"sentiment": models["sentiment"]})
    texts = ["Dove posso comprare il vostro abbonamento?", "grazie mille!"]
    mixed = backend.predict(texts, ["language", "intent", "sentiment"])
    linear = LinearBackend().predict(texts, ["language", "intent"])
    assert mixed["intent"] == linear["intent"] and mixed["language"] == linear["language"]
    assert backend.identity("intent") == LinearBackend().identity("intent")
    name, version = backend.identity("sentiment")
    assert name == "transformers:sent" and len(version) == 8


def test_identity_changes_when_the_weights_change(tmp_path: Path) -> None:
    folder = build(tmp_path / "m", ("negative", "neutral", "positive"))
    before = TransformersBackend({"sentiment": folder}).identity("sentiment")
    config = json.loads((folder / "config.json").read_text())
    config["id2label"] = {"0": "neg", "1": "neu", "2": "pos"}
    (folder / "config.json").write_text(json.dumps(config))
    assert TransformersBackend({"sentiment": folder}).identity("sentiment") != before


def test_labels_that_do_not_map_are_refused_with_their_names() -> None:
    assert label_map("sentiment", {0: "NEG", 1: "neu", 2: "Positive"}) == [
        "negative",
        "neutral",
        "positive",
    ]
    assert label_map("toxicity", {0: "normal", 1: "hate", 2: "offensive"}) == [
        "ok",
        "toxic",
        "toxic",
    ]
    assert label_map("language", {0: "it_IT", 1: "en-US"}) == ["it", "en"]
    with pytest.raises(BadOption, match=r"LABEL_0, LABEL_1.*id2label"):
        label_map("sentiment", {0: "LABEL_0", 1: "LABEL_1"})
    with pytest.raises(BadOption, match="toxicity"):
        label_map("toxicity", {0: "ok", 1: "fine"})


def test_bad_folders_and_missing_models_are_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BadOption, match=r"no config\.json"):
        TransformersBackend({"sentiment": tmp_path})
    with pytest.raises(BadOption, match="--model TASK=FOLDER"):
        TransformersBackend({})
    with pytest.raises(BadOption, match="unknown task"):
        TransformersBackend({"mood": tmp_path})


def test_enrich_store_with_a_transformer_is_incremental_and_versioned(tmp_path: Path) -> None:
    folder = build(tmp_path / "m", ("negative", "neutral", "positive"))
    ws = Workspace.create(tmp_path / "ws")
    _fill(ws, 20)
    with ws.connect() as con:
        first = enrich_store(
            con, ["sentiment", "intent"], TransformersBackend({"sentiment": folder})
        )
        assert first["enrichments_written"] == 40
        again = enrich_store(
            con, ["sentiment", "intent"], TransformersBackend({"sentiment": folder})
        )
        assert again["pending"] == 0
        build(tmp_path / "m2", ("negative", "neutral", "positive"), seed=1)
        newer = TransformersBackend({"sentiment": tmp_path / "m2"})
        third = enrich_store(con, ["sentiment", "intent"], newer)
        assert third["pending"] == 20 and third["enrichments_written"] == 20  # intent was done
        models = con.execute(
            "SELECT model, count(*) FROM enrichments WHERE task = 'sentiment' GROUP BY 1 ORDER BY 1"
        ).fetchall()
    assert models == [("transformers:m", 20), ("transformers:m2", 20)]


def test_cli_classify_with_a_transformer(models: dict[str, Path], tmp_path: Path) -> None:
    texts = tmp_path / "in.txt"
    texts.write_text("ottimo prodotto\nprodotto pessimo\n")
    model = ("--backend", "transformers", "--model", f"sentiment={models['sentiment']}")
    out = ascolto("classify", "-t", "sentiment", "-i", str(texts), *model).stdout
    assert [json.loads(line)["label"] for line in out.splitlines()] == ["positive", "negative"]
    line = one_line_error(
        ascolto("classify", "-t", "sentiment", "-i", str(texts), "-b", "transformers", ok=False)
    )
    assert "--model TASK=FOLDER" in line
