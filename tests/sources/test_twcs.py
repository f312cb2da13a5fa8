"""Customer Support on Twitter CSV on the real head-of-file slice and the Kaggle sample."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from ascolto.errors import RecordError
from ascolto.ingest import ingest
from ascolto.models import Message
from ascolto.sources import twcs
from ascolto.sources.base import Bad, Options, RawRecord
from ascolto.sources.files import read_head
from ascolto.workspace import Workspace
from tests.conftest import data_path

SRC = twcs.SOURCE
PART = "twcs_customer_support_twitter/twcs_part.csv"
SAMPLE = "twcs_customer_support_twitter/kaggle_sample.csv"


def _read(path: Path) -> list[RawRecord | Bad]:
    return list(SRC.read(path, Options()))


def _messages(path: Path) -> list[Message]:
    out = []
    for r in _read(path):
        assert not isinstance(r, Bad), r
        m = SRC.normalise(r)
        assert m is not None
        out.append(m)
    return out


def _csv_rows(path: Path) -> list[dict[str, str]]:
    """An independent reading with the csv module: the rows that have an ``inbound`` value."""
    with path.open(newline="", encoding="utf-8") as f:
        return [r for r in csv.DictReader(f) if r["inbound"] in ("True", "False")]


@pytest.mark.parametrize(("name", "count", "replies"), [(PART, 3592, 2614), (SAMPLE, 93, 68)])
def test_message_counts(name: str, count: int, replies: int) -> None:
    path = data_path(name)
    msgs = _messages(path)
    assert len(msgs) == count == len(_csv_rows(path))
    assert len({m.id for m in msgs}) == count
    kinds = Counter(m.kind for m in msgs)
    assert kinds == {"reply": replies, "post": count - replies}
    assert all((m.kind == "reply") == (m.parent_id is not None) for m in msgs)


def test_owned_authors_and_their_replies_match_an_independent_count() -> None:
    path = data_path(PART)
    rows = _csv_rows(path)
    brands = {r["author_id"] for r in rows if r["inbound"] == "False"}
    brand_replies = sum(1 for r in rows if r["inbound"] == "False" and r["in_response_to_tweet_id"])
    # A quarter of the 5000-row head's conversations were kept aside: 70 of its 76 brands remain.
    assert len(brands) == 70 and brand_replies == 1609
    msgs = _messages(path)
    owned = {m.author.id for m in msgs if m.author and m.author.is_owned}
    assert owned == brands
    assert sum(1 for m in msgs if m.author and m.author.is_owned and m.parent_id) == brand_replies
    customer = next(m for m in msgs if m.id == "2")
    assert customer.author is not None and customer.author.is_owned is False
    assert customer.author.id == customer.author.handle == "115712"


def test_first_row_fields_and_utc_time() -> None:
    msgs = _messages(data_path(PART))
    first = msgs[0]
    assert first.id == "1" and first.parent_id == "3" and first.kind == "reply"
    assert first.author is not None and first.author.id == "sprintcare"
    assert first.author.handle == "sprintcare" and first.author.is_owned is True
    assert first.created_at.isoformat() == "2017-10-31T22:10:47+00:00"
    assert first.mentions == ["115712"]
    assert first.url is None, "tweet ids are the dataset's renumbering, not real ones"
    assert first.raw["response_tweet_id"] == "2" and first.raw["in_response_to_tweet_id"] == "3.0"
    # The Kaggle sample writes parents as plain ints and has no index column.
    sample = {m.id: m for m in _messages(data_path(SAMPLE))}
    assert sample["119238"].parent_id == "119239" and "" not in sample["119238"].raw


def test_row_split_by_a_carriage_return_is_joined_back() -> None:
    records = {r.data["tweet_id"]: r for r in _read(data_path(PART)) if isinstance(r, RawRecord)}
    assert all(r.data[""].isdigit() for r in records.values()), "no junk row from the tail"
    split = records["3399"]
    assert split.location == "lines 1948-1949"
    m = SRC.normalise(split)
    assert m.text == "@AskPayPal \nI just love the start of email 😁 https://t.co/8u1Pf5rJoN"
    assert m.kind == "post" and m.author is not None and m.author.id == "116510"
    assert m.links == ["https://t.co/8u1Pf5rJoN"] and split.data["response_tweet_id"] == "3398"
    assert SRC.normalise(records["3398"]).parent_id == "3399"


HEADER = "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id"


def test_bare_carriage_return_in_the_original_layout(tmp_path: Path) -> None:
    # The full Kaggle twcs.csv (no index column) with the CR left unquoted inside the text.
    path = tmp_path / "twcs.csv"
    path.write_bytes(
        (
            f"{HEADER}\n"
            "3398,AskPayPal,False,Tue Oct 31 22:41:28 +0000 2017,@116510 Sorry,,3399\n"
            "3399,116510,True,Tue Oct 31 18:13:06 +0000 2017,@AskPayPal \rI just love it,3398,\n"
            "3400,AskPlayStation,False,Tue Oct 31 22:59:35 +0000 2017,Hola,,3399\n"
        ).encode()
    )
    items = _read(path)
    assert not [i for i in items if isinstance(i, Bad)]
    msgs = [SRC.normalise(i) for i in items if isinstance(i, RawRecord)]
    assert [m.id for m in msgs] == ["3398", "3399", "3400"]
    assert msgs[1].text == "@AskPayPal \nI just love it" and msgs[1].parent_id is None
    assert msgs[1].raw["response_tweet_id"] == "3398"


def test_malformed_rows_are_quarantined(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    path.write_text(
        f"{HEADER}\n"
        "1,sprintcare,False,Tue Oct 31 22:10:47 +0000 2017,@115712 hi,,2.0\n"
        "2,115712,True,Tue Oct 31 22:11:45 +0000 2017,@sprintcare ok,,\n"
        "an orphan line, with text that is not ids,,\n"
        "x3,115712,True,Tue Oct 31 22:12:45 +0000 2017,bad id,,\n"
        "4,115712,maybe,Tue Oct 31 22:12:45 +0000 2017,bad inbound,,\n"
        "5,115712,True,yesterday,bad time,,\n"
        "6,115712,True,Tue Oct 31 22:13:45 +0000 2017,too,many,,,\n",
        encoding="utf-8",
    )
    items = _read(path)
    bad = [i for i in items if isinstance(i, Bad)]
    # The orphan line cannot be the tail of row 2 (its columns are not ids): both go.
    assert [b.location for b in bad] == ["line 3", "line 4", "line 8"]
    good = [i for i in items if isinstance(i, RawRecord)]
    assert [r.data["tweet_id"] for r in good] == ["1", "x3", "4", "5"]
    assert SRC.normalise(good[0]).id == "1"
    for r in good[1:]:
        with pytest.raises(RecordError):
            SRC.normalise(r)


def test_detects_by_exact_header(tmp_path: Path) -> None:
    path = data_path(PART)
    assert SRC.detect(path, read_head(path)) >= 0.9
    other = tmp_path / "other.csv"
    other.write_text("tweet_id,author_id,inbound,created_at,text\n1,a,True,x,y\n")
    assert SRC.detect(other, read_head(other)) == 0.0


def test_ingest_owner_replies_answer_customers_and_reimport_is_idempotent(
    workspace: Workspace,
) -> None:
    path = data_path(PART)
    first = ingest(workspace, [path]).summary()
    assert first["new"] == 3592 and first["quarantined"] == 0
    with workspace.connect(read_only=True) as con:
        row = con.execute(
            """
            SELECT count(*), count(*) FILTER (WHERE NOT pa.is_owned)
            FROM messages m
            JOIN authors a ON a.platform = m.platform AND a.id = m.author_id
            JOIN messages p ON p.platform = m.platform AND p.id = m.parent_id
            JOIN authors pa ON pa.platform = p.platform AND pa.id = p.author_id
            WHERE a.is_owned
            """
        ).fetchone()
        owned = con.execute("SELECT count(*) FROM authors WHERE is_owned").fetchone()
        root = con.execute("SELECT root_id FROM messages WHERE id = '1'").fetchone()
    # 1609 brand replies: 3 have their parent outside the slice, 7 follow up a brand tweet.
    assert row == (1606, 1599)
    assert owned == (70,)
    assert root == ("8",), "the store walks 1 -> 3 -> 4 -> 5 -> 6 -> 8"
    second = ingest(workspace, [path], owners=["x:sprintcare"]).summary()
    assert second["new"] == 0 and second["updated"] == 0 and second["duplicates"] == 3592


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("Tue Oct 31 22:10:47 +0000 2017", "2017-10-31T22:10:47+00:00"),
        ("Tue Oct 31 22:10:47 +0130 2017", "2017-10-31T20:40:47+00:00"),
        ("Tue Oct 31 22:10:47 -0500 2017", "2017-11-01T03:10:47+00:00"),
        ("Tue Feb 29 22:10:47 +0000 2016", "2016-02-29T22:10:47+00:00"),
    ],
)
def test_twitter_times_with_offsets_become_utc(text: str, utc: str) -> None:
    raw = RawRecord(
        {
            "tweet_id": "1",
            "author_id": "a",
            "inbound": "True",
            "created_at": text,
            "text": "",
            "in_response_to_tweet_id": "",
        },
        "line 2",
    )
    assert SRC.normalise(raw).created_at.isoformat() == utc
    with pytest.raises(RecordError):
        SRC.normalise(
            RawRecord({**raw.data, "created_at": "Tue Feb 30 22:10:47 +0000 2017"}, "line 2")
        )
