"""X personal archive tweets.js: the real excerpt, and a synthetic archive with account.js."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import orjson
import pytest

from ascolto.errors import BadOption
from ascolto.ingest import ingest
from ascolto.models import Message
from ascolto.sources import x_archive
from ascolto.sources.base import Bad, Options, RawRecord
from ascolto.sources.files import read_head
from ascolto.workspace import Workspace
from tests.conftest import ROOT, data_path, read_messages

SRC = x_archive.SOURCE
EXCERPT = "formats/x_archive/tweets.excerpt.js"
FIXTURES = ROOT / "tests" / "fixtures" / "x_archive"
THREAD_ROOT = "1552312411591417860"


def _messages(path: Path, **options: str) -> list[Message]:
    return read_messages(SRC, path, Options(values=options))


def test_excerpt_kinds_thread_and_ids() -> None:
    path = data_path(EXCERPT)
    msgs = _messages(path)
    assert len(msgs) == 9
    assert Counter(m.kind for m in msgs) == {"reply": 6, "post": 3}
    # Ids are the id_str twarc2 gives the same tweets.
    records = orjson.loads(path.read_bytes().split(b"=", 1)[1])
    assert [m.id for m in msgs] == [r["tweet"]["id_str"] for r in records]
    thread = [m for m in msgs if m.parent_id == THREAD_ROOT]
    assert len(thread) == 3 and all(m.parent_author_id == "5838832" for m in thread)
    first = msgs[0]
    assert first.parent_id == "1582702502297755653" and first.parent_author_id == "10915042"
    assert first.mentions == ["sharon000", "lorenzwalthert", "krlmlr"]
    assert all(m.root_id is None for m in msgs), "the store walks the parents"


def test_owner_inferred_from_self_replies() -> None:
    msgs = _messages(data_path(EXCERPT))
    authors = {(m.author.id, m.author.handle, m.author.is_owned) for m in msgs if m.author}
    assert authors == {("5838832", "smithjd", True)}
    assert msgs[0].url == "https://x.com/smithjd/status/1582825767519809536"


@pytest.mark.parametrize("account", ["smithjd", "@SmithJD", "5838832"])
def test_owner_from_option_resolves_id_and_handle(account: str) -> None:
    msgs = _messages(data_path(EXCERPT), account=account)
    assert {(m.author.id, m.author.handle) for m in msgs if m.author} == {("5838832", "smithjd")}


def test_option_with_a_handle_the_archive_never_names_is_an_error() -> None:
    with pytest.raises(BadOption, match="NUMERIC_ID"):
        list(SRC.read(data_path(EXCERPT), Options(values={"account": "someone_else"})))


def test_account_js_beside_the_file_wins(tmp_path: Path) -> None:
    shutil.copy(data_path(EXCERPT), tmp_path / "tweets.js")
    (tmp_path / "account.js").write_text(
        'window.YTD.account.part0 = [ { "account" : { "accountId" : "5838832", '
        '"username" : "smithjd_now", "accountDisplayName" : "John Smith" } } ]'
    )
    msgs = _messages(tmp_path / "tweets.js", account="someone_else")
    assert {(m.author.id, m.author.handle, m.author.name) for m in msgs if m.author} == {
        ("5838832", "smithjd_now", "John Smith")
    }


def test_metrics_entities_and_utc_time() -> None:
    msgs = {m.id: m for m in _messages(data_path(EXCERPT))}
    photo = msgs["1552679756239441920"]
    assert (photo.likes, photo.shares, photo.replies) == (14, 5, None)
    assert photo.hashtags == ["rstudioconf2022"] and photo.kind == "post"
    reply = msgs["1552318600203190273"]
    assert reply.created_at.isoformat() == "2022-07-27T15:42:49+00:00"
    assert reply.lang == "en" and reply.text is not None and reply.text.startswith("So far")
    link = msgs["1552312824818458627"]
    assert link.links == [
        "https://learningalliances.net/2022/07/musing-about-data-analytics-in-faith-based-organizations/"
    ]
    assert isinstance(link.raw, dict) and link.raw["tweet"]["favorite_count"] == "0"


def test_synthetic_archive_retweet_quote_and_2019_shape() -> None:
    path = FIXTURES / "tweets.js"
    msgs = {m.id: m for m in _messages(path)}
    assert len(msgs) == 6
    owner = {(m.author.id, m.author.handle, m.author.name) for m in msgs.values() if m.author}
    assert owner == {("1234567890", "AcmeCare", "Acme Care")}, "from account.js beside it"
    rt = msgs["1600000000000000005"]
    assert rt.kind == "share" and rt.shared_author_id == "987654321" and rt.shared_id is None
    assert rt.likes is None and rt.shares is None, "a retweet has no counts of its own"
    quote = msgs["1600000000000000006"]
    assert quote.kind == "quote" and quote.quoted_id == "1599999999999999999"
    answer = msgs["1600000000000000004"]
    assert answer.kind == "reply" and answer.parent_author_id == "987654321"
    assert msgs["1600000000000000002"].parent_id == "1600000000000000001"
    old = msgs["1100000000000000000"]
    assert old.kind == "post" and old.likes == 5 and "tweet" not in old.raw
    assert old.created_at.isoformat() == "2019-02-25T12:00:00+00:00"


def test_detects_only_tweet_files(tmp_path: Path) -> None:
    path = data_path(EXCERPT)
    assert SRC.detect(path, read_head(path)) >= 0.9
    old = tmp_path / "tweet.js"
    old.write_text("window.YTD.tweet.part3 = [ ]")
    assert SRC.detect(old, read_head(old)) >= 0.9
    account = FIXTURES / "account.js"
    assert SRC.detect(account, read_head(account)) == 0.0


def test_malformed_archive_is_quarantined(tmp_path: Path) -> None:
    truncated = tmp_path / "tweets.js"
    truncated.write_bytes(data_path(EXCERPT).read_bytes()[:5000])
    items = list(SRC.read(truncated, Options()))
    assert len(items) == 1 and isinstance(items[0], Bad) and items[0].location == "file"

    mixed = tmp_path / "part1" / "tweets-part1.js"
    mixed.parent.mkdir()
    mixed.write_text(
        'window.YTD.tweets.part1 = [ "junk", {"tweet": {"id_str": "1", "full_text": "no time"}},'
        ' {"tweet": {"id_str": "2", "created_at": "Wed Jul 27 15:42:49 +0000 2022",'
        ' "full_text": "hello"}} ]'
    )
    items = list(SRC.read(mixed, Options()))
    bad = [i for i in items if isinstance(i, Bad)]
    assert [b.location for b in bad] == ["file", "window.YTD.tweets.part1[0]"]
    assert "owner unknown" in bad[0].reason
    good = [i for i in items if isinstance(i, RawRecord)]
    assert [g.location for g in good] == [
        "window.YTD.tweets.part1[1]",
        "window.YTD.tweets.part1[2]",
    ]
    with pytest.raises(ValueError, match="created_at"):
        SRC.normalise(good[0])
    m = SRC.normalise(good[1])
    assert m.id == "2" and m.author is None


def test_ingest_owner_replies_and_reimport_is_idempotent(workspace: Workspace) -> None:
    path = data_path(EXCERPT)
    first = ingest(workspace, [path]).summary()
    assert first["new"] == 9 and first["quarantined"] == 0
    with workspace.connect(read_only=True) as con:
        owner_replies = con.execute(
            "SELECT count(*) FROM messages m JOIN authors a ON a.platform = m.platform "
            "AND a.id = m.author_id WHERE a.is_owned AND m.parent_id IS NOT NULL"
        ).fetchone()
        roots = con.execute(
            "SELECT count(*) FROM messages WHERE root_id = ? AND id <> root_id", [THREAD_ROOT]
        ).fetchone()
        edges = con.execute(
            "SELECT count(*) FROM interactions WHERE kind = 'reply' AND dst_author_id = '10915042'"
        ).fetchone()
    assert owner_replies == (6,) and roots == (3,) and edges == (1,)
    second = ingest(workspace, [path], owners=["x:smithjd"]).summary()
    assert second["new"] == 0 and second["updated"] == 0 and second["duplicates"] == 9
