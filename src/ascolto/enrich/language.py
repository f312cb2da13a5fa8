"""Language identification, restricted to the languages a workspace expects.

Restricting matters on social text: on 1-3 word posts py3langid is right 91% of the time when it
chooses among a handful of languages and 60% when it may answer any of its 97 (DESIGN.md).

Two readers: the shipped ``language`` linear model (a head on the features every other task
reads, so it costs almost nothing: ``from_head``) and py3langid (``identify``), which reads the
texts the head is unsure of and serves workspaces that expect a language the head does not
know. Links, mentions and the ``#`` of hashtags say nothing about the language: py3langid never
sees them; the head sees them as the shared features do (``@user``, ``http``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from ascolto.enrich.tasks import SUPPORTED_LANGUAGES
from ascolto.errors import BadOption

UNDETERMINED = "und"
_NOISE = re.compile(r"https?://\S+|www\.\S+|@\w+|#|\bRT\b")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)

NAME = "py3langid"
VERSION = "0.4.0"
#: Below this restricted probability the head defers to py3langid (see the language card).
HEAD_CONFIDENCE = 0.6


@lru_cache(maxsize=8)
def _identifier(languages: tuple[str, ...]) -> LanguageIdentifier:
    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    unknown = sorted(set(languages) - set(ident.labels))
    if unknown:
        raise BadOption(
            f"language id does not know {', '.join(unknown)}: use ISO 639-1 codes it knows, "
            f"e.g. {', '.join(SUPPORTED_LANGUAGES)}"
        )
    ident.set_languages(list(languages))
    return ident


def identify(
    texts: Sequence[str | None], languages: Sequence[str] = SUPPORTED_LANGUAGES
) -> list[tuple[str, float]]:
    """``(code, confidence)`` per text; ``und`` with 0.0 when no letters are left to read."""
    ident = _identifier(tuple(languages))
    out: list[tuple[str, float]] = []
    for text in texts:
        if not has_letters(text):
            out.append((UNDETERMINED, 0.0))
            continue
        lang, confidence = ident.classify(_NOISE.sub(" ", text or ""))
        out.append((lang, round(confidence, 4)))
    return out


def has_letters(text: str | None) -> bool:
    """Whether any letter is left once links, mentions and ``#`` are gone."""
    return bool(text) and _LETTER.search(_NOISE.sub(" ", text or "")) is not None


def from_head(
    texts: Sequence[str | None],
    proba: np.ndarray,
    classes: Sequence[str],
    languages: Sequence[str],
    confidence: float = HEAD_CONFIDENCE,
) -> list[tuple[str, float]]:
    """``(code, confidence)`` per text from the head's probabilities over ``classes``.

    The probabilities are renormalised over the expected ``languages`` (all known to the
    head); texts without letters are ``und``; texts whose best language scores under
    ``confidence`` are read again by py3langid, restricted the same way.
    """
    columns = [list(classes).index(code) for code in languages]
    restricted = proba[:, columns]
    restricted /= restricted.sum(axis=1, keepdims=True)
    best = restricted.argmax(axis=1)
    score = np.round(restricted.max(axis=1).astype(np.float64), 4).tolist()
    out = [
        (languages[b], s) if has_letters(t) else (UNDETERMINED, 0.0)
        for t, b, s in zip(texts, best.tolist(), score, strict=True)
    ]
    unsure = [i for i, (code, s) in enumerate(out) if code != UNDETERMINED and s < confidence]
    for i, found in zip(unsure, identify([texts[i] for i in unsure], languages), strict=True):
        out[i] = found
    return out
