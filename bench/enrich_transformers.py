"""Benchmark: the ``transformers`` backend's messages/s with an XLM-R-base-sized model.

Nothing may be downloaded, so the bench builds the model in XLM-R base's shape (12 layers,
hidden 768, 12 heads, 250,002-token vocabulary, 514 positions: 278M parameters), with random
weights (speed does not depend on their values) and a BPE tokenizer trained on the
shared texts. It is saved to a folder and read through ``TransformersBackend`` exactly as a
user's model would be: batches sorted by length, 128 tokens at most, CUDA and fp16 when a GPU
is present, else the CPU. The reference in the same run is the linear backend on the same texts.
Writes ``bench/results/enrich_transformers.json``.

    python bench/enrich_transformers.py                      # 512 texts on CPU, 20,000 on a GPU
    python bench/enrich_transformers.py --size tiny --texts 64   # the small run `make test` does
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # also when a test loads this file by path

from enrich import DATA, real_texts  # noqa: E402
from measure import write_result  # noqa: E402

SIZES = {
    "base": {  # xlm-roberta-base's config.json; the rest are XLMRobertaConfig's defaults
        "vocab_size": 250_002,
        "max_position_embeddings": 514,
        "type_vocab_size": 1,
        "layer_norm_eps": 1e-5,
    },
    "tiny": {
        "vocab_size": 5000,
        "hidden_size": 32,
        "num_hidden_layers": 1,
        "num_attention_heads": 2,
        "intermediate_size": 64,
    },
}


def build_model(folder: Path, texts: list[str], size: str) -> int:
    """Save a random XLM-R-shaped sentiment model and a tokenizer trained on ``texts``."""
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers, processors, trainers
    from transformers import (
        PreTrainedTokenizerFast,
        XLMRobertaConfig,
        XLMRobertaForSequenceClassification,
    )
    from transformers import logging as hf_logging

    hf_logging.disable_progress_bar()

    config = XLMRobertaConfig(
        num_labels=3,
        id2label={0: "negative", 1: "neutral", 2: "positive"},
        label2id={"negative": 0, "neutral": 1, "positive": 2},
        **SIZES[size],
    )
    special = ["<s>", "<pad>", "</s>", "<unk>"]
    bpe = Tokenizer(models.BPE(unk_token="<unk>"))
    bpe.pre_tokenizer = pre_tokenizers.Metaspace()
    bpe.train_from_iterator(
        texts,
        trainers.BpeTrainer(
            vocab_size=min(30_000, config.vocab_size), special_tokens=special, show_progress=False
        ),
    )
    bpe.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", special_tokens=[("<s>", 0), ("</s>", 2)]
    )
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=bpe,
        bos_token="<s>",
        eos_token="</s>",
        pad_token="<pad>",
        unk_token="<unk>",
    )
    torch.manual_seed(2026)
    model = XLMRobertaForSequenceClassification(config)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return sum(p.numel() for p in model.parameters())


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", choices=sorted(SIZES), default="base")
    ap.add_argument("--texts", type=int, default=0, help="default: 512 on CPU, 20,000 on GPU")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--out", type=Path, default=HERE / "results" / "enrich_transformers.json")
    args = ap.parse_args(argv)

    import torch

    from ascolto.enrich.backends.linear import LinearBackend
    from ascolto.enrich.backends.transformers import TransformersBackend

    gpu = torch.cuda.is_available()
    pool = real_texts(args.data)
    n = args.texts or (20_000 if gpu else 512)
    texts = [pool[(i * 7919) % len(pool)] for i in range(n)]  # spread over the corpora
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / f"xlmr-{args.size}-random"
        params = build_model(folder, pool[:50_000], args.size)
        backend = TransformersBackend({"sentiment": folder}, batch_size=args.batch)
        backend.predict(texts[: args.batch], ["sentiment"])  # load and warm up
        start = time.perf_counter()
        labels, _ = backend.predict(texts, ["sentiment"])["sentiment"]
        seconds = time.perf_counter() - start
        device = backend.models["sentiment"].device
    linear = LinearBackend()
    linear.predict(texts[:100], ["sentiment"])
    start = time.perf_counter()
    linear.predict(texts, ["sentiment"])
    linear_s = time.perf_counter() - start
    assert len(labels) == n
    row = {
        "model": f"XLM-R {args.size} shape, random weights",
        "parameters": params,
        "device": torch.cuda.get_device_name(0)
        if gpu
        else f"cpu ({torch.get_num_threads()} threads)",
        "dtype": "fp16" if device.startswith("cuda") else "fp32",
        "texts": n,
        "batch": args.batch,
        "max_tokens": 128,
        "seconds": round(seconds, 2),
        "per_s": round(n / seconds, 1),
        "linear_sentiment_per_s": round(n / linear_s),
        "linear_speedup": round(seconds / linear_s, 1),
    }
    line = (
        f"{row['model']} ({params / 1e6:.0f}M parameters) on {row['device']}, {row['dtype']}: "
        f"{row['per_s']:,} msg/s over {n:,} real texts; linear sentiment "
        f"{row['linear_sentiment_per_s']:,} msg/s ({row['linear_speedup']}x faster)"
    )
    return write_result(args.out, "transformers backend, XLM-R-base-sized model", [row], line)


if __name__ == "__main__":
    main()
