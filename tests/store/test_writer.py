"""Idempotent upserts, derived roots and interactions, on the store itself."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import pytest

from ascolto.errors import BadOption
from ascolto.models import Author, Message
from ascolto.store.derive import fill_roots, mark_owned, parse_owner, rebuild_interactions
from ascolto.store.schema import MIGRATIONS, SCHEMA_VERSION, current_version, migrate
from ascolto.store.writer import (
    authors_table,
    merge_authors,
    messages_table,
    raw_json,
    write_authors,
    write_messages,
)

T0 = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    c = duckdb.connect()
    migrate(c)
    return c


def _msg(id: str, **kw: object) -> Message:
    author = kw.pop("author", Author("x", "u1", handle="Brand"))
    raw = kw.pop("raw", {"id": id})
    return Message(
        platform="x", id=id, created_at=T0, text=f"text {id}", author=author, raw=raw, **kw
    )  # type: ignore[arg-type]


def _write(con: duckdb.DuckDBPyConnection, msgs: list[Message]):
    authors = merge_authors(m.author for m in msgs if m.author)
    counts = write_messages(con, messages_table(msgs), 1)
    write_authors(con, [authors_table(authors)])
    return counts


def test_migrate_is_idempotent(con: duckdb.DuckDBPyConnection) -> None:
    assert current_version(con) == SCHEMA_VERSION
    assert migrate(con) == []


def test_raw_migration_keeps_records_and_compression() -> None:
    """A store made before ``raw`` became VARCHAR keeps its records, still zstd-compressed."""
    c = duckdb.connect()
    c.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description VARCHAR, "
        "applied_at TIMESTAMPTZ DEFAULT now())"
    )
    c.execute("BEGIN")
    c.execute(MIGRATIONS[0][2])
    c.execute("INSERT INTO schema_migrations (version) VALUES (1)")
    c.execute("COMMIT")
    c.execute(
        "INSERT INTO messages (platform, id, created_at, kind, raw) "
        """VALUES ('x', '1', now(), 'post', '{"id": "1", "text": "ciao"}')"""
    )
    assert migrate(c) == [v for v, _, _ in MIGRATIONS[1:]]
    ddl = c.execute("SELECT sql FROM duckdb_tables() WHERE table_name = 'messages'").fetchone()
    assert ddl is not None and "raw VARCHAR USING COMPRESSION ZSTD" in ddl[0]
    assert c.execute("SELECT raw->>'$.text' FROM messages").fetchall() == [("ciao",)]


def test_reimport_updates_metrics_and_fills_missing(con: duckdb.DuckDBPyConnection) -> None:
    first = _write(con, [_msg("1", likes=3), _msg("2")])
    assert (first.new, first.updated, first.duplicates) == (2, 0, 0)
    again = _write(con, [_msg("1", likes=3), _msg("2")])
    assert (again.new, again.updated, again.duplicates) == (0, 0, 2)
    changed = _write(con, [_msg("1", likes=9, lang="it"), _msg("2", likes=None)])
    assert (changed.new, changed.updated, changed.duplicates) == (0, 1, 1)
    assert con.execute("SELECT likes, lang FROM messages WHERE id = '1'").fetchall()[0] == (9, "it")
    # A later import without the count keeps the known one (unknown is not zero).
    _write(con, [_msg("1", likes=None, lang="en")])
    assert con.execute("SELECT likes, lang FROM messages WHERE id = '1'").fetchall()[0] == (9, "it")
    assert con.execute("SELECT count(*) FROM messages").fetchall()[0] == (2,)


def test_batch_mixing_new_stored_and_changed_messages(con: duckdb.DuckDBPyConnection) -> None:
    _write(con, [_msg("1", likes=1), _msg("2", likes=1)])
    mixed = _write(con, [_msg("1", likes=1), _msg("2", likes=5), _msg("3")])
    assert (mixed.new, mixed.updated, mixed.duplicates) == (1, 1, 1)
    rows = con.execute("SELECT id, likes FROM messages ORDER BY id").fetchall()
    assert rows == [("1", 1), ("2", 5), ("3", None)]


def test_raw_kept_as_read_whether_text_or_bytes(con: duckdb.DuckDBPyConnection) -> None:
    original = b'{"id": "1", "text": "caff\xc3\xa8"}'  # spacing and UTF-8 as in the file
    msgs = [_msg("1", raw=original), _msg("2", raw='{"id": "2"}'), _msg("3", raw={"id": 3})]
    _write(con, msgs)
    rows = con.execute("SELECT raw FROM messages ORDER BY id").fetchall()
    assert [r[0] for r in rows] == [original.decode(), '{"id": "2"}', '{"id":3}']


def test_counters_keep_the_highest_value_whatever_the_order(
    con: duckdb.DuckDBPyConnection,
) -> None:
    _write(con, [_msg("1", likes=9, shares=2, score=5)])
    _write(con, [_msg("1", likes=4, shares=3, score=-1)])  # an older capture arrives later
    row = con.execute("SELECT likes, shares, score FROM messages").fetchall()
    assert row == [(9, 3, -1)]  # counters only grow; a Reddit score can fall


def test_author_profile_newest_wins_and_ownership_sticks(con: duckdb.DuckDBPyConnection) -> None:
    _write(con, [_msg("1", author=Author("x", "u1", handle="brand", followers=10, is_owned=True))])
    _write(con, [_msg("2", author=Author("x", "u1", followers=25))])
    assert con.execute("SELECT handle, followers, is_owned FROM authors").fetchall()[0] == (
        "brand",
        25,
        True,
    )


def test_roots_heal_when_missing_parent_arrives(con: duckdb.DuckDBPyConnection) -> None:
    _write(con, [_msg("c3", parent_id="c2"), _msg("c2", parent_id="c1")])
    fill_roots(con)
    rows = dict(con.execute("SELECT id, root_id FROM messages").fetchall())
    assert rows == {"c3": "c1", "c2": "c1"}  # provisional: c1 not collected yet
    _write(con, [_msg("c1", parent_id="p0"), _msg("p0")])
    fill_roots(con)
    rows = dict(con.execute("SELECT id, root_id FROM messages").fetchall())
    assert rows == {"c3": "p0", "c2": "p0", "c1": "p0", "p0": "p0"}
    assert con.execute("SELECT count(*) FROM messages WHERE root_inferred").fetchall()[0] == (0,)


def test_source_root_is_kept_and_replaces_inferred(con: duckdb.DuckDBPyConnection) -> None:
    _write(con, [_msg("r2", parent_id="r1")])
    fill_roots(con)
    _write(con, [_msg("r2", parent_id="r1", root_id="conv9")])
    fill_roots(con)
    assert con.execute("SELECT root_id, root_inferred FROM messages").fetchall()[0] == (
        "conv9",
        False,
    )


def test_parent_arriving_later_moves_the_thread(con: duckdb.DuckDBPyConnection) -> None:
    _write(con, [_msg("c1")])  # first seen alone: a thread top
    fill_roots(con)
    assert con.execute("SELECT root_id FROM messages").fetchall() == [("c1",)]
    _write(con, [_msg("c1", parent_id="m1", root_id="m1")])
    _write(con, [_msg("c2")])
    _write(con, [_msg("c2", parent_id="c1")])
    fill_roots(con)
    rows = dict(con.execute("SELECT id, root_id FROM messages").fetchall())
    assert rows == {"c1": "m1", "c2": "m1"}


def test_interactions_reply_mention_share_quote(con: duckdb.DuckDBPyConnection) -> None:
    a, b, c = (Author("x", n, handle=f"h{n}") for n in ("a", "b", "c"))
    _write(
        con,
        [
            _msg("1", author=a),
            _msg("2", author=b, parent_id="1", mentions=["ha", "nobody"]),
            _msg("3", author=c, shared_id="1"),
            _msg("4", author=c, quoted_id="99", quoted_author_id="b"),
            _msg("5", author=c, shared_author_id="a"),  # archive retweet: no shared id
        ],
    )
    rebuild_interactions(con)
    edges = sorted(
        con.execute(
            "SELECT kind, src_author_id, dst_author_id, dst_handle FROM interactions"
        ).fetchall(),
        key=str,
    )
    assert edges == sorted(
        [
            ("reply", "b", "a", None),
            ("mention", "b", "a", "ha"),
            ("mention", "b", None, "nobody"),
            ("share", "c", "a", None),
            ("quote", "c", "b", None),
            ("share", "c", "a", None),
        ],
        key=str,
    )


def test_mark_owned_by_handle_or_id(con: duckdb.DuckDBPyConnection) -> None:
    _write(
        con,
        [
            _msg("1", author=Author("x", "123", handle="Acme")),
            _msg("2", author=Author("x", "456", handle="other")),
        ],
    )
    assert mark_owned(con, ["twitter:@acme"]) == 1
    assert mark_owned(con, ["x:456"]) == 1
    assert con.execute("SELECT count(*) FROM authors WHERE is_owned").fetchall()[0] == (2,)


def test_raw_json_keeps_json_text_and_encodes_other_strings() -> None:
    assert raw_json('{"a": 1}') == '{"a": 1}'
    assert raw_json("<wp:comment/>") == '"<wp:comment/>"'
    assert raw_json({"b": [1, 2]}) == '{"b":[1,2]}'
    assert raw_json(b'{"c": 3}') == b'{"c": 3}'


@pytest.mark.parametrize("spec", ["acme", "myspace:acme", "x:", ":acme"])
def test_parse_owner_rejects_bad_specs(spec: str) -> None:
    with pytest.raises(BadOption, match="PLATFORM:HANDLE_OR_ID"):
        parse_owner(spec)
