"""The full-text search index: tantivy, in ``<workspace>/index``, kept in step with the store.

Each message is one document. Its text is indexed three ways:
- ``exact``: every word folded to lower-case ASCII, unstemmed, with positions, plus #hashtags,
  @mentions and emoji as tokens; phrases, wildcards and NEAR read it;
- ``text_it`` / ``text_en``: Snowball-stemmed (Italian, English) for messages in that language
  (or of unknown language), so ``prezzo`` finds ``prezzi`` and ``refund`` finds ``refunded``.
The fields the query language filters on (author, platform, language, labels, sites, followers,
date, reply/owned/unanswered) and the likes are indexed beside it, so a query
never needs the store; ``row`` (DuckDB's ``hash(platform, id)``) leads back to it.

The index follows the store lazily: ``refresh`` re-reads only messages changed since its
watermarks (new or updated messages, new labels or corrections, authors updated, parents of
new replies) and is called by ``ingest``, ``enrich`` and before every search. ``rebuild``
starts over (``ascolto reindex``); a new index layout, DuckDB version, time zone or set of
owned accounts rebuilds by itself.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import duckdb
import orjson
import pyarrow as pa
import pyarrow.compute as pc
import tantivy

from ascolto.errors import AscoltoError
from ascolto.store.db import one, records, scalar
from ascolto.store.queries import labels_by_message

#: Bump when the schema or the analysis changes: an older index is rebuilt.
LAYOUT = 5
META_NAME = "ascolto-index.json"
#: Stemmed fields by message language; other languages are read through ``exact`` only.
STEMMED = {"it": ("text_it", "italian"), "en": ("text_en", "english")}
#: Raw (unanalysed) keyword fields, also fast fields for counting and grouping.
KEYWORDS = ("platform", "lang", "sentiment", "intent", "toxicity", "handle", "kind")
BATCH = 50_000
#: The index writer's memory (bytes), at most and at least (tantivy needs 15 MB a thread).
WRITER_HEAP = 1_000_000_000
WRITER_HEAP_MIN = 50_000_000

# Words, #hashtags and @mentions stay whole; each emoji (Unicode "Symbol, other") is a token of
# its own; anything else separates. Done in the documents' SQL (RE2), then tantivy's whitespace
# tokenizer: measured 1.8x faster than tantivy's regex tokenizer on the same rule. Two passes
# without a capture group run on RE2's DFA; one pass with ``(\p{So})`` measured 2.3x slower.
EMOJI = r"\p{So}"
SEPARATORS = r"[^\p{L}\p{N}\p{M}_#@\p{So} ]+"


def analyzers() -> dict[str, tantivy.TextAnalyzer]:
    """The named analysers, registered on every open (tantivy does not store them)."""
    build, tok, f = tantivy.TextAnalyzerBuilder, tantivy.Tokenizer, tantivy.Filter
    named = {
        "exact": build(tok.whitespace()).filter(f.lowercase()).filter(f.ascii_fold()).build(),
        "url": build(tok.raw()).filter(f.lowercase()).build(),
        # stored only: the one raw token is longer than a byte, so nothing is indexed
        "kept": build(tok.raw()).filter(f.remove_long(1)).build(),
    }
    for field, language in STEMMED.values():
        named[field] = (
            build(tok.simple())
            .filter(f.lowercase())
            .filter(f.ascii_fold())
            .filter(f.stemmer(language))
            .build()
        )
    return named


def schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("key", stored=True, tokenizer_name="raw", index_option="basic")
    for name in ("text", "permalink"):  # kept for showing results, not searched
        sb.add_text_field(name, stored=True, tokenizer_name="kept", index_option="basic")
    sb.add_text_field("exact", tokenizer_name="exact")
    for field, _ in STEMMED.values():
        sb.add_text_field(field, tokenizer_name=field, index_option="freq")
    for name in KEYWORDS:
        sb.add_text_field(name, stored=True, fast=True, tokenizer_name="raw", index_option="basic")
    for name in ("author", "tags", "site", "is"):  # several values per message
        sb.add_text_field(name, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("url", tokenizer_name="url", index_option="basic")
    # Numbers are columns only (fast fields): ranges are read from them, and indexing them
    # too cost a third of the build's time.
    sb.add_unsigned_field("row", fast=True)
    for name in ("followers", "day"):
        sb.add_integer_field(name, fast=True)
    sb.add_integer_field("likes", stored=True, fast=True)
    sb.add_date_field("created", stored=True, fast=True)
    return sb.build()


@dataclass(frozen=True)
class Refreshed:
    """What a refresh did: documents written, whether it started over, and how long it took."""

    documents: int
    rebuilt: bool
    seconds: float
    total: int


class SearchIndex:
    """An open index with its searcher; ``schema`` for building queries."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.schema = schema()
        self.index = tantivy.Index(self.schema, path=str(path), reuse=True)
        self.analyzers = analyzers()
        for name, analyzer in self.analyzers.items():
            self.index.register_tokenizer(name, analyzer)

    @property
    def searcher(self) -> tantivy.Searcher:
        return self.index.searcher()

    def analyze(self, field: str, text: str) -> list[str]:
        """``text`` as the field's analyser reads it (what a query must look for)."""
        if field == "exact":
            text = pretokenize_one(text)
        return list(self.analyzers[field].analyze(text))


# -- keeping it in step -------------------------------------------------------------------


def open_index(
    root: Path,
    con: duckdb.DuckDBPyConnection,
    timezone: str,
    refresh: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[SearchIndex, Refreshed | None]:
    """The workspace's index, first brought up to date with the store (unless ``refresh`` is
    off, or another process is writing it: then it is searched as it is)."""
    index, done = None, None
    if refresh:
        try:
            index, done = _refresh(root, con, timezone, False, progress)
        except _Busy:
            if not (root / META_NAME).exists():
                raise AscoltoError(
                    f"{root}: the search index is being built by another ascolto process; "
                    "try again when it has finished"
                ) from None
    elif not (root / META_NAME).exists():
        raise AscoltoError(f"{root}: no search index yet; run `ascolto reindex`")
    if index is None:
        index = SearchIndex(root)
    index.index.reload()
    return index, done


class _Busy(Exception):
    """Another process holds the index writer."""


def update(
    root: Path,
    con: duckdb.DuckDBPyConnection,
    timezone: str,
    full: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Refreshed:
    """Write what changed in the store since the last refresh (everything when ``full``, or
    when the index is missing or was built another way). Safe to interrupt and re-run: the
    watermarks move only after a commit."""
    return _refresh(root, con, timezone, full, progress)[1]


def _refresh(
    root: Path,
    con: duckdb.DuckDBPyConnection,
    timezone: str,
    full: bool,
    progress: Callable[[int, int], None] | None,
) -> tuple[SearchIndex, Refreshed]:
    """``update``, also giving the index it opened, so a search opens it only once."""
    start = time.perf_counter()
    now = _watermarks(con)
    identity = _identity(con, timezone)
    meta = _read_meta(root)
    keep = not full and meta is not None and meta.get("identity") == identity
    index = _opened(root) if keep else None  # None: another schema, start over
    if index is None and root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True, exist_ok=True)
    rebuild = index is None
    if index is not None and meta is not None and meta["watermarks"] == now:
        return index, Refreshed(0, False, time.perf_counter() - start, meta.get("documents", 0))
    if index is None:
        index = SearchIndex(root)
    changed = None if rebuild else _changed(con, meta["watermarks"] if meta else {})
    stored = int(scalar(con, "SELECT count(*) FROM messages") or 0)
    total = stored if changed is None else changed.num_rows
    with _writer(index, total) as writer:
        written = 0
        if changed is not None and changed.num_rows:
            writer.delete_documents_by_query(
                tantivy.Query.term_set_query(index.schema, "key", changed.column("key").to_pylist())
            )
        if changed is None or changed.num_rows:
            for batch in _documents(con, timezone, changed):
                for doc in batch:
                    writer.add_json(doc)
                written += len(batch)
                if progress:
                    progress(written, total)
        writer.commit()
        writer.wait_merging_threads()
    index.index.reload()
    documents = index.searcher.num_docs
    if documents != stored and not rebuild:
        # rows written without their import time (bulk SQL loads): start over
        return _refresh(root, con, timezone, True, progress)
    _write_meta(root, {"identity": identity, "watermarks": now, "documents": documents})
    return index, Refreshed(written, rebuild, time.perf_counter() - start, documents)


def _opened(root: Path) -> SearchIndex | None:
    """The index on disk, or None when it has another version's schema (it is rebuilt)."""
    try:
        return SearchIndex(root)
    except ValueError as e:
        if "schema" in str(e).lower():
            return None
        raise


@contextmanager
def _writer(index: SearchIndex, documents: int) -> Iterator[Any]:
    """The index's writer, with memory for ``documents``: a bigger heap writes fewer segments
    (measured at 1M: 1 GB built 10% faster than 400 MB), a small refresh needs little."""
    heap = min(WRITER_HEAP, max(WRITER_HEAP_MIN, documents * 1_000))
    try:
        writer = index.index.writer(heap_size=heap, num_threads=2)
    except ValueError as e:
        if "lock" in str(e).lower():
            raise _Busy() from None
        raise
    try:
        yield writer
    except BaseException:
        writer.rollback()
        raise


def _watermarks(con: duckdb.DuckDBPyConnection) -> dict[str, str | None]:
    row = one(
        con,
        """SELECT (SELECT max(coalesce(updated_at, imported_at)) FROM messages),
                  (SELECT count(*) FROM messages),
                  (SELECT max(created_at) FROM enrichments),
                  (SELECT max(created_at) FROM corrections),
                  (SELECT max(updated_at) FROM authors)""",
    )
    names = ("messages", "count", "enrichments", "corrections", "authors")
    return {n: None if v is None else str(v) for n, v in zip(names, row or (), strict=True)}


def _identity(con: duckdb.DuckDBPyConnection, timezone: str) -> str:
    """What the documents depend on beyond the rows: an index built otherwise is rebuilt."""
    owned = sorted(
        f"{r['platform']}:{r['id']}"
        for r in records(con, "SELECT platform, id FROM authors WHERE is_owned")
    )
    parts = [str(LAYOUT), duckdb.__version__, version("tantivy"), timezone, *owned]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def _read_meta(root: Path) -> dict[str, Any] | None:
    try:
        meta: dict[str, Any] = orjson.loads((root / META_NAME).read_bytes())
    except (FileNotFoundError, orjson.JSONDecodeError):
        return None
    return meta


def _write_meta(root: Path, meta: dict[str, Any]) -> None:
    tmp = root / (META_NAME + ".tmp")
    tmp.write_bytes(orjson.dumps(meta, option=orjson.OPT_INDENT_2))
    tmp.replace(root / META_NAME)


_CHANGED = """
WITH changed AS (
    SELECT platform, id FROM messages
    WHERE $messages IS NULL OR coalesce(updated_at, imported_at) > $messages::TIMESTAMPTZ
    UNION SELECT platform, message_id FROM enrichments
    WHERE $enrichments IS NULL OR created_at > $enrichments::TIMESTAMPTZ
    UNION SELECT platform, message_id FROM corrections
    WHERE $corrections IS NULL OR created_at > $corrections::TIMESTAMPTZ
    UNION SELECT m.platform, m.id FROM messages m
    JOIN authors a ON a.platform = m.platform AND a.id = m.author_id
    WHERE $authors IS NULL OR a.updated_at > $authors::TIMESTAMPTZ
)
-- a new reply can answer its parent: the parent's is:unanswered changes
SELECT platform, id, platform || chr(31) || id AS key FROM changed
UNION SELECT m.platform, m.parent_id, m.platform || chr(31) || m.parent_id FROM messages m
JOIN changed c ON c.platform = m.platform AND c.id = m.id
WHERE m.parent_id IS NOT NULL
"""


def _changed(con: duckdb.DuckDBPyConnection, marks: dict[str, str | None]) -> pa.Table:
    params = {k: marks.get(k) for k in ("messages", "enrichments", "corrections", "authors")}
    return con.sql(_CHANGED, params=params).to_arrow_table()


# One JSON document per message, made by DuckDB (vectorised, on every core) and read by tantivy
# as it is. Each member is written only when its value is not null (tantivy refuses nulls);
# ``to_json`` escapes every value.
_ROWS = r"""
WITH owned AS (SELECT platform, id FROM authors WHERE is_owned),
labels AS ({labels})
SELECT m.* REPLACE (coalesce(l.language, m.lang) AS lang), l.sentiment, l.intent, l.toxicity,
       a.handle, a.name AS author_name, a.followers, o.id IS NOT NULL AS owned,
       u.platform IS NOT NULL AS unanswered,
       list_transform(
           list_filter(list_append(coalesce(m.links, []), m.url), lambda x: x IS NOT NULL),
           lambda x: regexp_replace(
               regexp_replace(lower(trim(x)), '[.,;:!?)\]}}''"]+$', ''),
               '^(https?://)?(www\.)?', '')
       ) AS bare
FROM messages m
{only}
LEFT JOIN labels l ON l.platform = m.platform AND l.id = m.id
LEFT JOIN authors a ON a.platform = m.platform AND a.id = m.author_id
LEFT JOIN owned o ON o.platform = m.platform AND o.id = m.author_id
LEFT JOIN _index_unanswered u ON u.platform = m.platform AND u.id = m.id
"""
_HOST = "split_part(split_part(b, '/', 1), ':', 1)"
#: (member, SQL over ``_ROWS``, whether it can be null); ``key`` first.
_MEMBERS: tuple[tuple[str, str, bool], ...] = (
    ("key", "platform || chr(31) || id", False),
    ("row", "hash(platform, id)", False),
    ("text", "coalesce(text, '')", False),
    (
        "exact",
        "regexp_replace(CASE WHEN regexp_matches(text, '{emoji}') "
        "THEN regexp_replace(text, '({emoji})', ' \\1 ', 'g') ELSE coalesce(text, '') END, "
        "'{separators}', ' ', 'g')",
        False,
    ),
    ("text_it", "CASE WHEN lang = 'it' OR lang IS NULL THEN text END", True),
    ("text_en", "CASE WHEN lang = 'en' OR lang IS NULL THEN text END", True),
    *((name, name, True) for name in KEYWORDS),
    (
        "author",
        "list_distinct(list_filter([lower(handle), lower(author_id), lower(author_name)], "
        "lambda x: x IS NOT NULL))",
        False,
    ),
    (
        "tags",
        "list_concat(list_transform(coalesce(hashtags, []), lambda h: '#' || lower(h)), "
        "list_transform(coalesce(mentions, []), lambda h: '@' || lower(h)))",
        False,
    ),
    ("url", "bare", False),
    (
        "site",  # the host and each parent domain
        f"list_distinct(flatten(list_transform(bare, lambda b: list_transform("
        f"range(1, greatest(len(string_split({_HOST}, '.')), 2)), "
        f"lambda i: array_to_string(string_split({_HOST}, '.')[i:], '.')))))",
        False,
    ),
    (
        "is",
        "list_filter([CASE WHEN parent_id IS NOT NULL THEN 'reply' END, "
        "CASE WHEN owned THEN 'owned' END, CASE WHEN unanswered THEN 'unanswered' END], "
        "lambda x: x IS NOT NULL)",
        False,
    ),
    ("permalink", "url", True),
    ("followers", "followers", True),
    ("likes", "likes", True),
    ("day", "((created_at AT TIME ZONE $tz)::DATE - DATE '1970-01-01')::BIGINT", False),
    ("created", "strftime(created_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%fZ')", False),
)


def _documents_sql(only: str) -> str:
    parts = []
    for n, (name, expr, nullable) in enumerate(_MEMBERS):
        member = f"'{',' if n else '{'}\"{name}\":' || to_json({expr})"
        parts.append(
            f"CASE WHEN ({expr}) IS NULL THEN '' ELSE {member} END" if nullable else member
        )
    body = " ||\n       ".join(parts)
    rows = _ROWS.format(
        labels=labels_by_message(("language", "sentiment", "intent", "toxicity")), only=only
    )
    sql = f"SELECT {body} || '}}' AS doc FROM ({rows})"
    return sql.replace("{emoji}", EMOJI).replace("{separators}", SEPARATORS)


def _documents(
    con: duckdb.DuckDBPyConnection, timezone: str, only: pa.Table | None
) -> Iterator[list[str]]:
    """The JSON documents of every message (or those in ``only``), a batch at a time."""
    from ascolto.care.conversations import addressed

    waiting = addressed(con, timezone=timezone).filter(pc.is_null(pc.field("first_response_at")))
    join = ""
    if only is not None:
        con.register("_index_only", only.select(["platform", "id"]))
        join = "JOIN _index_only k ON k.platform = m.platform AND k.id = m.id"
    con.register("_index_unanswered", waiting.select(["platform", "id"]))
    sql = _documents_sql(join)
    try:
        reader = con.sql(sql, params={"tz": timezone}).to_arrow_reader(BATCH)
        for batch in reader:
            yield batch.column(0).to_pylist()
    finally:
        con.unregister("_index_unanswered")
        if only is not None:
            con.unregister("_index_only")


def pretokenize_one(text: str) -> str:
    """A query word as the index's ``exact`` field reads text (the rule of ``EMOJI`` and
    ``SEPARATORS``, in Python: its ``re`` knows no ``\\p{So}``)."""
    out = []
    for char in text:
        category = unicodedata.category(char)
        if category == "So":
            out.append(f" {char} ")
        elif category[0] in "LNM" or char in "_#@":
            out.append(char)
        else:
            out.append(" ")
    return " ".join("".join(out).split())


def bare_url(url: str) -> str:
    """``https://www.Example.com/promo/.`` -> ``example.com/promo/``: how ``url:`` matches
    (the same rule as the documents' ``bare`` in SQL)."""
    text = re.sub(r"[.,;:!?)\]}'\"]+$", "", url.strip().lower())
    return re.sub(r"^(https?://)?(www\.)?", "", text)
