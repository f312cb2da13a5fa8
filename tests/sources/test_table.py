"""Generic CSV / JSONL with column mapping: Italian `;` CSV, nested JSON lines, ascolto's export."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from ascolto import sources
from ascolto.errors import BadOption, RecordError, UnknownFormat
from ascolto.ingest import ingest
from ascolto.models import Message
from ascolto.sources import csv_table, jsonl_table
from ascolto.sources.base import Bad, Options, RawRecord, Source
from ascolto.sources.files import read_head
from ascolto.sources.table import (
    count,
    derived_id,
    header_key,
    parse_time,
    platform_value,
    ref_id,
    time_zone,
)
from ascolto.store.queries import export
from ascolto.workspace import Workspace
from tests.conftest import ROOT, data_path

VENDORS = ROOT / "tests/fixtures/vendors"
TABLE = ROOT / "tests/fixtures/table"
CSV, JSONL = csv_table.SOURCE, jsonl_table.SOURCE
#: What a user types for the Italian spreadsheet: its columns are not all aliases.
IT_MAP = {
    "created_at": "Quando",
    "platform": "Canale",
    "id": "ID messaggio",
    "parent_id": "In risposta a",
}
JSONL_MAP = {
    "id": "post_id",
    "created_at": "ts",
    "author_id": "user.id",
    "author_handle": "user.screen_name",
    "author_followers": "user.followers",
    "likes": "metrics.likes",
    "shares": "metrics.boosts",
    "parent_id": "reply_to",
    "url": "permalink",
}


def _read(source: Source, path: Path, options: Options) -> tuple[list[Message], list[Bad]]:
    messages, bad = [], []
    for item in source.read(path, options):
        if isinstance(item, Bad):
            bad.append(item)
            continue
        try:
            m = source.normalise(item)
        except RecordError as e:
            bad.append(Bad(item.location, str(e)))
            continue
        assert m is not None
        messages.append(m)
    return messages, bad


def _by_id(messages: list[Message]) -> dict[str, Message]:
    return {m.id: m for m in messages}


def test_header_normalisation() -> None:
    assert header_key("\ufeffPost_ID ") == "post id"
    assert header_key("Full-Text") == "full text"
    assert header_key("extra_author_attributes.short_name") == "extra author attributes.short name"
    assert header_key("  Thread   Entry_Type") == "thread entry type"


def test_delimiter_sniffed_despite_separators_inside_quotes() -> None:
    it = read_head(VENDORS / "generic_it.csv")
    assert ";" in it and "," in it
    assert csv_table.sniff_delimiter(it) == ";"
    assert csv_table.sniff_delimiter(read_head(VENDORS / "brandwatch_mentions.csv")) == ","
    assert csv_table.sniff_delimiter("a\tb\tc\n1\t2,5\t3\n4\t5\t6\n") == "\t"


def test_italian_csv_with_mapping() -> None:
    messages, bad = _read(CSV, VENDORS / "generic_it.csv", Options({}, IT_MAP))
    assert not bad and len(messages) == 8
    by_platform = Counter(m.platform for m in messages)
    # Blog and Forum are web pages; Twitter is x.
    assert by_platform == {"x": 3, "facebook": 2, "web": 2, "instagram": 1}
    m = _by_id(messages)
    first = m["it-001"]
    assert first.created_at.isoformat() == "2024-03-05T14:22:00+00:00"  # day first
    assert first.likes == 1250 and first.shares == 88  # "1.250" is thousands
    assert first.text is not None and "; ordini aperti" in first.text
    assert first.hashtags == ["auroraa3"]
    assert first.author is not None and first.author.id == "auroracaffe"  # "@" dropped
    assert m["it-003"].parent_id == "it-002" and m["it-003"].kind == "reply"
    assert m["it-003"].mentions == ["ste_vr"]
    assert m["it-005"].text == "Prima riga del commento.\nSeconda riga: quanto costa la nera?"
    assert m["it-004"].kind == "post" and m["it-004"].parent_id is None
    assert m["it-006"].url == "https://www.caffeacasa.blog/a3-nera/"


def test_locations_are_the_line_a_row_starts_on() -> None:
    items = list(CSV.read(VENDORS / "generic_it.csv", Options({}, IT_MAP)))
    locations = [i.location for i in items if isinstance(i, RawRecord)]
    # it-005 spans lines 6-7 (a quoted newline), so it-006 starts on line 8.
    assert locations == [
        "line 2",
        "line 3",
        "line 4",
        "line 5",
        "line 6",
        "line 8",
        "line 9",
        "line 10",
    ]


def test_timezone_option_shifts_naive_times() -> None:
    options = Options({"timezone": "Europe/Rome"}, IT_MAP)
    messages, _ = _read(CSV, VENDORS / "generic_it.csv", options)
    assert _by_id(messages)["it-001"].created_at.isoformat() == "2024-03-05T13:22:00+00:00"
    with pytest.raises(BadOption, match="timezone"):
        time_zone("Europe/Atlantide")


def test_mapping_errors_name_the_file_and_what_to_pass(tmp_path: Path) -> None:
    path = VENDORS / "generic_it.csv"
    with pytest.raises(
        BadOption, match=r"generic_it\.csv: no created_at column.*--map created_at="
    ):
        list(CSV.read(path, Options()))
    no_platform = {k: v for k, v in IT_MAP.items() if k != "platform"}
    with pytest.raises(
        BadOption,
        match=r"generic_it\.csv: no platform column; pass --option "
        r"platform=NAME",
    ):
        list(CSV.read(path, Options({}, no_platform)))
    with pytest.raises(BadOption, match="unknown field 'testo'"):
        list(CSV.read(path, Options({}, {**IT_MAP, "testo": "Testo"})))
    with pytest.raises(BadOption, match=r"--map likes=Piace: no such column \(columns: ID"):
        list(CSV.read(path, Options({}, {**IT_MAP, "likes": "Piace"})))
    with pytest.raises(BadOption, match="--option platform=myspace"):
        list(CSV.read(path, Options({"platform": "myspace"}, no_platform)))
    # The platform option stands in for a missing column.
    messages, _ = _read(CSV, path, Options({"platform": "twitter"}, no_platform))
    assert {m.platform for m in messages} == {"x"}


def test_bad_values_are_quarantined_with_line_numbers(tmp_path: Path, workspace: Workspace) -> None:
    text = (VENDORS / "generic_it.csv").read_text(encoding="utf-8")
    text = text.replace(";1.250;88;", ";abc;88;").replace("05/03/2024 15:02", "ieri")
    text = text.replace(";Instagram;", ";MySpace;")
    text += "it-009;06/03/2024 12:00;Twitter;x;y;;1;2;;extra\r\n"
    path = tmp_path / "broken.csv"
    path.write_text(text, encoding="utf-8")
    result = ingest(workspace, [path], fmt="csv", options=Options({}, IT_MAP)).summary()
    assert result["new"] == 5 and result["quarantined"] == 4
    with workspace.connect(read_only=True) as con:
        rows = con.execute("SELECT location, reason FROM quarantine ORDER BY location").fetchall()
    assert rows == [
        (
            "line 10",
            "platform: unknown 'MySpace' (one of x, facebook, instagram, youtube, "
            "reddit, mastodon, bluesky, wordpress, disqus, web, telegram; news, blog, "
            "forum and review pages are web)",
        ),
        ("line 11", "10 cells but the header has 9"),
        ("line 2", "likes: not a number 'abc'"),
        ("line 4", "created_at: unreadable timestamp 'ieri'"),
    ]


def test_jsonl_with_dotted_mapping() -> None:
    path = VENDORS / "mentions.jsonl"
    messages, bad = _read(JSONL, path, Options({}, JSONL_MAP))
    assert len(messages) == 4
    assert [(b.location, b.reason) for b in bad] == [("line 5", "likes: not a number 'abc'")]
    m = _by_id(messages)
    reply = m["110002"]
    assert reply.platform == "mastodon" and reply.parent_id == "110001" and reply.kind == "reply"
    assert reply.author is not None and reply.author.id == "100001"
    assert reply.author.handle == "aurora@mastodon.uno" and reply.author.followers == 2100
    assert m["110001"].mentions == ["aurora@mastodon.uno"] and m["110001"].likes == 4
    assert m["110001"].created_at.isoformat() == "2024-03-08T08:00:00+00:00"  # epoch seconds
    assert m["110003"].created_at.isoformat() == "2024-03-08T09:15:00+00:00"  # +01:00
    assert m["110004"].created_at.isoformat() == "2024-03-08T10:30:00+00:00"  # epoch ms
    assert m["110004"].platform == "telegram" and m["110004"].likes is None
    assert m["110001"].raw.startswith('{"post_id": "110001"'), "raw keeps the line"


def test_jsonl_nested_object_needs_a_dotted_map() -> None:
    path = VENDORS / "mentions.jsonl"
    options = Options({}, {"id": "post_id", "created_at": "ts"})
    _, bad = _read(JSONL, path, options)
    assert len(bad) == 5
    assert bad[0].reason.startswith(
        "author_handle: an object, not a value; map a key inside "
        "it with --map author_handle=KEY.SUBKEY"
    )


def test_generic_tables_are_not_claimed_without_format() -> None:
    for path in (VENDORS / "generic_it.csv", VENDORS / "mentions.jsonl"):
        with pytest.raises(UnknownFormat):
            sources.detect(path)
    twcs = data_path("twcs_customer_support_twitter/twcs_part.csv")
    assert CSV.detect(twcs, read_head(twcs)) == 0.3
    flat = data_path("formats/twitter_v2_twarc2/flat.jsonl")
    assert JSONL.detect(flat, read_head(flat)) == 0.3


def test_ascolto_export_round_trips(tmp_path: Path) -> None:
    """Vendor files -> store -> `ascolto export` CSV/JSONL -> a new store: the same messages."""
    columns = (
        "platform, id, created_at, kind, author_id, text, url, parent_id, root_id, "
        "shared_id, likes, shares, replies, mentions, hashtags"
    )
    first = Workspace.create(tmp_path / "a")
    ingest(
        first,
        [VENDORS / "brandwatch_mentions.csv", VENDORS / "sprout_inbox.csv"],
        owners=["x:auroracaffe"],
    )
    with first.connect(read_only=True) as con:
        expected = con.execute(f"SELECT {columns} FROM messages ORDER BY 1, 2").fetchall()
        owned = con.execute(
            "SELECT platform, id FROM authors WHERE is_owned ORDER BY 1, 2"
        ).fetchall()
        export(con, tmp_path / "out.csv")
        export(con, tmp_path / "out.jsonl")
    assert len(expected) == 32
    for name, source in (("out.csv", CSV), ("out.jsonl", JSONL)):
        assert sources.detect(tmp_path / name) is source
        again = Workspace.create(tmp_path / f"from-{name}")
        result = ingest(again, [tmp_path / name]).summary()
        assert result["new"] == 32 and result["quarantined"] == 0
        with again.connect(read_only=True) as con:
            assert (
                con.execute(f"SELECT {columns} FROM messages ORDER BY 1, 2").fetchall() == expected
            )
            assert (
                con.execute(
                    "SELECT platform, id FROM authors WHERE is_owned ORDER BY 1, 2"
                ).fetchall()
                == owned
            )


def test_reimport_is_idempotent(workspace: Workspace) -> None:
    path = VENDORS / "generic_it.csv"
    options = Options({}, IT_MAP)
    first = ingest(workspace, [path], fmt="csv", options=options).summary()
    assert first["new"] == 8
    second = ingest(workspace, [path], fmt="csv", options=options).summary()
    assert second["new"] == 0 and second["updated"] == 0 and second["duplicates"] == 8


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("11/03/2024 09:05", "2024-03-11T09:05:00+00:00"),
        ("3/11/2024 9:05 pm", "2024-03-11T21:05:00+00:00"),
        ("12/1/2024 12:05 AM", "2024-12-01T00:05:00+00:00"),
        ("05/03/24", "2024-03-05T00:00:00+00:00"),
        ("2024-03-04 09:15:02.0", "2024-03-04T09:15:02+00:00"),
        ("2024-03-04 09:15:02+00", "2024-03-04T09:15:02+00:00"),
        ("1709543702000", "2024-03-04T09:15:02+00:00"),
        ("Mon Mar 04 09:15:02 +0000 2024", "2024-03-04T09:15:02+00:00"),
    ],
)
def test_parse_time(value: str, expected: str) -> None:
    assert parse_time(value).isoformat() == expected


def test_parse_time_errors_and_format() -> None:
    with pytest.raises(RecordError, match=r"read as day/month/year.*date_format"):
        parse_time("03/13/2024 10:00")
    assert (
        parse_time("03/13/2024 10:00", "%m/%d/%Y %H:%M").isoformat() == "2024-03-13T10:00:00+00:00"
    )
    with pytest.raises(RecordError, match="does not match date_format"):
        parse_time("13.03.2024", "%m/%d/%Y")


def test_counts() -> None:
    assert [count("1.234"), count("1,234"), count("12.0"), count("-3"), count(""), count(7)] == [
        1234,
        1234,
        12,
        -3,
        None,
        7,
    ]
    for bad in ("abc", "3,5"):
        with pytest.raises(RecordError, match="not a number"):
            count(bad)


def test_platform_values() -> None:
    assert [
        platform_value(v)
        for v in (
            "Twitter",
            "X (Twitter)",
            "ONLINE_NEWS",
            "blog",
            "Forum",
            "Instagram Business",
            "fb",
        )
    ] == ["x", "x", "web", "web", "web", "instagram", "facebook"]
    with pytest.raises(RecordError, match="unknown 'TikTok'"):
        platform_value("TikTok")


def test_ids_from_urls_match_the_api_importers() -> None:
    assert (
        ref_id("https://x.com/acme/status/1765000000000000001?s=20", "x") == "1765000000000000001"
    )
    assert (
        ref_id("https://www.reddit.com/r/italy/comments/1b6xyz1/title/", "reddit") == "t3_1b6xyz1"
    )
    assert (
        ref_id("https://www.reddit.com/r/italy/comments/1b6xyz1/title/kt0abc1/", "reddit")
        == "t1_kt0abc1"
    )
    fb = "https://www.facebook.com/104567890123456/posts/789012345678901"
    assert ref_id(fb, "facebook") == "104567890123456_789012345678901"
    assert ref_id(fb + "?comment_id=11&reply_comment_id=12", "facebook") == "789012345678901_12"
    assert ref_id("https://www.youtube.com/watch?v=Au7rA3vIdEo&lc=Ugx1", "youtube") == "Ugx1"
    assert ref_id("https://youtu.be/Au7rA3vIdEo", "youtube") == "Au7rA3vIdEo"
    assert ref_id("https://blog.example/post/1", "web") == "https://blog.example/post/1"
    assert ref_id("12345", "x") == "12345"


def test_derived_id_is_stable_hash_without_url() -> None:
    when = parse_time("2024-03-05 10:00")
    a = derived_id(None, "web", None, when, "ciao")
    assert a == derived_id(None, "web", None, when, "ciao") and a.startswith("hash:")
    assert len(a) == len("hash:") + 24
    assert a != derived_id(None, "web", None, when, "ciao!")
    assert derived_id("https://x.com/a/status/9", "x", None, when, "ciao") == "9"


def test_export_fixture_detected_and_read() -> None:
    messages, bad = _read(CSV, TABLE / "ascolto_export.csv", Options())
    assert not bad and len(messages) == 32
    reply = _by_id(messages)["1765000000000000003"]
    assert reply.parent_id == "1765000000000000002" and reply.kind == "reply"
    assert reply.author is not None and reply.author.is_owned is True
    jsonl, _ = _read(JSONL, TABLE / "ascolto_export.jsonl", Options())
    assert [(m.id, m.created_at, m.likes, m.hashtags) for m in jsonl] == [
        (m.id, m.created_at, m.likes, m.hashtags) for m in messages
    ]
