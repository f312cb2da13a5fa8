"""Readers for the real labelled corpora in ``../shared/data``, with fixed train/val splits.

Every row carries a ``ref`` (dataset and row id) so labels and splits can be named without
copying texts. Official validation splits are used where a corpus has one; otherwise a row's
split is a hash of its ref, so it never changes when rows are added or reordered. Official
test splits are never read: they belong to independent evaluation.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ascolto.enrich.intent_map import BANKING77, BITEXT, CLINC150
from ascolto.enrich.tasks import SENTIMENT, TOXICITY

SEED = 2026

UMSAB_LANGUAGES = {
    "italian": "it",
    "english": "en",
    "spanish": "es",
    "french": "fr",
    "german": "de",
    "portuguese": "pt",
    "arabic": "ar",
    "hindi": "hi",
}

#: Licence of each corpus as its distribution states it; NC ones restrict shipped models.
LICENCES = {
    "sentipolc2016": "CC BY-NC-SA 3.0 IT (non-commercial) + Twitter terms",
    "umsab": "Apache-2.0 code; per-language data restrictions; Italian from SENTIPOLC "
    "(CC BY-NC-SA 3.0 IT, non-commercial)",
    "semeval2017": "SemEval-2017 Task 4 organisers' distribution, research use + Twitter terms",
    "tweeteval": "no restrictions stated; derived from SemEval/OffensEval/HatEval + Twitter terms",
    "ironita2018": "CC BY-NC-SA 3.0 IT (non-commercial) + Twitter terms",
    "haspeede2018": "CC BY-NC-SA 4.0 (non-commercial)",
    "bitext": "CDLA-Sharing-1.0",
    "banking77": "CC BY 4.0",
    "clinc150": "CC BY 3.0",
    "twcs": "Kaggle 'Customer Support on Twitter' (CC BY-NC-SA 4.0, non-commercial)",
    "ascolto_intent": "Apache-2.0 (labels by the ascolto project; texts stay in their corpora)",
    "ascolto_intent_it": "Italian translations by the ascolto project of TWCS and Bitext rows: "
    "CC BY-NC-SA 4.0 (non-commercial) as derived from TWCS, CDLA-Sharing-1.0 from Bitext",
}


@dataclass(slots=True)
class Corpus:
    """Labelled rows of one dataset; ``splits[i]`` is ``train`` or ``val``."""

    name: str
    licence: str
    refs: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    langs: list[str] = field(default_factory=list)
    splits: list[str] = field(default_factory=list)

    def add(self, ref: str, text: str, label: str, lang: str, split: str) -> None:
        self.refs.append(ref)
        self.texts.append(text)
        self.labels.append(label)
        self.langs.append(lang)
        self.splits.append(split)

    def __len__(self) -> int:
        return len(self.refs)


def hashed_split(ref: str, val_fraction: float = 0.2, seed: int = SEED) -> str:
    """``val`` for a fixed, seeded fraction of refs, ``train`` otherwise; stable per ref."""
    digest = hashlib.blake2b(f"{seed}:{ref}".encode(), digest_size=8).digest()
    return "val" if int.from_bytes(digest, "big") % 10_000 < val_fraction * 10_000 else "train"


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def _tweeteval_split(folder: Path, split: str) -> Iterator[tuple[int, str, int]]:
    """``(row, text, label)`` of a TweetEval-layout split: texts and labels in two files."""
    texts = _lines(folder / f"{split}_text.txt")
    labels = _lines(folder / f"{split}_labels.txt")
    for i, (text, label) in enumerate(zip(texts, labels, strict=True)):
        yield i, text, int(label)


def _csv(path: Path) -> Iterator[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        yield from csv.DictReader(f)


def _tsv(path: Path) -> Iterator[list[str]]:
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield line.rstrip("\n").split("\t")


# -- sentiment -------------------------------------------------------------------------------

_POLARITY = {("0", "0"): "neutral", ("1", "0"): "positive", ("0", "1"): "negative"}


def sentipolc(data: Path) -> Corpus:
    """SENTIPOLC 2016 train; mixed polarity (both flags set, 6%) has no single label: left out."""
    c = Corpus("sentipolc2016", LICENCES["sentipolc2016"])
    for r in _csv(data / "sentipolc2016/sentipolc16_officialdistrib_train.csv"):
        label = _POLARITY.get((r["opos"], r["oneg"]))
        if label:
            ref = f"sentipolc2016:{r['idtwitter']}"
            c.add(ref, r["text"], label, "it", hashed_split(ref, 0.15))
    return c


def umsab(data: Path, languages: tuple[str, ...] = tuple(UMSAB_LANGUAGES)) -> Corpus:
    """UMSAB (XLM-T) train and validation per language; the test splits are kept aside."""
    c = Corpus("umsab", LICENCES["umsab"])
    for language in languages:
        for split in ("train", "val"):
            folder = data / "umsab_xlmt_sentiment" / language
            for i, text, label in _tweeteval_split(folder, split):
                ref = f"umsab_{language}_{split}:{i}"
                c.add(ref, text, SENTIMENT[label], UMSAB_LANGUAGES[language], split)
    return c


def semeval(data: Path) -> Corpus:
    """SemEval-2013..2016 English tweet sentiment; 10% held out by tweet id.

    The 2017 gold test is never read, and neither is TweetEval's sentiment validation: it is
    drawn from these same tweets. Tweets repeated across years are kept once.
    """
    c = Corpus("semeval2017", LICENCES["semeval2017"])
    seen: set[str] = set()
    for path in sorted((data / "semeval2017_task4A_english/downloaded").glob("*.tsv")):
        for parts in _tsv(path):
            if len(parts) >= 3 and parts[0] not in seen and parts[1] in SENTIMENT:
                seen.add(parts[0])
                ref = f"semeval2017:{parts[0]}"
                c.add(ref, parts[2], parts[1], "en", hashed_split(ref, 0.1))
    return c


def ironita_sarcasm(data: Path) -> Corpus:
    """IronITA 2018 sarcastic tweets as ``negative``: sarcasm there is irony aimed at a victim.

    Tweets of its TW-SENTIPOLC topic are SENTIPOLC tweets (see ``sentipolc``) and are left out.
    """
    c = Corpus("ironita2018", LICENCES["ironita2018"])
    for r in _csv(data / "ironita2018/training_ironita2018.csv"):
        if r["sarcasm"].startswith("1") and r["topic"] != "TW-SENTIPOLC":
            # all train: a validation split of one class would score nothing but recall
            c.add(f"ironita2018:{r['id']}", r["text"], "negative", "it", "train")
    return c


# -- toxicity --------------------------------------------------------------------------------


def haspeede(data: Path) -> Corpus:
    """HaSpeeDe 2018 Facebook and Twitter train (hate = toxic); 20% of each held out by ref."""
    c = Corpus("haspeede2018", LICENCES["haspeede2018"])
    for kind in ("FB", "TW"):
        for parts in _tsv(data / f"haspeede2018/haspeede_{kind}-train.tsv"):
            if len(parts) >= 3 and parts[-1] in ("0", "1"):
                ref = f"haspeede2018_{kind.lower()}:{parts[0]}"
                text = "\t".join(parts[1:-1])
                c.add(ref, text, "toxic" if parts[-1] == "1" else "ok", "it", hashed_split(ref))
    return c


def tweeteval_toxic(data: Path) -> Corpus:
    """TweetEval offensive (OffensEval 2019) and hate (HatEval 2019), train and validation."""
    c = Corpus("tweeteval", LICENCES["tweeteval"])
    for task in ("offensive", "hate"):
        for split in ("train", "val"):
            for i, text, label in _tweeteval_split(data / "tweeteval" / task, split):
                ref = f"tweeteval_{task}_{split}:{i}"
                c.add(ref, text, TOXICITY[label], "en", split)
    return c


# -- intent ----------------------------------------------------------------------------------


def italian_texts(data: Path) -> dict[str, str]:
    """Ref -> text for the Italian tweets and comments the intent labels point at."""
    refs: dict[str, str] = {}
    for r in _csv(data / "sentipolc2016/sentipolc16_officialdistrib_train.csv"):
        refs[f"sentipolc2016:{r['idtwitter']}"] = r["text"]
    for r in _csv(data / "ironita2018/training_ironita2018.csv"):
        refs[f"ironita2018:{r['id']}"] = r["text"]
    for parts in _tsv(data / "haspeede2018/haspeede_FB-train.tsv"):
        if len(parts) >= 3:
            refs[f"haspeede2018_fb:{parts[0]}"] = parts[1]
    texts = _lines(data / "umsab_xlmt_sentiment/italian/train_text.txt")
    refs.update((f"umsab_it_train:{i}", t) for i, t in enumerate(texts))
    return refs


def customer_texts(data: Path) -> dict[str, str]:
    """Ref -> text of the customers' (inbound) tweets in the support threads."""
    return {
        f"twcs:{r['tweet_id']}": r["text"]
        for r in _csv(data / "twcs_customer_support_twitter/twcs_part.csv")
        if r.get("inbound") == "True" and r.get("text")
    }


def intent_labels(data: Path, labels_csv: Path) -> Corpus:
    """The project's hand-labelled messages; refs whose text is not in ``data`` are skipped."""
    texts = {**italian_texts(data), **customer_texts(data)}
    c = Corpus("ascolto_intent", LICENCES["ascolto_intent"])
    for r in _csv(labels_csv):
        text = texts.get(r["ref"])
        if text is not None:
            c.add(
                r["ref"],
                text,
                r["label"],
                "en" if r["ref"].startswith("twcs:") else "it",
                r["split"],
            )
    return c


def intent_translations(path: Path) -> Corpus:
    """Italian versions, written by the project, of labelled training-split English messages.

    Real Italian brand messages are rare in the shared data (it is mostly political tweets),
    so these teach the Italian wording of purchase, question, support, idea and praise. They
    only ever train: validation stays on real messages.
    """
    c = Corpus("ascolto_intent_it", LICENCES["ascolto_intent_it"])
    for r in _csv(path):
        c.add(f"it:{r['ref']}", r["text_it"], r["label"], "it", "train")
    return c


def _mapped(c: Corpus, rows: Iterator[tuple[str, str, str]], mapping: dict[str, str]) -> Corpus:
    for ref, text, category in rows:
        label = mapping.get(category)
        if label:
            c.add(ref, text, label, "en", hashed_split(ref))
    return c


def bitext(data: Path) -> Corpus:
    """Bitext customer-support utterances, their 27 intents mapped onto the taxonomy."""
    path = data / "bitext_customer_support/Bitext_Sample_Customer_Support_Training_Dataset.csv"
    rows = ((f"bitext:{i}", r["instruction"], r["intent"]) for i, r in enumerate(_csv(path)))
    return _mapped(Corpus("bitext", LICENCES["bitext"]), rows, BITEXT)


def banking77(data: Path) -> Corpus:
    """BANKING77 train utterances (its test split is not read), mapped onto the taxonomy."""
    path = data / "banking77/train.csv"
    rows = ((f"banking77:{i}", r["text"], r["category"]) for i, r in enumerate(_csv(path)))
    return _mapped(Corpus("banking77", LICENCES["banking77"]), rows, BANKING77)


def clinc150(data: Path) -> Corpus:
    """CLINC150 train and validation utterances, mapped onto the taxonomy (tests not read)."""
    full = json.loads((data / "clinc150_oos/data_full.json").read_text(encoding="utf-8"))
    c = Corpus("clinc150", LICENCES["clinc150"])
    for split, key in (
        ("train", "train"),
        ("val", "val"),
        ("train", "oos_train"),
        ("val", "oos_val"),
    ):
        for i, (text, intent) in enumerate(full[key]):
            label = CLINC150.get(intent)
            if label:
                c.add(f"clinc150_{key}:{i}", text, label, "en", split)
    return c


#: Corpora per task, in the order models are trained on them.
CORPORA: dict[str, tuple[Callable[[Path], Corpus], ...]] = {
    "sentiment": (sentipolc, umsab, semeval),
    "toxicity": (haspeede, tweeteval_toxic),
    "intent": (bitext, banking77, clinc150),
}
