"""The query parser: every documented construct, round trips of random trees, and hostile
input that must end in one clear error (with its position), never a crash."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ascolto.query.parser import (
    And,
    Field,
    Near,
    Not,
    Or,
    Phrase,
    QueryError,
    Tag,
    Term,
    parse,
    render,
)


def test_the_documented_examples() -> None:
    assert parse('coffee AND (price OR prezzo) NOT "cold brew"') == And(
        (Term("coffee"), Or((Term("price"), Term("prezzo"))), Not(Phrase(("cold", "brew"))))
    )
    assert parse('"consegna lenta"~3') == Phrase(("consegna", "lenta"), 3)
    assert parse("aurora NEAR/5 rimborso") == Near(Term("aurora"), Term("rimborso"), 5, False)
    assert parse("ordine NEAR/3f arrivato").ordered
    assert parse("caff* w?rd").nodes[0].wildcard  # type: ignore[union-attr]
    assert parse("#Caffè @CaffeAurora") == And((Tag("#", "caffè"), Tag("@", "caffeaurora")))
    assert parse("followers:>1000") == Field("followers", ">", 1000)
    assert parse("date:2025-01-01..2025-02-01") == Field(
        "date", "range", (date(2025, 1, 1), date(2025, 2, 1))
    )
    assert parse("is:unanswered sentiment:negative") == And(
        (Field("is", "=", "unanswered"), Field("sentiment", "=", "negative"))
    )
    # precedence: NOT over AND over OR; lower-case operators and ORANGE are words
    assert parse("a b OR c") == Or((And((Term("a"), Term("b"))), Term("c")))
    assert parse("ORANGE and ANDROID") == And((Term("orange"), Term("and"), Term("android")))


@pytest.mark.parametrize(
    ("query", "position", "words"),
    [
        ("coffee AND", 11, "expected"),
        ("(coffee", 8, "expected )"),
        ("coffee)", 7, "found ')'"),
        ('"unclosed phrase', 1, "never closed"),
        ("lang:", 1, "needs a value"),
        ("is:maybe", 4, "takes reply, owned, unanswered"),
        ("followers:lots", 11, "takes a number"),
        ("date:2025-13-01", 6, "YYYY-MM-DD"),
        ("date:2025-02-01..2025-01-01", 6, "ends before it starts"),
        ("a OR OR b", 6, "found 'OR'"),
        ("NEAR/5 x", 1, "found 'NEAR/5'"),
        ("a:b", 2, "follows a field name"),
        ("x\x07y", 2, "control character"),
        ('""', 1, "empty phrase"),
    ],
)
def test_errors_name_the_position(query: str, position: int, words: str) -> None:
    with pytest.raises(QueryError) as e:
        parse(query)
    assert str(e.value).startswith(f"position {position}:") and words in str(e.value)


def test_empty_and_very_long_queries() -> None:
    for query in ("", "   "):
        with pytest.raises(QueryError, match="empty"):
            parse(query)
    with pytest.raises(QueryError, match="limit"):
        parse("caffè OR " * 1000)
    deep = "(" * 200 + "x" + ")" * 200
    assert parse(deep) == Term("x")


words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzàèéìòù", min_size=1, max_size=8).filter(
    lambda w: w.upper() not in ("OR", "AND", "NOT")
)
leaves = st.one_of(
    words.map(Term),
    st.tuples(words, words.map(lambda w: w + "*")).map(lambda t: Term(t[1])),
    st.tuples(st.lists(words, min_size=1, max_size=3), st.integers(0, 9)).map(
        lambda t: Phrase(tuple(t[0]), t[1])
    ),
    st.tuples(st.sampled_from("#@"), words).map(lambda t: Tag(*t)),
    st.sampled_from(
        [
            Field("lang", "=", "it"),
            Field("intent", "=", "idea"),
            Field("followers", ">=", 500),
            Field("is", "=", "reply"),
            Field("date", "range", (date(2025, 1, 1), date(2025, 3, 1))),
        ]
    ),
)
trees = st.recursive(
    leaves,
    lambda inner: st.one_of(
        inner.map(Not),
        st.lists(inner, min_size=2, max_size=3).map(lambda n: And(tuple(n))),
        st.lists(inner, min_size=2, max_size=3).map(lambda n: Or(tuple(n))),
        st.tuples(inner, inner, st.integers(1, 20), st.booleans()).map(lambda t: Near(*t)),
    ),
    max_leaves=8,
)


def _flat(node):  # type: ignore[no-untyped-def]
    """And/Or nested in the same operator read the same flattened: (a AND b) AND c."""
    if isinstance(node, And | Or):
        items = []
        for n in (_flat(n) for n in node.nodes):
            items.extend(n.nodes if type(n) is type(node) else (n,))
        return type(node)(tuple(items))
    if isinstance(node, Not):
        return Not(_flat(node.node))
    if isinstance(node, Near):
        return Near(_flat(node.left), _flat(node.right), node.distance, node.ordered)
    return node


@settings(max_examples=300, deadline=None)
@given(trees)
def test_render_then_parse_round_trips(tree) -> None:  # type: ignore[no-untyped-def]
    assert _flat(parse(render(tree))) == _flat(tree)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_any_text_parses_or_fails_cleanly(text: str) -> None:
    try:
        parse(text)
    except QueryError as e:
        assert str(e) and "\n" not in str(e)


@pytest.mark.parametrize(
    "hostile",
    [
        "'; DROP TABLE messages; --",
        '" OR 1=1 --"',
        "x' OR '1'='1",
        "(((((((((((",
        ")))))))))))",
        "NOT NOT NOT",
        "\u202ereversed",
        "emoji 😀 AND 🔥",
        "a NEAR/999999999999 b",
    ],
)
def test_hostile_input_is_data_or_a_clear_error(hostile: str) -> None:
    try:
        tree = parse(hostile)
    except QueryError as e:
        assert str(e).startswith(("position", "the query"))
    else:
        assert render(tree)  # parsed as plain words: it will only ever be matched as text
