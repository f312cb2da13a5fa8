"""The compiler against a brute-force reading of the same texts: NEAR (ordered, unordered,
every distance), phrases, wildcards and Boolean logic must find exactly what a person
counting word positions would find."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from ascolto.query.parser import QueryError
from ascolto.query.search import search
from ascolto.store.index import SearchIndex
from ascolto.workspace import Workspace

#: Nonsense words: no stemmer touches them, and documents in Spanish have no stemmed field.
VOCAB = ("zorp", "blix", "quam", "vetro", "zorpa", "drun")


def _index(root: Path, texts: list[str], lang: str = "es") -> SearchIndex:
    ws = Workspace.create(root)
    n = len(texts)
    rows = pa.table(
        {
            "platform": ["x"] * n,
            "id": [str(i) for i in range(n)],
            "created_at": pa.array([datetime(2025, 1, 1, tzinfo=UTC)] * n),
            "text": texts,
            "kind": ["post"] * n,
            "lang": [lang] * n,
        }
    )
    with ws.connect() as con:
        con.register("rows", rows)
        con.execute(
            "INSERT INTO messages (platform, id, created_at, text, kind, lang) SELECT * FROM rows"
        )
        return ws.search_index(con)


def _found(index: SearchIndex, query: str) -> set[int]:
    result = search(index, query, limit=10_000)
    return {int(r["id"].split(":")[1]) for r in result["results"]}


@pytest.fixture(scope="module")
def random_docs(tmp_path_factory: pytest.TempPathFactory) -> tuple[SearchIndex, list[list[str]]]:
    rng = np.random.default_rng(7)
    docs = [list(rng.choice(VOCAB, rng.integers(2, 14))) for _ in range(600)]
    return _index(tmp_path_factory.mktemp("near") / "ws", [" ".join(d) for d in docs]), docs


def _near(doc: list[str], a: str, b: str, n: int, ordered: bool) -> bool:
    pa_, pb = [i for i, w in enumerate(doc) if w == a], [i for i, w in enumerate(doc) if w == b]
    return any(
        1 <= (j - i) <= n + 1 or (not ordered and 1 <= (i - j) <= n + 1) for i in pa_ for j in pb
    )


@pytest.mark.parametrize("distance", [0, 1, 2, 3, 4, 5, 8])
@pytest.mark.parametrize("ordered", [False, True])
def test_near_matches_counting_positions(random_docs, distance: int, ordered: bool) -> None:
    index, docs = random_docs
    for a, b in itertools.permutations(("zorp", "blix", "quam"), 2):
        query = f"{a} NEAR/{distance}{'f' if ordered else ''} {b}"
        want = {i for i, d in enumerate(docs) if _near(d, a, b, distance, ordered)}
        assert _found(index, query) == want, query


def test_near_with_alternatives_and_wildcards(random_docs) -> None:
    index, docs = random_docs
    want = {
        i
        for i, d in enumerate(docs)
        if any(_near(d, a, b, 2, False) for a in ("zorp", "zorpa") for b in ("vetro", "drun"))
    }
    assert _found(index, "zorp* NEAR/2 (vetro OR drun)") == want


def test_phrases_wildcards_and_boolean_logic(random_docs) -> None:
    index, docs = random_docs
    joined = [" " + " ".join(d) + " " for d in docs]
    cases = {
        '"zorp blix"': lambda i: " zorp blix " in joined[i],
        '"blix quam vetro"': lambda i: " blix quam vetro " in joined[i],
        "zorp*": lambda i: any(w.startswith("zorp") for w in docs[i]),
        "zor?": lambda i: any(re.fullmatch("zor.", w) for w in docs[i]),
        "zorp AND NOT blix": lambda i: "zorp" in docs[i] and "blix" not in docs[i],
        "(zorp OR drun) quam": lambda i: (
            ("zorp" in docs[i] or "drun" in docs[i]) and "quam" in docs[i]
        ),
        "NOT (vetro OR quam)": lambda i: "vetro" not in docs[i] and "quam" not in docs[i],
    }
    for query, match in cases.items():
        want = {i for i in range(len(docs)) if match(i)}
        assert _found(index, query) == want, query


def test_analysis_of_accents_emoji_tags_and_stems(tmp_path: Path) -> None:
    texts = [
        "Il caffè è più buono 😍 #CaffèAurora @Aurora_IT",  # 0
        "i prezzi sono aumentati",  # 1
        "prezzo alto, e-mail inviata",  # 2
        "caffe buono",  # 3
    ]
    index = _index(tmp_path / "ws", texts, lang="it")
    assert _found(index, "caffè") == {0, 3} == _found(index, "CAFFE")
    assert _found(index, "😍") == {0}
    assert _found(index, "#caffeaurora") == {0} == _found(index, "caffeaurora")
    assert _found(index, "@aurora_it") == {0}
    assert _found(index, "prezzo") == {1, 2}  # Italian stems: prezzi, prezzo
    assert _found(index, '"prezzo alto"') == {2} and _found(index, '"prezzi alto"') == set()
    assert _found(index, "e-mail") == {2}
    assert _found(index, "più") == {0} == _found(index, "piu")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("a*", "at least 2 letters"),
        ("?", "at least 2 letters"),
        ("zorp NEAR/51 blix", "at most NEAR/50"),
        ("lang:it NEAR/3 zorp", "NEAR joins words"),
        ('"zorp blix"~99', "at most ~50"),
    ],
)
def test_what_the_index_cannot_answer_is_one_clear_error(
    random_docs, query: str, message: str
) -> None:
    with pytest.raises(QueryError, match=re.escape(message)):
        search(random_docs[0], query)
