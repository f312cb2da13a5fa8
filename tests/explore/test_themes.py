"""Themes on real tweets: customer-support threads (English, TWCS) and SENTIPOLC (Italian)."""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from datetime import UTC, datetime, timedelta

import numpy as np
import pyarrow as pa
import pytest

from ascolto.enrich import corpora
from ascolto.explore.stopwords import STOPWORDS
from ascolto.explore.themes import Theme, clean, emerging, key_phrases, phrase_counts, themes
from ascolto.explore.topics import audience
from ascolto.sources import twcs
from ascolto.workspace import Workspace
from tests.conftest import DATA, data_path, read_messages

TWCS = "twcs_customer_support_twitter/twcs_part.csv"


@pytest.fixture(scope="module")
def customers() -> pa.Table:
    """The customers' tweets of the TWCS slice, read by ascolto's own importer."""
    messages = [
        m
        for m in read_messages(twcs.SOURCE, data_path(TWCS), strict=False)
        if m.author is not None and not m.author.is_owned
    ]
    return pa.table(
        {
            "platform": [m.platform for m in messages],
            "id": [m.id for m in messages],
            "text": [m.text for m in messages],
            "lang": [m.lang for m in messages],
            "created_at": pa.array([m.created_at for m in messages], pa.timestamp("us", "UTC")),
            "author_id": [m.author_id for m in messages],
            "likes": pa.array([m.likes for m in messages], pa.int64()),
            "sentiment": pa.array([None] * len(messages), pa.string()),
        }
    )


@pytest.fixture(scope="module")
def customer_themes(customers: pa.Table) -> list[Theme]:
    return themes(customers)


@pytest.fixture(scope="module")
def italian() -> pa.Table:
    """SENTIPOLC 2016 train tweets with their gold polarity as the sentiment label."""
    data_path("sentipolc2016")
    c = corpora.sentipolc(DATA)
    return pa.table(
        {
            "platform": ["x"] * len(c),
            "id": c.refs,
            "text": c.texts,
            "lang": ["it"] * len(c),
            "author_id": [f"u{i % 997}" for i in range(len(c))],
            "sentiment": c.labels,
        }
    )


def _members(found: list[Theme]) -> dict[tuple[str, str], int]:
    return {m: t.id for t in found for m in t.members}


def _concentration(table: pa.Table, found: list[Theme], pattern: str) -> tuple[int, float, Theme]:
    """Of the messages matching ``pattern`` that are in a theme: how many, the share in the
    commonest theme, and that theme."""
    where = _members(found)
    hits = [
        where[(p, i)]
        for p, i, t in zip(
            table["platform"].to_pylist(),
            table["id"].to_pylist(),
            table["text"].to_pylist(),
            strict=True,
        )
        if t and re.search(pattern, t.lower()) and (p, i) in where
    ]
    theme, most = Counter(hits).most_common(1)[0]
    return len(hits), most / len(hits), found[theme]


@pytest.mark.parametrize(
    ("pattern", "phrase", "least"),
    [(r"\bflights?\b", "flight", 0.6), (r"customer service", "customer service", 0.85)],
)
def test_twcs_topics_land_in_one_theme_named_after_them(
    customers: pa.Table, customer_themes: list[Theme], pattern: str, phrase: str, least: float
) -> None:
    """Tweets about flights (80 of 1,966) and about customer service (50) each mostly share
    one theme, at least five times likelier for them than for any tweet, named after them.
    (TWCS is small and loose: over seeds 0-7 the flight share is 0.65-0.73, the lift 7-20.)"""
    n, share, theme = _concentration(customers, customer_themes, pattern)
    assert n >= 40 and share >= least, (pattern, n, share)
    assert theme.share < share / 5
    assert any(phrase in p for p in theme.phrases[:3]), theme.phrases


def test_theme_numbers_add_up(customers: pa.Table, customer_themes: list[Theme]) -> None:
    assert 8 <= len(customer_themes) <= 40
    sizes = [t.size for t in customer_themes]
    assert [t.id for t in customer_themes] == list(range(len(customer_themes)))
    assert sizes == sorted(sizes, reverse=True)
    members = [m for t in customer_themes for m in t.members]
    assert len(members) == len(set(members)) == sum(sizes) < customers.num_rows
    authors = dict(
        zip(
            zip(customers["platform"].to_pylist(), customers["id"].to_pylist(), strict=True),
            customers["author_id"].to_pylist(),
            strict=True,
        )
    )
    texts = dict(zip(customers["id"].to_pylist(), customers["text"].to_pylist(), strict=True))
    for t in customer_themes:
        assert t.size == len(t.members) and t.share == round(t.size / customers.num_rows, 4)
        assert t.authors == len({authors[m] for m in t.members})
        assert t.sentiment == {"negative": 0, "neutral": 0, "positive": 0, "unknown": t.size}
        assert t.net_sentiment is None
        assert sum(t.languages.values()) == t.size
        assert 1 <= len(t.examples) <= 3 and len({clean(e[2]) for e in t.examples}) == len(
            t.examples
        )
        assert all((p, i) in t.members and texts[i] == text for p, i, text in t.examples)
        assert t.label and t.label.startswith(t.phrases[0])


def test_phrases_hold_no_stopword_and_none_inside_another(
    customer_themes: list[Theme], italian: pa.Table
) -> None:
    for t in [*customer_themes, *themes(italian)]:
        words = [w for p in t.phrases for w in p.split()]
        assert not set(words) & STOPWORDS, t.phrases
        for a in t.phrases:
            for b in t.phrases:
                assert a == b or f" {a} " not in f" {b} ", t.phrases


def test_same_seed_same_themes_and_row_order_does_not_matter(
    customers: pa.Table, customer_themes: list[Theme]
) -> None:
    assert themes(customers) == customer_themes
    order = list(range(customers.num_rows))
    random.Random(7).shuffle(order)
    assert themes(customers.take(order)) == customer_themes


def test_italian_politics_theme(italian: pa.Table) -> None:
    """SENTIPOLC is mostly about Mario Monti's government: it gets its own themes, named in
    Italian, and the gold sentiment is counted per theme."""
    found = themes(italian)
    labels = " | ".join(t.label for t in found)
    assert "monti" in labels and "governo" in labels, labels
    n, share, theme = _concentration(italian, found, r"\bmanovra")
    assert n >= 100 and share >= 0.65 and theme.share < share / 20
    assert any("manovra" in p for p in theme.phrases[:3]), theme.phrases
    gold = dict(zip(italian["id"].to_pylist(), italian["sentiment"].to_pylist(), strict=True))
    for t in found:
        counted = Counter(gold[i] for _, i in t.members)
        assert t.sentiment == {s: counted.get(s, 0) for s in t.sentiment}
        pos, neg = counted["positive"], counted["negative"]
        assert t.net_sentiment == (round((pos - neg) / (pos + neg), 3) if pos + neg else None)


def test_growth_finds_the_theme_that_took_off(customers: pa.Table) -> None:
    """Real texts, times arranged: the flight complaints all come in the last two weeks of
    ten, everything else spread evenly. The flight theme is the one emerging."""
    rng = random.Random(3)
    start = datetime(2025, 3, 1, tzinfo=UTC)
    times = [
        start
        + timedelta(
            days=rng.uniform(56, 70) if "flight" in (t or "").lower() else rng.uniform(0, 70)
        )
        for t in customers["text"].to_pylist()
    ]
    table = customers.set_column(
        customers.column_names.index("created_at"),
        "created_at",
        pa.array(times, pa.timestamp("us", "UTC")),
    )
    found = themes(table, period_days=14)
    top = emerging(found)
    assert top and any("flight" in p for p in top[0].phrases[:3]), [
        (t.label, t.growth) for t in top
    ]
    assert top[0].growth is not None and top[0].growth > 2
    others = sorted(t.growth or 0.0 for t in found if t.id != top[0].id)
    assert others[len(others) // 2] < 1.3, others  # most themes hold steady
    # by hand: the window is the last quarter of the span when not given, +1 smoothing
    when = dict(zip(table["id"].to_pylist(), times, strict=True))
    cut = max(times) - (max(times) - min(times)) / 4
    recent = sum(t > cut for t in times)
    for t in themes(table):
        mine = sum(when[i] > cut for _, i in t.members)
        expected = ((mine + 1) / (recent + 1)) / ((t.size - mine + 1) / (len(times) - recent + 1))
        assert t.growth == pytest.approx(expected, abs=1e-3)
    # nothing before the window: no growth to speak of
    assert all(
        t.growth is None for t in themes(table, as_of=start + timedelta(days=10), period_days=30)
    )


def test_demo_market_the_challenger_is_the_emerging_theme(demo_workspace: Workspace) -> None:
    """In the demo, Moka Stella launches on 1 October and grows (its ground truth says so):
    over everything people wrote, with the sentiment ``ascolto enrich`` gave, its theme is the
    one growing fastest; the boycott flame is one theme, Italian and negative."""
    with demo_workspace.connect(read_only=True) as con:
        table = audience(con)
    found = themes(table)
    top = emerging(found)
    assert top and "stella" in " ".join(top[0].phrases[:2]), [(t.label, t.growth) for t in top]
    assert top[0].growth is not None and top[0].growth > 2
    flame = [t for t in found if any("boicottaaurora" in p for p in t.phrases[:2])]
    assert len(flame) == 1 and flame[0].size >= 100, [t.label for t in found]
    assert flame[0].net_sentiment is not None and flame[0].net_sentiment < -0.5
    assert flame[0].languages.get("it", 0) > flame[0].size / 2


def test_nothing_to_say_gives_no_theme() -> None:
    empty = pa.table({"platform": pa.array([], pa.string()), "id": [], "text": []})
    assert themes(empty) == []
    wordless = pa.table(
        {
            "platform": ["x"] * 4,
            "id": ["1", "2", "3", "4"],
            "text": [None, "", "@CaffeAurora https://t.co/abc 😍😍", "12/10 24,90€ !!!"],
        }
    )
    assert themes(wordless) == []
    with pytest.raises(ValueError, match="text"):
        themes(pa.table({"platform": ["x"], "id": ["1"]}))


def test_to_dict_is_json() -> None:
    t = Theme(
        id=1,
        label="a · b",
        phrases=("a", "b"),
        size=2,
        share=0.5,
        authors=2,
        likes=3,
        sentiment={"positive": 1},
        net_sentiment=1.0,
        examples=(("x", "1", "a"),),
        growth=None,
        languages={"it": 2},
        members=(("x", "1"), ("x", "2")),
    )
    out = json.loads(json.dumps(t.to_dict()))
    assert out["examples"] == [{"platform": "x", "id": "1", "text": "a"}]
    assert "members" not in out and out["phrases"] == ["a", "b"]


def test_cleaning_folds_accents_and_drops_links_mentions_numbers() -> None:
    text = "@CaffeAurora Perché il caffè è finito? 24/48h 250g caffeaurora.it/shop #CaffèAurora"
    assert clean(text).split() == ["perche", "il", "caffe", "e", "finito?", "/", "#caffeaurora"]
    assert clean(None) == "" and clean("Ελληνικά ÀÉÎ") == "ελληνικά aei"


def test_a_pair_stands_in_for_its_word_and_overlaps_are_trimmed() -> None:
    """c-TF-IDF on the demo's tasting-kit idea as people typed it, against two others."""
    texts = [
        "sarebbe top un kit degustazione con tutte le miscele 😉",
        "@CaffeAurora Sarebbe top un kit degustazione con ttute le miscele",
        "sarebbe top un kit degustazione con tutte le miscele @CaffeAurora",
        "perché non fate una versione decaffeinata dell'Aurora Classica?",
        "fate un gusto nocciola per l'inverno!",
    ]
    counts, vocabulary = phrase_counts(texts)
    named = key_phrases(counts, np.array([0, 0, 0, 1, 2]), vocabulary, 3, top=3)
    kit = [p for p, _ in named[0]]
    assert kit[:2] == ["kit degustazione", "miscele"]
