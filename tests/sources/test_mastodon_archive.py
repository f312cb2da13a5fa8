"""Mastodon account export on the real outbox excerpt and actor of dealingwith@indieweb.social."""

from __future__ import annotations

import shutil
import tarfile
import zipfile
from pathlib import Path

import orjson

from ascolto import sources
from ascolto.ingest import ingest
from ascolto.sources import mastodon_archive
from ascolto.sources.base import Bad, Options, RawRecord
from ascolto.workspace import Workspace
from tests.conftest import data_path

SRC = mastodon_archive.SOURCE
OUTBOX = "formats/mastodon/archive_outbox.excerpt.json"
OWNER = "dealingwith@indieweb.social"
STATUSES = "https://indieweb.social/users/dealingwith/statuses/"


def _items(path: Path) -> list:
    return list(SRC.read(path, Options()))


def _messages(path: Path) -> list:
    return [SRC.normalise(r) for r in _items(path) if isinstance(r, RawRecord)]


def _copy(tmp_path: Path, text: str, with_actor: bool = True) -> Path:
    folder = tmp_path / "archive"
    folder.mkdir(exist_ok=True)
    if with_actor:
        shutil.copy(data_path("formats/mastodon/archive_actor.json"), folder / "actor.json")
    path = folder / "outbox.json"
    path.write_text(text)
    return path


def test_reads_every_item_counted_independently() -> None:
    path = data_path(OUTBOX)
    text = path.read_text()
    expected = text.count('"type": "Create"') + text.count('"type": "Announce"')
    assert expected == 9
    msgs = _messages(path)
    assert len(msgs) == expected and all(m is not None for m in msgs)
    assert [m.kind for m in msgs].count("share") == 1
    assert [m.kind for m in msgs].count("reply") == 2


def test_duplicated_ordered_items_key_keeps_both_arrays(tmp_path: Path) -> None:
    # The real export writes "orderedItems":[],"orderedItems":[...]; the excerpt lost the quirk,
    # so it is put back, and the items are split over the two arrays: parsers keep one of them.
    doc = orjson.loads(data_path(OUTBOX).read_bytes())
    items = doc.pop("orderedItems")
    head = orjson.dumps(doc).decode()[:-1]
    first = orjson.dumps(items[:4]).decode()
    second = orjson.dumps(items[4:]).decode()
    text = f'{head},"orderedItems":{first},"orderedItems":{second}}}'
    assert len(orjson.loads(text)["orderedItems"]) == 5, "a JSON parser keeps the last key only"
    path = _copy(tmp_path, text)
    records = [r for r in _items(path) if isinstance(r, RawRecord)]
    assert len(records) == 9
    assert records[4].location == "orderedItems#2[0]"
    empty_first = _copy(
        tmp_path, f'{head},"orderedItems":[],"orderedItems":{first[:-1]},{second[1:]}}}'
    )
    assert len(_messages(empty_first)) == 9


def test_threads_authors_and_shares() -> None:
    msgs = {m.id: m for m in _messages(data_path(OUTBOX))}
    first = msgs[f"{STATUSES}109305976208011760"]
    assert first.created_at.isoformat() == "2022-11-08T03:07:14+00:00"
    assert first.kind == "post" and first.lang == "en"
    assert first.links == ["https://daniel.industries/2022/11/07/less-twitter-more-indieweb/"]
    author = first.author
    assert author is not None and (author.id, author.handle) == (OWNER, OWNER)
    assert author.url == "https://indieweb.social/@dealingwith" and author.name == "dealingwith"
    assert author.description == "ennui. far too much more info at link below"
    to_mcg = msgs[f"{STATUSES}109309145334822499"]
    assert to_mcg.parent_id == "https://social.lol/users/mcg/statuses/109308078398027392"
    assert to_mcg.parent_author_id == "mcg@social.lol" and to_mcg.mentions == ["mcg@social.lol"]
    child = msgs[f"{STATUSES}109563285831788379"]
    assert child.parent_id == f"{STATUSES}109563279367759295" and child.parent_author_id == OWNER
    cat = msgs[f"{STATUSES}109333840388857217"]
    assert cat.hashtags == ["caterday"] and cat.text and cat.text.startswith('"#caterday')
    two = msgs[f"{STATUSES}109337325277936164"]
    assert two.mentions == ["obsolete29@indieweb.social", "ftrain@tilde.zone"]
    boost = msgs[f"{STATUSES}109449999597967268/activity"]
    assert boost.kind == "share" and boost.text is None
    assert boost.shared_id == "https://mastodon.social/users/s0mmer/statuses/109440048909776763"
    assert boost.shared_author_id == "s0mmer@mastodon.social"
    assert all(m.likes is None for m in msgs.values()), "the outbox has no counts"


def test_without_actor_json_the_author_id_is_the_same(tmp_path: Path) -> None:
    path = _copy(tmp_path, data_path(OUTBOX).read_text(), with_actor=False)
    msgs = _messages(path)
    assert {m.author.id for m in msgs} == {OWNER}
    assert msgs[0].author.url == "https://indieweb.social/users/dealingwith"


def test_truncated_outbox_keeps_the_items_before_the_cut(tmp_path: Path) -> None:
    text = data_path(OUTBOX).read_text()
    cut = text.index('"type": "Announce"')
    path = _copy(tmp_path, text[:cut])
    items = _items(path)
    assert sum(isinstance(i, RawRecord) for i in items) == 6
    bad = items[-1]
    assert isinstance(bad, Bad) and bad.location.startswith("char ")
    assert "invalid JSON" in bad.reason


def test_zip_and_tar_exports_as_downloaded(tmp_path: Path) -> None:
    outbox = data_path(OUTBOX).read_bytes()
    actor = data_path("formats/mastodon/archive_actor.json").read_bytes()
    zipped = tmp_path / "archive-20221223.zip"
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("outbox.json", outbox)
        z.writestr("media_attachments/files/1.jpg", b"\xff\xd8")
        z.writestr("actor.json", actor)
    unpacked = tmp_path / "outbox.json"
    unpacked.write_bytes(outbox)
    (tmp_path / "actor.json").write_bytes(actor)
    tarred = tmp_path / "archive-20221223.tar.gz"
    with tarfile.open(tarred, "w:gz") as t:
        t.add(unpacked, "outbox.json")
        t.add(tmp_path / "actor.json", "actor.json")
    expected = [m.id for m in _messages(unpacked)]
    assert len(expected) == 9
    for archive in (zipped, tarred):
        assert sources.detect(archive) is SRC
        msgs = _messages(archive)
        assert [m.id for m in msgs] == expected
        assert msgs[0].author.url == "https://indieweb.social/@dealingwith", "actor.json read"


def test_same_toot_from_rest_merges(tmp_path: Path, workspace: Workspace) -> None:
    ingest(workspace, [data_path(OUTBOX)])
    # The REST view of the owner's self-reply, as indieweb.social's API would give it.
    status = {
        "id": "109563285831788379",
        "created_at": "2022-12-23T13:44:27.000Z",
        "uri": f"{STATUSES}109563285831788379",
        "in_reply_to_id": "109563279367759295",
        "in_reply_to_account_id": "109303330000000000",
        "content": "<p>It feels</p>",
        "url": "https://indieweb.social/@dealingwith/109563285831788379",
        "account": {
            "id": "109303330000000000",
            "username": "dealingwith",
            "acct": "dealingwith",
            "url": "https://indieweb.social/@dealingwith",
            "followers_count": 250,
        },
        "replies_count": 0,
        "reblogs_count": 1,
        "favourites_count": 3,
        "mentions": [],
    }
    rest = tmp_path / "status.json"
    rest.write_bytes(orjson.dumps(status))
    result = ingest(workspace, [rest]).summary()
    assert result["new"] == 0 and result["updated"] == 1
    with workspace.connect(read_only=True) as con:
        row = con.execute(
            "SELECT likes, parent_id FROM messages WHERE id = ?", [status["uri"]]
        ).fetchone()
        followers = con.execute("SELECT followers FROM authors").fetchall()
    assert row == (3, f"{STATUSES}109563279367759295")
    assert followers == [(250,)], "one author: REST and archive agree on user@domain"


def test_folder_ingest_idempotent_with_owner(workspace: Workspace) -> None:
    folder = data_path("formats/mastodon")
    first = ingest(workspace, [folder], owners=[f"mastodon:{OWNER.upper()}"]).summary()
    formats = sorted(f["format"] for f in first["files"])
    assert formats == ["mastodon", "mastodon_archive", "mastodon_stream"]
    assert [Path(u).name for u in first["unrecognised"]] == ["archive_actor.json"]
    assert first["new"] == 1 + 6 + 9 and first["quarantined"] == 0
    second = ingest(workspace, [folder]).summary()
    assert second["new"] == 0 and second["updated"] == 0
    with workspace.connect(read_only=True) as con:
        owned = con.execute("SELECT id FROM authors WHERE is_owned").fetchall()
        # Owner replies: messages whose parent was written by the owned account.
        answered = con.execute(
            "SELECT m.id FROM messages m JOIN messages p ON p.platform = m.platform "
            "AND p.id = m.parent_id JOIN authors a ON a.platform = p.platform "
            "AND a.id = p.author_id WHERE a.is_owned"
        ).fetchall()
        roots = con.execute(
            "SELECT root_id FROM messages WHERE id = ?", [f"{STATUSES}109563285831788379"]
        ).fetchone()
    assert owned == [(OWNER,)]
    assert answered == [(f"{STATUSES}109563285831788379",)]
    assert roots == (f"{STATUSES}109563279367759295",)
