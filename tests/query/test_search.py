"""Search and count on real texts (TWCS, SENTIPOLC), each against a count made another way:
a plain reading of the texts for words, phrases, tags and NEAR, SQL on the store for fields."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ascolto.care.conversations import addressed
from ascolto.enrich.corrections import correct
from ascolto.errors import BadOption
from ascolto.ingest import ingest
from ascolto.query.parser import QueryError
from ascolto.query.search import count, search
from ascolto.store.db import scalar
from ascolto.store.index import pretokenize_one, update
from ascolto.workspace import Workspace
from tests.conftest import data_path, search_ids, twcs_slice

TZ = "Europe/Rome"


def _fold(text: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", pretokenize_one(text).lower())
    return "".join(c for c in plain if not unicodedata.combining(c)).split()


@pytest.fixture(scope="module")
def texts(real_ws: Workspace) -> list[tuple[str, list[str], list[str]]]:
    """(id, folded words, hashtags and mentions) of every stored message."""
    with real_ws.connect(read_only=True) as con:
        rows = con.execute(
            "SELECT platform || ':' || id, text, "
            "list_transform(coalesce(hashtags, []), lambda h: '#' || lower(h)) "
            "|| list_transform(coalesce(mentions, []), lambda h: '@' || lower(h)) "
            "FROM messages"
        ).fetchall()
    return [(key, _fold(text or ""), tags) for key, text, tags in rows]


def _ids(ws: Workspace, query: str) -> set[str]:
    return set(search_ids(ws, query, TZ))


def _total(ws: Workspace, query: str) -> int:
    with ws.connect(read_only=True) as con:
        return int(search(ws.search_index(con), query, limit=1, timezone=TZ)["total"])


def _near(words: list[str], a: str, b: str, n: int) -> bool:
    """A word matches itself and its #hashtag, as everywhere in the query language."""
    plain = [w.removeprefix("#") for w in words]
    at = [i for i, w in enumerate(plain) if w == a]
    return any(1 <= abs(j - i) <= n + 1 for i in at for j, w in enumerate(plain) if w == b)


ORACLES: dict[str, Any] = {
    '"customer service"': lambda w, t: " customer service " in f" {' '.join(w)} ",
    '"send us a dm"': lambda w, t: " send us a dm " in f" {' '.join(w)} ",
    "delay*": lambda w, t: any(re.fullmatch("#?delay.*", x) for x in w),
    "#monti": lambda w, t: "#monti" in w or "#monti" in t,
    "@sprintcare": lambda w, t: "@sprintcare" in w or "@sprintcare" in t,
    "monti NEAR/3 governo": lambda w, t: _near(w, "monti", "governo", 3),
    '"mario monti" AND NOT #monti': lambda w, t: (
        " mario monti " in f" {' '.join(w)} " and "#monti" not in w and "#monti" not in t
    ),
}


@pytest.mark.parametrize("query", list(ORACLES))
def test_words_phrases_tags_and_near_match_a_plain_reading(
    real_ws: Workspace, texts: list[tuple[str, list[str], list[str]]], query: str
) -> None:
    want = {key for key, words, tags in texts if ORACLES[query](words, tags)}
    assert len(want) > 5, "the query should find real messages"
    assert _ids(real_ws, query) == want


FIELDS = {
    "platform:x": "SELECT count(*) FROM messages WHERE platform = 'x'",
    "is:reply": "SELECT count(*) FROM messages WHERE parent_id IS NOT NULL",
    "is:owned": "SELECT count(*) FROM messages m JOIN authors a "
    "ON a.platform = m.platform AND a.id = m.author_id WHERE a.is_owned",
    "author:sprintcare": "SELECT count(*) FROM messages m JOIN authors a "
    "ON a.platform = m.platform AND a.id = m.author_id WHERE lower(a.handle) = 'sprintcare'",
    "sentiment:negative": "SELECT count(*) FROM labels WHERE task = 'sentiment' "
    "AND label = 'negative'",
    "intent:complaint lang:en": "SELECT count(*) FROM labels l JOIN labels g "
    "ON g.platform = l.platform AND g.message_id = l.message_id AND g.task = 'language' "
    "WHERE l.task = 'intent' AND l.label = 'complaint' AND g.label = 'en'",
    "date:2011-10-01..2011-10-31": "SELECT count(*) FROM messages WHERE "
    "(created_at AT TIME ZONE 'Europe/Rome')::DATE BETWEEN DATE '2011-10-01' "
    "AND DATE '2011-10-31'",
    "site:t.co": "SELECT count(*) FROM messages WHERE "
    "len(list_filter(links, lambda u: u SIMILAR TO 'https?://t[.]co/.*')) > 0",
    "toxic:true": "SELECT count(*) FROM labels WHERE task = 'toxicity' AND label = 'toxic'",
}


@pytest.mark.parametrize("query", list(FIELDS))
def test_field_filters_match_the_store(real_ws: Workspace, query: str) -> None:
    with real_ws.connect(read_only=True) as con:
        want = int(scalar(con, FIELDS[query]))
    assert want > 0
    assert _total(real_ws, query) == want


def test_unanswered_is_what_the_response_metrics_call_unanswered(real_ws: Workspace) -> None:
    with real_ws.connect(read_only=True) as con:
        rows = addressed(con).to_pylist()
    want = {f"{r['platform']}:{r['id']}" for r in rows if r["first_response_at"] is None}
    assert len(want) > 100
    assert _ids(real_ws, "is:unanswered") == want


def test_stems_find_other_forms(real_ws: Workspace) -> None:
    refunded = _ids(real_ws, "refund")
    assert any("refunded" in t or "refunds" in t for t in _texts(real_ws, refunded))
    governi = _ids(real_ws, "governo")
    assert any(" governi" in f" {t.lower()}" for t in _texts(real_ws, governi))


def _texts(ws: Workspace, ids: set[str]) -> list[str]:
    with ws.connect(read_only=True) as con:
        rows = con.execute("SELECT platform || ':' || id, text FROM messages").fetchall()
    return [t for key, t in rows if key in ids]


def test_results_carry_what_a_person_reads(real_ws: Workspace) -> None:
    with real_ws.connect(read_only=True) as con:
        index = real_ws.search_index(con)
    found = search(index, "@sprintcare", limit=5, sort="newest", timezone=TZ)
    assert found["total"] > 5 and len(found["results"]) == 5
    times = [r["created_at"] for r in found["results"]]
    assert times == sorted(times, reverse=True)
    first = found["results"][0]
    assert first["platform"] == "x" and first["author"] and "sprintcare" in first["text"].lower()
    assert first["sentiment"] in ("negative", "neutral", "positive")
    assert "url" in first and first["kind"] in ("post", "reply", "comment")
    page2 = search(index, "@sprintcare", limit=5, offset=5, sort="newest", timezone=TZ)
    assert not {r["id"] for r in page2["results"]} & {r["id"] for r in found["results"]}
    oldest = search(index, "@sprintcare", limit=3, sort="oldest", timezone=TZ)["results"]
    assert oldest[0]["created_at"] <= times[-1]


def test_count_by_periods_and_labels_adds_up(real_ws: Workspace) -> None:
    with real_ws.connect(read_only=True) as con:
        index = real_ws.search_index(con)
        by_sentiment = dict(
            con.execute(
                "SELECT l.label, count(*) FROM labels l JOIN labels g ON g.platform = l.platform "
                "AND g.message_id = l.message_id AND g.task = 'language' "
                "WHERE l.task = 'sentiment' AND g.label = 'it' GROUP BY 1"
            ).fetchall()
        )
    days = count(index, "lang:it", "day", TZ)
    assert sum(c["count"] for c in days["counts"]) == days["total"] > 1000
    dates = [c["key"] for c in days["counts"]]
    assert dates == sorted(dates) and len(dates) == len(set(dates))  # every day, zeros too
    months = count(index, "lang:it", "month", TZ)
    assert sum(c["count"] for c in months["counts"]) == days["total"]
    assert all(c["key"].endswith("-01") for c in months["counts"])
    sentiment = count(index, "lang:it", "sentiment", TZ)
    assert {c["key"]: c["count"] for c in sentiment["counts"]} == by_sentiment
    with pytest.raises(BadOption, match="--by"):
        count(index, "lang:it", "colour", TZ)


def test_the_index_follows_the_store(tmp_path: Path) -> None:
    source = data_path("twcs_customer_support_twitter/twcs_part.csv")
    ws = Workspace.create(tmp_path / "ws")
    ingest(ws, [twcs_slice(source, {"848", "2960"}, tmp_path / "a.csv")])
    with ws.connect(read_only=True) as con:
        first = update(ws.index_dir, con, TZ)
    assert first.rebuilt and first.total == 2
    assert _ids(ws, "is:unanswered") == {"x:2960"}
    # the brand's answer (2958) to the customer's next message arrives with it
    ingest(ws, [twcs_slice(source, {"848", "2960", "2959", "2958"}, tmp_path / "b.csv")])
    with ws.connect(read_only=True) as con:
        step = update(ws.index_dir, con, TZ)
        again = update(ws.index_dir, con, TZ)
    assert not step.rebuilt and step.total == 4 and step.documents >= 2
    assert again.documents == 0, "nothing changed: nothing written"
    assert _ids(ws, "is:unanswered") == {"x:2960"}  # 2959 was answered by 2958
    assert _total(ws, "intent:praise") == 0
    with ws.connect() as con:
        correct(con, "x:2959", "intent", "praise", actor="test")
    assert _ids(ws, "intent:praise") == {"x:2959"}  # a correction is searchable at once
    ws_rome = Workspace(ws.root, {"timezone": "America/New_York"})
    with ws_rome.connect(read_only=True) as con:
        moved = update(ws_rome.index_dir, con, "America/New_York")
    assert moved.rebuilt, "another time zone moves days: the index starts over"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_text_is_a_result_or_one_clear_error(real_ws: Workspace, query: str) -> None:
    with real_ws.connect(read_only=True) as con:
        index = real_ws.search_index(con, refresh=False)
    try:
        found = search(index, query, limit=3, timezone=TZ)
    except QueryError as e:
        assert "\n" not in str(e) and str(e)
    else:
        assert found["total"] >= len(found["results"])
