"""The ``transformers`` backend: any Hugging Face sequence-classification model in a local folder.

A team that has (or fine-tunes) a transformer for a task points ascolto at its folder, e.g.
``--model sentiment=./twitter-xlm-roberta-sentiment``; tasks given no folder are read by the
linear backend, so an enrichment run always covers every task asked for. Nothing is ever
downloaded: folders are opened with ``local_files_only`` and the Hub is switched off.

Texts are read in batches sorted by length (less padding), on CUDA when there is a GPU, in
fp16 there. The model's own label names (``config.json``'s ``id2label``) are mapped onto the
task's labels; a model whose labels cannot be mapped is refused with the names it has.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from ascolto.enrich import language
from ascolto.enrich.backends import Predictions
from ascolto.enrich.backends.linear import LinearBackend, scored
from ascolto.enrich.tasks import LABELS, SUPPORTED_LANGUAGES, check_task
from ascolto.errors import AscoltoError, BadOption

#: Model label names (lower case) that mean a task's label, beyond the label itself.
SYNONYMS: dict[str, dict[str, str]] = {
    "sentiment": {
        "neg": "negative",
        "negativo": "negative",
        "neu": "neutral",
        "neutro": "neutral",
        "pos": "positive",
        "positivo": "positive",
    },
    "toxicity": {
        "offensive": "toxic",
        "off": "toxic",
        "hate": "toxic",
        "hateful": "toxic",
        "abusive": "toxic",
        "insult": "toxic",
        "not_offensive": "ok",
        "not-offensive": "ok",
        "non-offensive": "ok",
        "not": "ok",
        "non-toxic": "ok",
        "non_toxic": "ok",
        "not_hate": "ok",
        "non-hate": "ok",
        "normal": "ok",
        "neutral": "ok",
    },
}


def _torch() -> Any:
    try:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        import transformers
    except ImportError:
        raise BadOption(
            "the transformers backend needs its optional extra: "
            "pip install 'ascolto[transformers]' (torch 2.13.0 and transformers)"
        ) from None
    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()
    return torch


def label_map(task: str, id2label: Mapping[int, str]) -> list[str]:
    """The task label of each model output, or one error naming the labels that do not map.

    Several outputs may mean one label (a hate and an offensive output are both ``toxic``);
    a model may cover part of a task (two-class sentiment) but never a single label.
    """
    names = [str(id2label[i]) for i in range(len(id2label))]
    if task == "language":  # outputs named by language codes: "it", "it_IT", "ita-Latn" ...
        out = [n.strip().lower().replace("-", "_").split("_")[0] for n in names]
        fine = all(len(code) == 2 and code.isalpha() for code in out)
    else:
        synonyms = SYNONYMS.get(task, {})
        out = [synonyms.get(n.strip().lower(), n.strip().lower()) for n in names]
        fine = set(out) <= set(LABELS[task]) and len(set(out)) > 1
        fine = fine and (task != "toxicity" or "toxic" in out)
    if not fine:
        wanted = ", ".join(LABELS.get(task, ("ISO 639-1 codes",)))
        raise BadOption(
            f"the {task} model's labels ({', '.join(names)}) do not map onto {task}'s "
            f"({wanted}): set id2label in its config.json"
        )
    return out


class TransformerModel:
    """One local sequence-classification model: loads lazily, reads texts in sorted batches."""

    def __init__(
        self,
        folder: Path,
        task: str,
        batch_size: int = 32,
        max_length: int = 128,
        device: str | None = None,
    ) -> None:
        if not (folder / "config.json").is_file():
            raise BadOption(
                f"{folder} is not a Hugging Face model folder (no config.json): pass the folder "
                "that save_pretrained wrote"
            )
        self.folder, self.task = folder, task
        self.batch_size, self.max_length = batch_size, max_length
        self.device_name = device

    @cached_property
    def _loaded(self) -> dict[str, Any]:
        """Torch, tokenizer, model, output labels and device, loaded on first use."""
        torch = _torch()
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        device = self.device_name or ("cuda" if torch.cuda.is_available() else "cpu")
        try:
            tokenizer = AutoTokenizer.from_pretrained(self.folder, local_files_only=True)
            model = AutoModelForSequenceClassification.from_pretrained(
                self.folder, local_files_only=True
            )
        except (OSError, ValueError) as exc:
            raise AscoltoError(f"cannot load the model in {self.folder}: {exc}") from None
        labels = label_map(self.task, model.config.id2label)
        model.eval().to(device)
        if device.startswith("cuda"):
            model.half()
        return {
            "torch": torch,
            "tokenizer": tokenizer,
            "model": model,
            "labels": labels,
            "device": device,
        }

    @property
    def labels(self) -> list[str]:
        return self._loaded["labels"]

    @property
    def device(self) -> str:
        return self._loaded["device"]

    def identity(self) -> tuple[str, str]:
        """The folder's name and a digest of its config and weights' names, sizes and times."""
        digest = hashlib.sha256((self.folder / "config.json").read_bytes())
        for path in sorted(self.folder.iterdir()):
            if path.suffix in (".safetensors", ".bin"):
                stat = path.stat()
                digest.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
        return f"transformers:{self.folder.name}", digest.hexdigest()[:8]

    def proba(self, texts: Sequence[str]) -> np.ndarray:
        """Softmax probabilities (texts x model outputs), in the order given."""
        torch, tokenizer, model = (self._loaded[k] for k in ("torch", "tokenizer", "model"))
        order = sorted(range(len(texts)), key=lambda i: len(texts[i] or ""))
        out = np.zeros((len(texts), len(self.labels)), dtype=np.float32)
        with torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                rows = order[start : start + self.batch_size]
                encoded = tokenizer(
                    [texts[i] or "" for i in rows],
                    padding=True,
                    truncation=True,
                    max_length=self.max_length,
                    return_tensors="pt",
                ).to(self.device)
                logits = model(**encoded).logits.float()
                out[rows] = torch.softmax(logits, dim=-1).cpu().numpy()
        return out


class TransformersBackend:
    """Transformer models for the tasks given a folder; the linear backend for the others."""

    name = "transformers"
    #: Torch runs its own threads (or the GPU): the pipeline must not fork workers around it.
    parallel = False

    def __init__(
        self,
        models: Mapping[str, Path | str],
        languages: Sequence[str] = SUPPORTED_LANGUAGES,
        batch_size: int = 32,
        max_length: int = 128,
        device: str | None = None,
        linear: LinearBackend | None = None,
    ) -> None:
        if not models:
            raise BadOption(
                "the transformers backend needs a model folder: --model TASK=FOLDER "
                "(e.g. sentiment=./xlm-roberta-sentiment)"
            )
        self.languages = tuple(languages)
        self.models = {
            check_task(task): TransformerModel(Path(folder), task, batch_size, max_length, device)
            for task, folder in models.items()
        }
        self.linear = linear or LinearBackend(languages=self.languages)

    def identity(self, task: str) -> tuple[str, str]:
        check_task(task)
        if task not in self.models:
            return self.linear.identity(task)
        name, version = self.models[task].identity()
        return name, f"{version}:{','.join(self.languages)}" if task == "language" else version

    def predict(self, texts: Sequence[str], tasks: Sequence[str]) -> Predictions:
        rest = [t for t in tasks if t not in self.models]
        out = self.linear.predict(texts, rest) if rest else {}
        for task in tasks:
            if task in self.models:
                model = self.models[task]
                out[task] = _read(texts, task, model.proba(texts), model.labels, self.languages)
        return out


def _read(
    texts: Sequence[str],
    task: str,
    proba: np.ndarray,
    labels: list[str],
    languages: Sequence[str],
) -> tuple[list[str], list[float]]:
    """Labels and scores from a model's probabilities, as every backend reports them."""
    if task == "language":
        expected = [code for code in languages if code in labels]
        if not expected:
            raise BadOption(
                f"the language model knows none of the expected languages ({', '.join(languages)})"
            )
        found = language.from_head(texts, proba, labels, expected)
        return [code for code, _ in found], [score for _, score in found]
    columns = LABELS[task]
    merged = np.zeros((len(texts), len(columns)), dtype=np.float64)
    for j, label in enumerate(labels):  # several outputs may mean one label (hate, offensive)
        merged[:, columns.index(label)] += proba[:, j]
    return scored(columns, merged, task)
