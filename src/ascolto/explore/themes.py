"""What people talk about: messages grouped into themes, each named by its key phrases.

Texts are cleaned for the features only (lowercase, accents folded, links, @mentions and
numbers dropped, #hashtags kept as words) and counted as words and word pairs (pairs never
span punctuation), Italian, English and other common stopwords left out. The counts are
weighted by TF-IDF, reduced by truncated SVD and clustered by k-means on the unit sphere. A
theme is named by class-based TF-IDF (c-TF-IDF, as in BERTopic): the phrases frequent in the
theme and rare in the others. Everything is seeded and the input is sorted by ``(platform,
id)`` first, so the same messages give the same themes whatever their row order.

Some messages belong to no theme, on purpose: those with no words left after cleaning, those
unlike the rest of their cluster (cosine to the centre of its other members below
``MIN_COSINE``: short texts about nothing in particular, which k-means otherwise piles into
one vague catch-all cluster), and those of clusters smaller than ``min_size`` that are not
close to a kept theme.
"""

from __future__ import annotations

import math
import re
import unicodedata
import warnings
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.preprocessing import normalize

from ascolto.explore.stopwords import STOPWORDS

#: Dimensions kept by the SVD. Measured on TWCS and SENTIPOLC against 30, 70, 100 and 150:
#: as good at keeping topics together, and more messages close enough to a theme to join it.
DIMENSIONS = 50
#: A message whose cosine to the centre of the rest of its cluster is below this belongs to
#: no theme.
MIN_COSINE = 0.2
#: A message of a too-small cluster joins the nearest theme only this close to its centre.
REASSIGN_MIN_COSINE = 0.35
#: The vocabulary's size at most (the most frequent phrases): bounds memory on big inputs.
MAX_PHRASES = 100_000
#: Above this many messages k-means runs in mini-batches (seconds instead of a minute).
MINIBATCH_ABOVE = 20_000
SENTIMENTS = ("negative", "neutral", "positive", "unknown")

_DROP = re.compile(
    r"https?://\S+|www\.\S+"  # links
    r"|\S+\.(?:com|it|net|org|eu|co|io|ly|uk|de|fr|es)\b\S*"  # bare: caffeaurora.it/shop
    r"|@\w+|&\w+;|\d\w*|_+"  # mentions, HTML entities, numbers with their unit (250g, 3rd)
)
_BREAK = re.compile(r"[.,;:!?()\[\]{}\"“”«»…|/\\\n\r\t]+")
_WORD = re.compile(r"[^\W\d_]{2,}")


def _fold_table() -> dict[int, str]:
    """Latin letters with diacritics -> their base letter (``str.translate`` runs it in C;
    other scripts pass untouched)."""
    table = {}
    for code in range(0xC0, 0x250):
        base = unicodedata.normalize("NFKD", chr(code))[:1]
        if base.isascii() and base.isalpha() and base != chr(code):
            table[code] = base
    return table


_FOLD = _fold_table()


def clean(text: str | None) -> str:
    """The text as the features see it: lowercase, accents folded, no links, mentions or
    numbers (a hashtag keeps its word; the ``#`` goes with the tokenisation)."""
    if not text:
        return ""
    return _DROP.sub(" ", text.lower().translate(_FOLD))


def plain(text: str | None) -> str:
    """The cleaned text's words, one space apart: what near-duplicate checks compare."""
    return " ".join(_WORD.findall(clean(text)))


def phrases_of(text: str | None) -> list[str]:
    """A text's words and word pairs, stopwords left out; pairs stay within a clause, so
    "ci hai fatto la giornata. ordinare..." gives no "giornata ordinare"."""
    out: list[str] = []
    for chunk in _BREAK.split(clean(text)):
        words = [w for w in _WORD.findall(chunk) if w not in STOPWORDS]
        out += words
        out += [f"{a} {b}" for a, b in pairwise(words) if a != b]
    return out


@dataclass(frozen=True, slots=True)
class Theme:
    """One theme: what it sounds like, how many and who, how they feel, whether it grows.

    ``growth``: the theme's share of the messages of the recent window over its share before
    (see :func:`themes`); ``None`` when either period has no messages.
    """

    id: int
    label: str
    phrases: tuple[str, ...]
    size: int
    share: float
    authors: int
    likes: int
    sentiment: dict[str, int]
    net_sentiment: float | None
    examples: tuple[tuple[str, str, str], ...]
    growth: float | None
    languages: dict[str, int]
    #: ``(platform, id)`` of every message of the theme (left out of ``to_dict``).
    members: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, without the member list."""
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "members"}
        out["phrases"] = list(self.phrases)
        out["sentiment"], out["languages"] = dict(self.sentiment), dict(self.languages)
        out["examples"] = [{"platform": p, "id": i, "text": t} for p, i, t in self.examples]
        return out


@dataclass(frozen=True, slots=True)
class Clusters:
    """The clustering behind the themes, over texts in the order given to :func:`cluster`.

    ``labels[i]``: text i's theme (``-1``: none), themes numbered largest first; ``vectors``:
    the texts' unit vectors (zero without words); ``centroids``: the themes' unit centres;
    ``counts``: phrase counts over ``vocabulary``.
    """

    labels: np.ndarray
    vectors: np.ndarray
    centroids: np.ndarray
    counts: sp.csr_matrix
    vocabulary: np.ndarray

    @property
    def n(self) -> int:
        return int(self.centroids.shape[0])


def auto_k(n: int) -> int:
    """About sqrt(n / 10) clusters, 2 to 40: a handful for a few hundred messages, forty from
    16,000 on. (The silhouette was tried: on tweets it only grows with k, so it cannot pick.)"""
    return max(2, min(40, round(math.sqrt(n / 10))))


def min_df(n: int) -> int:
    """Phrases seen in fewer messages are dropped: noise on big inputs, kept on small ones."""
    if n < 200:
        return 1
    if n < 20_000:
        return 2
    return 3 if n < 60_000 else 5


def default_min_size(n: int) -> int:
    """The smallest cluster that makes a theme: 0.3% of the messages, at least 3."""
    return max(3, math.ceil(0.003 * n))


def phrase_counts(
    texts: list[str | None], min_count: int = 1, most: int | None = None
) -> tuple[sp.csr_matrix, np.ndarray]:
    """Each text's phrase counts and the vocabulary: phrases in at least ``min_count`` texts,
    the ``most`` frequent of them when given."""
    counter = CountVectorizer(
        analyzer=phrases_of, min_df=min_count, max_features=most, dtype=np.float32
    )
    try:
        counts = counter.fit_transform(texts).tocsr()
    except ValueError:  # no phrase at all, or none frequent enough
        return sp.csr_matrix((len(texts), 0), dtype=np.float32), np.array([], dtype=object)
    return counts, counter.get_feature_names_out()


def cluster(
    texts: list[str | None], *, k: int | None = None, seed: int = 0, min_size: int | None = None
) -> Clusters:
    """Cluster ``texts`` (in the order given) into themes; see the module's docstring."""
    n = len(texts)
    counts, vocabulary = phrase_counts(texts, min_df(n), MAX_PHRASES)
    has_words = np.flatnonzero(counts.getnnz(axis=1) > 0)
    distinct = len(
        {tuple(counts.indices[counts.indptr[i] : counts.indptr[i + 1]]) for i in has_words}
    )
    dims = min(DIMENSIONS, counts.shape[1])
    labels = np.full(n, -1)
    vectors = np.zeros((n, dims), np.float32)
    if distinct < 2:
        return Clusters(labels, vectors, np.zeros((0, dims), np.float32), counts, vocabulary)
    weights = TfidfTransformer(sublinear_tf=True).fit_transform(counts[has_words])
    reduced = _reduce(weights, seed)
    vectors = np.zeros((n, reduced.shape[1]), np.float32)
    vectors[has_words] = reduced
    k = min(k or auto_k(len(has_words)), distinct)
    found, centroids = _settle(
        reduced,
        _kmeans(reduced, k, seed),
        k,
        default_min_size(n) if min_size is None else min_size,
    )
    labels[has_words] = found
    return Clusters(labels, vectors, centroids, counts, vocabulary)


def _reduce(weights: sp.csr_matrix, seed: int) -> np.ndarray:
    """Unit vectors in at most ``DIMENSIONS`` dimensions (the TF-IDF rows when fewer)."""
    rows, cols = weights.shape
    if cols <= DIMENSIONS or rows <= DIMENSIONS:
        return normalize(weights.toarray().astype(np.float32))
    svd = TruncatedSVD(n_components=DIMENSIONS, random_state=seed, n_iter=5)
    return normalize(svd.fit_transform(weights).astype(np.float32))


def _kmeans(vectors: np.ndarray, k: int, seed: int) -> np.ndarray:
    """k-means labels: full k-means up to ``MINIBATCH_ABOVE`` rows, mini-batches above."""
    model: KMeans | MiniBatchKMeans
    if len(vectors) > MINIBATCH_ABOVE:
        model = MiniBatchKMeans(
            n_clusters=k, random_state=seed, n_init=3, batch_size=4096, max_iter=100
        )
    else:
        model = KMeans(n_clusters=k, random_state=seed, n_init=10, max_iter=300)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # fewer distinct rows than k
        return np.asarray(model.fit_predict(vectors))


def _settle(
    vectors: np.ndarray, assigned: np.ndarray, k: int, min_size: int
) -> tuple[np.ndarray, np.ndarray]:
    """Themes from k-means' clusters: rows unlike the rest of theirs leave; clusters left smaller
    than ``min_size`` dissolve, their rows joining the nearest kept theme when close enough.
    Numbered by size, largest first (ties: the earlier first row). Labels and unit centres."""
    labels = assigned.copy()
    centroids = _centroids(vectors, labels, k)
    labels[_cosines(vectors, labels, k) < MIN_COSINE] = -1
    small = np.bincount(labels[labels >= 0], minlength=k) < min_size
    if small.all():
        return np.full(len(vectors), -1), np.zeros((0, vectors.shape[1]), np.float32)
    orphans = np.flatnonzero((labels >= 0) & small[np.maximum(labels, 0)])
    if len(orphans):
        sims = vectors[orphans] @ centroids.T
        sims[:, small] = -1.0
        best = sims.argmax(axis=1)
        close = sims[np.arange(len(orphans)), best] >= REASSIGN_MIN_COSINE
        labels[orphans] = np.where(close, best, -1)
    sizes = np.bincount(labels[labels >= 0], minlength=k)
    first = np.full(k, len(labels))
    member = np.flatnonzero(labels >= 0)
    np.minimum.at(first, labels[member], member)
    kept = sorted(
        (c for c in range(k) if sizes[c] >= min_size), key=lambda c: (-sizes[c], first[c])
    )
    rank = np.full(k + 1, -1)  # the extra slot: label -1 stays -1
    rank[kept] = np.arange(len(kept))
    labels = rank[labels]
    return labels, _centroids(vectors, labels, len(kept))


def _onehot(labels: np.ndarray, k: int) -> sp.csr_matrix:
    """A k x rows 0/1 matrix: row c marks the members of cluster c."""
    member = np.flatnonzero(labels >= 0)
    ones = np.ones(len(member), np.float32)
    return sp.csr_matrix((ones, (labels[member], member)), shape=(k, len(labels)))


def _centroids(vectors: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    return normalize(np.asarray(_onehot(labels, k) @ vectors, dtype=np.float32))


def _cosines(vectors: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Each row's cosine to the centre of the *other* rows of its cluster (-1 for rows of
    none, or alone): a mix of unrelated texts has a centre close to each of them (1/sqrt(n)
    for n orthogonal ones) but none of them resembles the rest."""
    sums = np.asarray(_onehot(labels, k) @ vectors, dtype=np.float32)
    out = np.full(len(vectors), -1.0, np.float32)
    member = np.flatnonzero(labels >= 0)
    v, s = vectors[member], sums[labels[member]]
    own = np.einsum("ij,ij->i", v, v)
    dot = np.einsum("ij,ij->i", v, s) - own
    rest = np.sqrt(np.maximum(np.einsum("ij,ij->i", s, s) - 2 * dot - own, 0.0))
    out[member] = np.where(rest > 1e-6, dot / np.maximum(rest, 1e-6), -1.0)
    return out


#: Phrases: (text, c-TF-IDF score), best first.
Scored = tuple[tuple[str, float], ...]


def key_phrases(
    counts: sp.csr_matrix, labels: np.ndarray, vocabulary: np.ndarray, k: int, top: int = 5
) -> list[Scored]:
    """Each class's ``top`` phrases by c-TF-IDF: a phrase's frequency in the class times
    log(1 + average phrases per class / its frequency over all classes). Frequencies count
    messages, not uses: one pasted traceroute must not name a theme "ms".

    A word pair stands in for its word when it makes up half or more of the word's uses in
    the class ("kit degustazione" for "kit"); a phrase inside one already chosen is skipped,
    and a pair sharing a word with one keeps only its other word ("kit degustazione",
    "degustazione miscele" -> "kit degustazione · miscele").
    """
    used = counts.sign() if counts.nnz else counts
    per_class = np.asarray((_onehot(labels, k) @ used).todense(), dtype=np.float64)
    totals = per_class.sum(axis=1, keepdims=True)
    idf = np.log1p(totals.mean() / np.maximum(per_class.sum(axis=0), 1.0))
    scores = per_class / np.maximum(totals, 1.0) * idf
    words = [str(v).split(" ") for v in vocabulary]
    pairs_of: dict[str, list[int]] = {}
    for j, w in enumerate(words):
        if len(w) == 2:
            for part in dict.fromkeys(w):
                pairs_of.setdefault(part, []).append(j)
    return [_pick(scores[c], per_class[c], words, pairs_of, top) for c in range(k)]


def label(phrases: Scored) -> str:
    """What a reader needs: the best two phrases, and the third when at least 40% as strong
    as the best."""
    best = phrases[0][1] if phrases else 0.0
    return " · ".join(p for i, (p, score) in enumerate(phrases[:3]) if i < 2 or score >= 0.4 * best)


def _pick(
    scores: np.ndarray,
    freq: np.ndarray,
    words: list[list[str]],
    pairs_of: dict[str, list[int]],
    top: int,
) -> Scored:
    chosen: list[tuple[list[str], float]] = []
    for j in np.argsort(-scores, kind="stable")[: max(4 * top, 20)]:
        if scores[j] <= 0 or len(chosen) == top:
            break
        phrase = words[j]
        if len(phrase) == 1:
            strong = [b for b in pairs_of.get(phrase[0], ()) if freq[b] >= 0.5 * freq[j]]
            if strong:
                phrase = words[max(strong, key=lambda b: (scores[b], -b))]
        taken = {w for c, _ in chosen for w in c}
        if len(phrase) == 2 and len(taken.intersection(phrase)) == 1:
            phrase = [w for w in phrase if w not in taken]
        if not any(_inside(phrase, c) or _inside(c, phrase) for c, _ in chosen):
            chosen.append((phrase, float(scores[j])))
    return tuple((" ".join(p), round(score, 6)) for p, score in chosen)


def _inside(small: list[str], big: list[str]) -> bool:
    """Whether ``small`` is a run of words within ``big``."""
    m = len(small)
    return any(big[i : i + m] == small for i in range(len(big) - m + 1))


def themes(
    messages: pa.Table,
    *,
    k: int | None = None,
    seed: int = 0,
    top_phrases: int = 5,
    examples: int = 3,
    period_days: int | None = None,
    as_of: datetime | None = None,
    min_size: int | None = None,
) -> list[Theme]:
    """The themes of ``messages`` (columns ``platform``, ``id``, ``text``; ``author_id``,
    ``likes``, ``sentiment``, ``lang`` and ``created_at`` used when present), largest first.

    ``k``: clusters before small ones dissolve (default :func:`auto_k`); ``min_size``: the
    smallest theme (default 0.3% of the messages, at least 3). ``growth`` compares the recent
    window, the last ``period_days`` up to ``as_of`` (default: the last quarter of the
    messages' time span, up to the newest), with everything before it:
    ``((recent in theme + 1) / (recent + 1)) / ((before in theme + 1) / (before + 1))``, the
    +1 keeping a theme of three messages from looking like an explosion.
    """
    missing = {"platform", "id", "text"} - set(messages.column_names)
    if missing:
        raise ValueError(f"themes: the messages lack column(s) {', '.join(sorted(missing))}")
    if messages.num_rows == 0:
        return []
    rows = messages.take(
        pc.sort_indices(messages, sort_keys=[("platform", "ascending"), ("id", "ascending")])
    )
    found = cluster(rows.column("text").to_pylist(), k=k, seed=seed, min_size=min_size)
    if found.n == 0:
        return []
    named = key_phrases(found.counts, found.labels, found.vocabulary, found.n, top_phrases)
    growth = _growth(rows, found.labels, found.n, period_days, as_of)
    col = _Columns(rows)
    out = []
    for c in range(found.n):
        idx = np.flatnonzero(found.labels == c)
        sentiment = col.counts("sentiment", idx, "unknown")
        pos, neg = sentiment.get("positive", 0), sentiment.get("negative", 0)
        out.append(
            Theme(
                id=c,
                label=label(named[c]),
                phrases=tuple(p for p, _ in named[c]),
                size=len(idx),
                share=round(len(idx) / rows.num_rows, 4),  # of all messages given
                authors=col.distinct("author_id", idx),
                likes=col.total("likes", idx),
                sentiment={s: sentiment.get(s, 0) for s in SENTIMENTS},
                net_sentiment=round((pos - neg) / (pos + neg), 3) if pos + neg else None,
                examples=_examples(col, found, c, idx, examples),
                growth=None if growth is None else round(float(growth[c]), 3),
                languages=col.counts("lang", idx, "und"),
                members=tuple(zip(col.get("platform", idx), col.get("id", idx), strict=True)),
            )
        )
    return out


def emerging(found: list[Theme], n: int = 5, min_size: int = 10) -> list[Theme]:
    """The ``n`` themes growing fastest (growth above 1), among those of ``min_size`` or more
    messages: a theme of four messages that doubled is news to nobody."""
    growing = [t for t in found if t.growth is not None and t.growth > 1 and t.size >= min_size]
    return sorted(growing, key=lambda t: (-(t.growth or 0.0), t.id))[:n]


class _Columns:
    """The optional columns of the sorted input as Python lists, read once."""

    def __init__(self, rows: pa.Table) -> None:
        self._rows = rows
        self._cache: dict[str, list[Any]] = {}

    def get(self, name: str, idx: np.ndarray) -> list[Any]:
        if name not in self._cache:
            present = name in self._rows.column_names
            column = self._rows.column(name).to_pylist() if present else None
            self._cache[name] = column if column is not None else [None] * self._rows.num_rows
        values = self._cache[name]
        return [values[i] for i in idx]

    def counts(self, name: str, idx: np.ndarray, missing: str) -> dict[str, int]:
        tally: dict[str, int] = {}
        for v in self.get(name, idx):
            key = v or missing
            tally[key] = tally.get(key, 0) + 1
        return dict(sorted(tally.items(), key=lambda kv: (-kv[1], kv[0])))

    def distinct(self, name: str, idx: np.ndarray) -> int:
        return len({v for v in self.get(name, idx) if v is not None})

    def total(self, name: str, idx: np.ndarray) -> int:
        return int(sum(v for v in self.get(name, idx) if v is not None))


def _examples(
    col: _Columns, found: Clusters, c: int, idx: np.ndarray, n: int
) -> tuple[tuple[str, str, str], ...]:
    """The ``n`` messages closest to the theme's centre, one per distinct cleaned text."""
    closest = idx[np.argsort(-(found.vectors[idx] @ found.centroids[c]), kind="stable")]
    seen: set[str] = set()
    out = []
    for platform, ident, text in zip(
        col.get("platform", closest),
        col.get("id", closest),
        col.get("text", closest),
        strict=True,
    ):
        key = plain(text)
        if key in seen:
            continue
        seen.add(key)
        out.append((platform, ident, text))
        if len(out) == n:
            break
    return tuple(out)


def _growth(
    rows: pa.Table, labels: np.ndarray, k: int, period_days: int | None, as_of: datetime | None
) -> np.ndarray | None:
    """Each theme's recent share over its earlier share (see :func:`themes`), or ``None``."""
    if "created_at" not in rows.column_names:
        return None
    times = pc.cast(rows.column("created_at"), pa.timestamp("us", tz="UTC"))
    micros = np.asarray(pc.fill_null(pc.cast(times, pa.int64()), -(2**62)), dtype=np.int64)
    known = micros > -(2**62)
    if not known.any():
        return None
    end = _micros(as_of) if as_of is not None else int(micros[known].max())
    start = int(micros[known].min())
    period = (
        int(timedelta(days=period_days) / timedelta(microseconds=1))
        if period_days is not None
        else (end - start) // 4
    )
    cut = end - period
    recent = known & (micros > cut) & (micros <= end)
    before = known & (micros <= cut)
    if period <= 0 or not recent.any() or not before.any():
        return None
    in_recent = np.bincount(labels[recent & (labels >= 0)], minlength=k)
    in_before = np.bincount(labels[before & (labels >= 0)], minlength=k)
    return ((in_recent + 1) / (recent.sum() + 1)) / ((in_before + 1) / (before.sum() + 1))


def _micros(moment: datetime) -> int:
    """Microseconds since the epoch (a naive datetime is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1_000_000)
