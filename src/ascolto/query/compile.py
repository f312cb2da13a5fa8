"""Compile a parsed query into a tantivy query over the search index.

Everything is built from query objects (terms, phrases, regexes, ranges), never from query
text, so nothing a user types is interpreted twice. A word matches its folded form in
``exact`` (and as a #hashtag), or its Italian or English stem in messages of that language;
phrases, wildcards and NEAR read ``exact`` (unstemmed) only.

NEAR/n means at most n words between the two sides; tantivy's sloppy phrase accepts a
position within ``slop`` of where it expects it, in either direction, so an ordered window
[1, n+1] is covered by one or two such windows centred on it.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import tantivy

from ascolto.query.parser import (
    And,
    Field,
    Near,
    Node,
    Not,
    Or,
    Phrase,
    QueryError,
    Tag,
    Term,
    render,
)
from ascolto.store.index import STEMMED, SearchIndex, bare_url

Q = tantivy.Query
MUST, SHOULD, MUST_NOT = tantivy.Occur.Must, tantivy.Occur.Should, tantivy.Occur.MustNot

MAX_NEAR = 50
MAX_SLOP = 50
MIN_WILDCARD_LETTERS = 2
#: The most alternatives one NEAR side may list, ``(a OR b OR ...) NEAR/n c``.
MAX_NEAR_ALTERNATIVES = 32


def compile_query(node: Node, index: SearchIndex, timezone: str = "UTC") -> tantivy.Query:
    """The tantivy query for a parsed query; ``QueryError`` for what the index cannot answer
    (a wildcard with too few letters, a NEAR too wide)."""
    return _Compiler(index, ZoneInfo(timezone)).node(node)


class _Compiler:
    def __init__(self, index: SearchIndex, zone: ZoneInfo) -> None:
        self.index = index
        self.schema = index.schema
        self.zone = zone

    def node(self, node: Node) -> tantivy.Query:
        if isinstance(node, Term):
            return self.term(node)
        if isinstance(node, Phrase):
            return self.phrase(node)
        if isinstance(node, Tag):
            return self.tag(node)
        if isinstance(node, Field):
            return self.field(node)
        if isinstance(node, Not):
            return Q.boolean_query([(MUST, Q.all_query()), (MUST_NOT, self.node(node.node))])
        if isinstance(node, And):
            positives = [n for n in node.nodes if not isinstance(n, Not)]
            clauses = [(MUST, self.node(n)) for n in positives]
            clauses += [(MUST_NOT, self.node(n.node)) for n in node.nodes if isinstance(n, Not)]
            if not positives:
                clauses.append((MUST, Q.all_query()))
            return Q.boolean_query(clauses)
        if isinstance(node, Or):
            return Q.boolean_query([(SHOULD, self.node(n)) for n in node.nodes])
        return self.near(node)

    # -- words ---------------------------------------------------------------------------

    def term(self, term: Term) -> tantivy.Query:
        if term.wildcard:
            return Q.regex_query(self.schema, "exact", self.pattern(term.text))
        tokens = self.index.analyze("exact", term.text)
        if not tokens:
            return Q.empty_query()
        if len(tokens) > 1:  # "e-mail", "dell'anno": the pieces in a row
            return Q.phrase_query(self.schema, "exact", list[str | tuple[int, str]](tokens))
        word = tokens[0]
        alternatives = [Q.term_query(self.schema, "exact", word)]
        if word[0] not in "#@":
            alternatives.append(Q.term_query(self.schema, "exact", "#" + word))
        for field, _ in STEMMED.values():
            stems = self.index.analyze(field, term.text)
            if len(stems) == 1:
                alternatives.append(Q.term_query(self.schema, field, stems[0]))
        return Q.boolean_query([(SHOULD, q) for q in alternatives])

    def pattern(self, text: str) -> str:
        """``caff*`` -> ``#?caff.*`` over folded words; literal parts are escaped."""
        parts = re.split(r"([*?])", text)
        letters = 0
        out = []
        for part in parts:
            if part == "*":
                out.append(".*")
            elif part == "?":
                out.append(".")
            elif part:
                folded = "".join(self.index.analyze("exact", part))
                if not folded or not re.fullmatch(r"[^\s]+", folded):
                    raise QueryError(f"{text}: a wildcard applies to one word of letters")
                letters += len(folded)
                out.append(re.escape(folded))
        if letters < MIN_WILDCARD_LETTERS:
            raise QueryError(
                f"{text}: a wildcard needs at least {MIN_WILDCARD_LETTERS} letters, e.g. caff*"
            )
        return "#?" + "".join(out)

    def phrase(self, phrase: Phrase) -> tantivy.Query:
        if phrase.slop > MAX_SLOP:
            raise QueryError(f"{render(phrase)}: ~{phrase.slop} is too wide; at most ~{MAX_SLOP}")
        tokens = [t for w in phrase.words for t in self.index.analyze("exact", w)]
        if not tokens:
            return Q.empty_query()
        if len(tokens) == 1:
            return Q.term_query(self.schema, "exact", tokens[0])
        words = list[str | tuple[int, str]](tokens)
        return Q.phrase_query(self.schema, "exact", words, phrase.slop)

    def tag(self, tag: Tag) -> tantivy.Query:
        token = tag.kind + "".join(self.index.analyze("exact", tag.name)).lstrip("#@")
        return Q.boolean_query(
            [
                (SHOULD, Q.term_query(self.schema, "exact", token)),
                (SHOULD, Q.term_query(self.schema, "tags", token)),
            ]
        )

    # -- proximity -----------------------------------------------------------------------

    def near(self, near: Near) -> tantivy.Query:
        if near.distance > MAX_NEAR:
            raise QueryError(f"NEAR/{near.distance} is too wide; at most NEAR/{MAX_NEAR}")
        left, left_must = self.side(near.left, last=True)
        right, right_must = self.side(near.right, last=False)
        # the right side lands 1..n+1 positions after the left one (or before, unordered)
        windows = _windows(1, near.distance + 1)
        options = [self.window(left, right, k, s) for k, s in windows]
        if not near.ordered:
            options += [self.window(right, left, k, s) for k, s in windows]
        proximity = Q.boolean_query([(SHOULD, q) for q in options])
        musts = left_must + right_must
        if not musts:
            return proximity
        return Q.boolean_query([(MUST, proximity), *[(MUST, q) for q in musts]])

    def window(self, first: str, second: str, offset: int, slop: int) -> tantivy.Query:
        return Q.regex_phrase_query(self.schema, "exact", [(0, first), (offset, second)], slop)

    def side(self, node: Node, last: bool) -> tuple[str, list[tantivy.Query]]:
        """One side of NEAR as a regex over ``exact`` words, plus what must also hold: a
        phrase is matched whole, and its word nearest the other side is the anchor."""
        if isinstance(node, Term | Tag):
            return self.alternative(node), []
        if isinstance(node, Phrase):
            tokens = [t for w in node.words for t in self.index.analyze("exact", w)]
            if not tokens:
                raise QueryError(f"{render(node)}: an empty phrase cannot be NEAR anything")
            anchor = tokens[-1] if last else tokens[0]
            return re.escape(anchor), [self.phrase(node)]
        words = [n for n in node.nodes if isinstance(n, Term | Tag)] if isinstance(node, Or) else []
        if words and len(words) == len(node.nodes):  # type: ignore[union-attr]
            if len(words) > MAX_NEAR_ALTERNATIVES:
                raise QueryError(f"NEAR: at most {MAX_NEAR_ALTERNATIVES} alternatives on one side")
            return "(" + "|".join(self.alternative(n) for n in words) + ")", []
        raise QueryError(
            f"NEAR joins words, wildcards, #tags, phrases or (a OR b) of words, "
            f"not {render(node)!r}"
        )

    def alternative(self, node: Term | Tag) -> str:
        if isinstance(node, Tag):
            return re.escape(node.kind + "".join(self.index.analyze("exact", node.name)))
        if node.wildcard:
            return self.pattern(node.text)
        tokens = self.index.analyze("exact", node.text)
        if len(tokens) != 1:
            raise QueryError(f"NEAR: {node.text!r} is not one word")
        return "#?" + re.escape(tokens[0])

    # -- fields --------------------------------------------------------------------------

    def field(self, f: Field) -> tantivy.Query:
        name, value = f.name, f.value
        if name == "followers":
            lo, hi, lo_in, hi_in = _bounds(f.op, int(value))
            return Q.range_query(
                self.schema, "followers", tantivy.FieldType.Integer, lo, hi, lo_in, hi_in
            )
        if name == "date":
            first, last = value
            start = self.midnight(first) if first else None
            end = self.midnight(last + timedelta(days=1)) if last else None
            return Q.range_query(
                self.schema, "created", tantivy.FieldType.Date, start, end, True, end is None
            )
        if name == "toxic":
            return Q.term_query(self.schema, "toxicity", "toxic" if value == "true" else "ok")
        if name == "author":
            return Q.term_query(self.schema, "author", str(value).lstrip("@").lower())
        if name == "site":
            host = str(value).lower().removeprefix("www.").split("/", 1)[0]
            return Q.term_query(self.schema, "site", host)
        if name == "url":
            return Q.regex_query(self.schema, "url", re.escape(bare_url(str(value))) + ".*")
        if name == "is":
            return Q.term_query(self.schema, "is", value)
        return Q.term_query(self.schema, name, str(value).lower())  # platform lang sentiment intent

    def midnight(self, day: date) -> datetime:
        return datetime.combine(day, time(0), self.zone)


def _bounds(op: str, n: int) -> tuple[int | None, int | None, bool, bool]:
    return {
        "=": (n, n, True, True),
        ">": (n, None, False, True),
        ">=": (n, None, True, True),
        "<": (None, n, True, False),
        "<=": (None, n, True, True),
    }[op]


def _windows(lo: int, hi: int) -> list[tuple[int, int]]:
    """(offset, slop) pairs whose windows ``offset ± slop`` cover exactly ``lo..hi``."""
    width = hi - lo + 1
    if width % 2:
        return [((lo + hi) // 2, width // 2)]
    return [((lo + hi - 1) // 2, (width - 1) // 2), (hi, 0)]
