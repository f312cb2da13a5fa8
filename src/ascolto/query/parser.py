"""Parse a Boolean topic query into a small tree, or say in one line where and what went wrong.

The grammar is ``grammar.lark`` (Lark, LALR: linear time, no backtracking, so hostile input
cannot make it slow). The tree is plain frozen dataclasses that the compiler turns into index
queries and store filters; nothing here builds SQL or index syntax from strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from lark import Lark, Token, Transformer, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput
from lark.exceptions import VisitError

from ascolto.errors import BadOption

MAX_LENGTH = 4000
GRAMMAR = Path(__file__).with_name("grammar.lark")

#: Field filters and the values each accepts (None: free text).
FIELDS: dict[str, tuple[str, ...] | None] = {
    "author": None,
    "platform": None,
    "lang": None,
    "sentiment": ("negative", "neutral", "positive"),
    "intent": ("purchase", "question", "support", "complaint", "idea", "praise", "spam", "other"),
    "toxic": ("true", "false"),
    "site": None,
    "url": None,
    "followers": None,
    "date": None,
    "is": ("reply", "owned", "unanswered"),
}

#: How the parser's token names read to a person.
_NAMES = {
    "WORD": "a word",
    "PHRASE": 'a "phrase"',
    "HASHTAG": "a #hashtag",
    "MENTION": "an @mention",
    "FIELD": "a field such as lang:it",
    "LPAR": "(",
    "RPAR": ")",
    "_OR": "OR",
    "_AND": "AND",
    "_NOT": "NOT",
    "NEAR": "NEAR/n",
    "SLOP": "~n",
    "$END": "the end of the query",
}


class QueryError(BadOption):
    """A query that cannot be read; the message names the position and what was expected."""


# -- the tree ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """A word; ``*`` (any letters) and ``?`` (one letter) make it a wildcard."""

    text: str

    @property
    def wildcard(self) -> bool:
        return "*" in self.text or "?" in self.text


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]
    slop: int = 0  # "a b"~5: the words within 5 positions of each other


@dataclass(frozen=True)
class Tag:
    kind: str  # "#" hashtag or "@" mention
    name: str


@dataclass(frozen=True)
class Field:
    name: str
    op: str  # "=", ">", ">=", "<", "<=", "range"
    value: Any


@dataclass(frozen=True)
class Not:
    node: Node


@dataclass(frozen=True)
class And:
    nodes: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    nodes: tuple[Node, ...]


@dataclass(frozen=True)
class Near:
    left: Node
    right: Node
    distance: int
    ordered: bool  # NEAR/5f: left comes first


Node = Term | Phrase | Tag | Field | Not | And | Or | Near


# -- parsing --------------------------------------------------------------------------------


@cache
def _lark() -> Lark:
    return Lark(GRAMMAR.read_text(encoding="utf-8"), parser="lalr", lexer="basic")


def parse(query: str) -> Node:
    """The query's tree; ``QueryError`` with the position for anything malformed."""
    _check_text(query)
    try:
        tree = _lark().parse(query)
    except UnexpectedInput as e:
        raise QueryError(_explain(query, e)) from None
    try:
        return _Build(query).transform(tree)
    except VisitError as e:  # a field value or an empty phrase, raised while building
        if isinstance(e.orig_exc, QueryError):
            raise e.orig_exc from None
        raise


_EMPTY_FIELD = re.compile(r"(?<![^\s(])(" + "|".join(FIELDS) + r"):(?=[\s()]|$)")


def _check_text(query: str) -> None:
    if not query or not query.strip():
        raise QueryError('the query is empty: write words, "phrases" or fields such as lang:it')
    if len(query) > MAX_LENGTH:
        raise QueryError(
            f"the query is {len(query):,} characters long; the limit is {MAX_LENGTH:,}"
        )
    bad = next((i for i, c in enumerate(query) if ord(c) < 32 and c not in "\t\n\r"), None)
    if bad is not None:
        raise QueryError(f"position {bad + 1}: a control character; remove it")
    empty = _EMPTY_FIELD.search(query)
    if empty:
        raise QueryError(
            f"position {empty.start() + 1}: {empty.group(1)}: needs a value, e.g. lang:it"
        )
    quotes = [i for i, c in enumerate(query) if c == '"']
    if len(quotes) % 2:
        raise QueryError(f'position {quotes[-1] + 1}: this " opens a phrase that is never closed')


def _explain(query: str, e: UnexpectedInput) -> str:
    """``position 12: expected a word, a "phrase" or (, found )``."""
    if isinstance(e, UnexpectedCharacters):
        char = query[e.pos_in_stream] if e.pos_in_stream is not None else "?"
        if char == ":":
            return (
                f"position {e.column}: ':' follows a field name only: "
                f"{', '.join(f + ':' for f in FIELDS)}"
            )
        return f"position {e.column}: unexpected {char!r}"
    token = getattr(e, "token", None)
    at_end = isinstance(e, UnexpectedEOF) or token is None or token.type == "$END"
    column = len(query.rstrip()) + 1 if at_end else getattr(e, "column", 0)
    found = "the end of the query" if at_end else repr(str(token))
    expected = sorted({_NAMES.get(t, t) for t in (getattr(e, "expected", None) or ())})
    if not expected:
        return f"position {column}: unexpected {found}"
    want = ", ".join(expected[:-1]) + (" or " if len(expected) > 1 else "") + expected[-1]
    return f"position {column}: expected {want}, found {found}"


class _Build(Transformer[Token, Node]):
    def __init__(self, query: str) -> None:
        super().__init__()
        self.query = query

    def word(self, items: list[Token]) -> Node:
        return Term(str(items[0]).lower())

    def hashtag(self, items: list[Token]) -> Node:
        return Tag("#", str(items[0])[1:].lower())

    def mention(self, items: list[Token]) -> Node:
        return Tag("@", str(items[0])[1:].lower())

    def phrase(self, items: list[Token]) -> Node:
        words = tuple(str(items[0])[1:-1].lower().split())
        if not words:
            raise QueryError(
                f"position {items[0].column}: an empty phrase; put words between quotes"
            )
        slop = int(str(items[1])[1:]) if len(items) > 1 else 0
        return Phrase(words, slop)

    def field(self, items: list[Token]) -> Node:
        name, value = str(items[0]).split(":", 1)
        return _field(name, value, (items[0].column or 0) + len(name) + 1)

    def negation(self, items: list[Node]) -> Node:
        return Not(items[0])

    def and_expr(self, items: list[Node]) -> Node:
        return And(tuple(items))

    def or_expr(self, items: list[Node]) -> Node:
        return Or(tuple(items))

    def near_expr(self, items: list[Any]) -> Node:
        node = items[0]
        for op, right in zip(items[1::2], items[2::2], strict=True):
            spec = str(op).split("/", 1)[1]
            node = Near(node, right, int(spec.rstrip("f")), spec.endswith("f"))
        return node


_COMPARE = re.compile(r"^(>=|<=|>|<)?(\d+)$")


def _field(name: str, value: str, column: int) -> Field:
    where = f"position {column}"
    allowed = FIELDS[name]
    if name == "followers":
        m = _COMPARE.match(value)
        if not m:
            raise QueryError(f"{where}: followers takes a number, e.g. followers:>1000")
        return Field(name, m.group(1) or "=", int(m.group(2)))
    if name == "date":
        first, sep, last = value.partition("..")
        try:
            a = date.fromisoformat(first) if first else None
            b = date.fromisoformat(last) if last else None
        except ValueError:
            raise QueryError(
                f"{where}: dates are YYYY-MM-DD, a range YYYY-MM-DD..YYYY-MM-DD"
            ) from None
        if not sep:
            return Field(name, "range", (a, a))
        if a and b and b < a:
            raise QueryError(f"{where}: the date range ends before it starts")
        return Field(name, "range", (a, b))
    value = value.lower()
    if allowed is not None and value not in allowed:
        raise QueryError(f"{where}: {name}: takes {', '.join(allowed)}, not {value!r}")
    return Field(name, "=", value)


def render(node: Node) -> str:
    """The query text of a tree, fully parenthesised: ``parse(render(t)) == t``."""
    if isinstance(node, Term):
        return node.text
    if isinstance(node, Phrase):
        return f'"{" ".join(node.words)}"' + (f"~{node.slop}" if node.slop else "")
    if isinstance(node, Tag):
        return node.kind + node.name
    if isinstance(node, Field):
        if node.name == "date":
            a, b = node.value
            if a == b:
                return f"date:{a.isoformat()}"
            return f"date:{a.isoformat() if a else ''}..{b.isoformat() if b else ''}"
        op = "" if node.op == "=" else node.op
        return f"{node.name}:{op}{node.value}"
    if isinstance(node, Not):
        return f"NOT {_grouped(node.node)}"
    if isinstance(node, And):
        return " AND ".join(_grouped(n) for n in node.nodes)
    if isinstance(node, Or):
        return " OR ".join(_grouped(n) for n in node.nodes)
    op = f"NEAR/{node.distance}{'f' if node.ordered else ''}"
    return f"{_grouped(node.left)} {op} {_grouped(node.right)}"


def _grouped(node: Node) -> str:
    text = render(node)
    return f"({text})" if isinstance(node, And | Or | Near | Not) else text
