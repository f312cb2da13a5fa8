"""Text features shared by every linear model: hashed word and character n-grams.

Hashing needs no vocabulary, so one featurizer serves all tasks and a message is vectorised
once however many tasks read it (the enrichment pipeline depends on this for speed). Word
uni- and bigrams keep hashtags, mentions, emoji and punctuation as tokens; character 2-5-grams
inside word boundaries carry spelling, elongations and Italian morphology. Counts are
log-scaled and each message's vector is L2-normalised, so long and short texts compare.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.preprocessing import normalize

_URL = re.compile(r"https?://\S+|www\.\S+")
_MENTION = re.compile(r"@\w+")
_REPEAT = re.compile(r"(\w)\1{3,}")
TOKENS = r"(?u)[#@]?\w+|[^\w\s]"


def preprocess(text: str) -> str:
    """Lower-case; links become ``http`` and user mentions ``@user``; letter runs shrink to 3."""
    text = _MENTION.sub("@user", _URL.sub("http", text.lower()))
    return _REPEAT.sub(r"\1\1\1", text)


@dataclass(frozen=True, slots=True)
class Featurizer:
    """Stateless: its parameters are all a model file needs to rebuild it."""

    word_bits: int = 18
    char_bits: int = 19
    char_min: int = 2
    char_max: int = 5

    @property
    def n_features(self) -> int:
        return 2**self.word_bits + 2**self.char_bits

    def params(self) -> dict[str, Any]:
        return asdict(self)

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """One L2-normalised row per text (``None`` is read as empty)."""
        clean = [preprocess(t) if t else "" for t in texts]
        words = _vectorizer(self, "word").transform(clean)
        chars = _vectorizer(self, "char").transform(clean)
        x = sp.hstack([words, chars], format="csr", dtype=np.float32)
        np.log1p(x.data, out=x.data)
        return normalize(x, copy=False)


_VECTORIZERS: dict[tuple[Featurizer, str], HashingVectorizer] = {}


def _vectorizer(f: Featurizer, kind: str) -> HashingVectorizer:
    """Built once per parameter set: HashingVectorizer has no state, only set-up cost."""
    key = (f, kind)
    if key not in _VECTORIZERS:
        if kind == "word":
            v = HashingVectorizer(
                token_pattern=TOKENS,
                ngram_range=(1, 2),
                n_features=2**f.word_bits,
                alternate_sign=False,
                norm=None,
                lowercase=False,
                dtype=np.float32,
            )
        else:
            v = HashingVectorizer(
                analyzer="char_wb",
                ngram_range=(f.char_min, f.char_max),
                n_features=2**f.char_bits,
                alternate_sign=False,
                norm=None,
                lowercase=False,
                dtype=np.float32,
            )
        _VECTORIZERS[key] = v
    return _VECTORIZERS[key]
