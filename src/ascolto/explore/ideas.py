"""The co-creation view: the ideas people propose, how many back them, whether the brand
answered.

An idea is a message whose current intent label is ``idea`` (a user's correction wins), not
written by an owned account. Copies of the same idea (typos, emoji, mentions, greetings, the
product or city named) are one :class:`Idea`: texts are compared as character 3-5-grams
(``char_wb``, TF-IDF) and messages whose cosine is ``SAME_IDEA`` or more are joined, with
everything they connect to (connected components). Ideas are then grouped by theme
(:func:`ascolto.explore.themes.themes` over one text per idea) when there are enough of them;
otherwise each is named by its own key phrases.

``support = authors + agreeing_replies + log1p(likes)``: distinct people who posted it, other
people who answered one of its messages approvingly (sentiment positive or intent praise, one
per person, the idea's authors and owned accounts not counted), and its copies' likes
damped, so a single viral copy does not outrank many people asking. It is *acknowledged* when
an owned account replied directly to one of its messages on the same platform, at any time.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import TfidfVectorizer

from ascolto.explore.themes import key_phrases, label, phrase_counts, plain, themes
from ascolto.store.db import iso, records

#: Cosine of character 3-5-grams at or above which two idea messages are one idea. Calibrated
#: on the demo's ground-truth ideas (164 messages, 17 proposals): copies of one proposal with
#: typos, slang, greetings and emoji go down to 0.61, two different proposals reach 0.48 at
#: most. At 0.6 no group mixes proposals and no set of copies is split; at 0.75 and above
#: copies start to split (2 sets of 42 at 0.75, 6 at 0.8).
SAME_IDEA = 0.6
#: From this many ideas on, they are grouped into themes; fewer are each named on their own.
THEMES_FROM = 12
_BLOCK = 2048

_IDEAS = """
WITH idea AS (
    SELECT m.platform, m.id, m.author_id, m.created_at, m.text, coalesce(m.likes, 0) AS likes
    FROM labels l
    JOIN messages m ON m.platform = l.platform AND m.id = l.message_id
    LEFT JOIN authors a ON a.platform = m.platform AND a.id = m.author_id
    WHERE l.task = 'intent' AND l.label = 'idea' AND NOT coalesce(a.is_owned, false)
      AND ($since IS NULL OR m.created_at >= $since)
      AND ($until IS NULL OR m.created_at < $until)
)
"""

_MESSAGES = _IDEAS + "SELECT * FROM idea ORDER BY platform, id"

_REPLIES = (
    _IDEAS
    + """
SELECT r.platform, r.parent_id, r.id, r.author_id, r.created_at, r.text,
       coalesce(a.is_owned, false) AS owned, coalesce(a.handle, r.author_id) AS handle,
       s.label AS sentiment, i.label AS intent
FROM idea x
JOIN messages r ON r.platform = x.platform AND r.parent_id = x.id
LEFT JOIN authors a ON a.platform = r.platform AND a.id = r.author_id
LEFT JOIN labels s ON s.platform = r.platform AND s.message_id = r.id AND s.task = 'sentiment'
LEFT JOIN labels i ON i.platform = r.platform AND i.message_id = r.id AND i.task = 'intent'
ORDER BY r.created_at, r.platform, r.id
"""
)


@dataclass(frozen=True, slots=True)
class Idea:
    """One idea with its copies, its support and the brand's first answer."""

    text: str
    messages: tuple[tuple[str, str], ...]
    copies: int
    authors: int
    likes: int
    agreeing_replies: int
    support: float
    theme: str
    first_seen: datetime
    last_seen: datetime
    acknowledged: bool
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    reply_text: str | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: messages as ``PLATFORM:ID``, times as ISO 8601."""
        return {
            "text": self.text,
            "messages": [f"{p}:{i}" for p, i in self.messages],
            "copies": self.copies,
            "authors": self.authors,
            "likes": self.likes,
            "agreeing_replies": self.agreeing_replies,
            "support": self.support,
            "theme": self.theme,
            "first_seen": iso(self.first_seen),
            "last_seen": iso(self.last_seen),
            "acknowledged": self.acknowledged,
            "acknowledged_at": iso(self.acknowledged_at),
            "acknowledged_by": self.acknowledged_by,
            "reply_text": self.reply_text,
        }


def ideas(
    con: duckdb.DuckDBPyConnection,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    seed: int = 0,
    limit: int | None = None,
) -> list[Idea]:
    """The ideas posted in ``[since, until)``, most supported first (see the module's
    docstring for how copies are joined and support is counted)."""
    params = {"since": since, "until": until}
    rows = records(con, _MESSAGES, params)
    if not rows:
        return []
    groups = same_idea([r["text"] for r in rows])
    replies = records(con, _REPLIES, params)
    by_parent: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in replies:
        by_parent.setdefault((r["platform"], r["parent_id"]), []).append(r)
    grouped: dict[int, list[dict[str, Any]]] = {}
    for row, group in zip(rows, groups.tolist(), strict=True):
        grouped.setdefault(group, []).append(row)
    members = list(grouped.values())
    names = _themes(members, seed)
    out = [_idea(m, by_parent, name) for m, name in zip(members, names, strict=True)]
    out.sort(key=lambda i: (-i.support, i.first_seen, i.messages[0]))
    return out[:limit] if limit is not None else out


def same_idea(texts: Sequence[str | None], threshold: float = SAME_IDEA) -> np.ndarray:
    """A group number per text: texts joined when their character n-gram cosine reaches
    ``threshold``, directly or through others. Groups are numbered in order of first text."""
    n = len(texts)
    shapes = [plain(t) for t in texts]
    has_text = [i for i, s in enumerate(shapes) if s]
    edges = sp.csr_matrix((n, n), dtype=np.float32)
    if has_text:
        vectors = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, dtype=np.float32
        ).fit_transform([shapes[i] for i in has_text])
        pairs = []
        for start in range(0, len(has_text), _BLOCK):  # n x n at once: too big for 100k
            sims = (vectors[start : start + _BLOCK] @ vectors.T).tocoo()
            keep = sims.data >= threshold
            index = np.asarray(has_text)
            pairs.append((index[sims.row[keep] + start], index[sims.col[keep]]))
        rows = np.concatenate([p[0] for p in pairs])
        cols = np.concatenate([p[1] for p in pairs])
        edges = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(n, n))
    _, labels = connected_components(edges, directed=False)
    # renumber by first appearance so the numbering follows the (sorted) input
    first: dict[int, int] = {}
    return np.array([first.setdefault(int(g), len(first)) for g in labels], dtype=np.int64)


def _themes(members: list[list[dict[str, Any]]], seed: int) -> list[str]:
    """A theme label per idea: from :func:`themes` over one text per idea when there are
    ``THEMES_FROM`` or more, else (and for ideas in no theme) the idea's own top phrases."""
    own = _own_phrases(members)
    if len(members) < THEMES_FROM:
        return own
    canon = [_canonical(m) for m in members]
    table = pa.table(
        {
            "platform": [c["platform"] for c in canon],
            "id": [c["id"] for c in canon],
            "text": [c["text"] for c in canon],
        }
    )
    k = min(40, max(2, round(math.sqrt(2 * len(members)))))
    label_of = {}
    for theme in themes(table, k=k, seed=seed, min_size=2):
        for key in theme.members:
            label_of[key] = theme.label
    return [label_of.get((c["platform"], c["id"]), o) for c, o in zip(canon, own, strict=True)]


def _own_phrases(members: list[list[dict[str, Any]]]) -> list[str]:
    """Each idea named by c-TF-IDF with the idea as its own class (its copies its texts)."""
    texts = [r["text"] for m in members for r in m]
    labels = np.repeat(np.arange(len(members)), [len(m) for m in members])
    counts, vocabulary = phrase_counts(texts)
    if counts.shape[1] == 0:
        return ["" for _ in members]
    return [label(p) for p in key_phrases(counts, labels, vocabulary, len(members), top=3)]


def _canonical(group: list[dict[str, Any]]) -> dict[str, Any]:
    """The copy that stands for the idea: the most liked, then the earliest."""
    return min(group, key=lambda r: (-r["likes"], r["created_at"], r["platform"], r["id"]))


def _idea(
    group: list[dict[str, Any]],
    by_parent: dict[tuple[str, str], list[dict[str, Any]]],
    theme: str,
) -> Idea:
    keys = [(r["platform"], r["id"]) for r in sorted(group, key=lambda r: r["created_at"])]
    authors = {r["author_id"] for r in group if r["author_id"] is not None}
    replies = sorted(
        (r for key in keys for r in by_parent.get(key, ())),
        key=lambda r: (r["created_at"], r["platform"], r["id"]),
    )
    agreeing = {
        r["author_id"]
        for r in replies
        if not r["owned"]
        and r["author_id"] not in authors
        and (r["sentiment"] == "positive" or r["intent"] == "praise")
    }
    answer = next((r for r in replies if r["owned"]), None)
    likes = sum(r["likes"] for r in group)
    return Idea(
        text=_canonical(group)["text"] or "",
        messages=tuple(keys),
        copies=len(group),
        authors=len(authors),
        likes=likes,
        agreeing_replies=len(agreeing),
        support=round(len(authors) + len(agreeing) + math.log1p(likes), 3),
        theme=theme,
        first_seen=min(r["created_at"] for r in group),
        last_seen=max(r["created_at"] for r in group),
        acknowledged=answer is not None,
        acknowledged_at=answer["created_at"] if answer else None,
        acknowledged_by=answer["handle"] if answer else None,
        reply_text=answer["text"] if answer else None,
    )
