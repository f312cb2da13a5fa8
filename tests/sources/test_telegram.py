"""Telegram Desktop result.json on our fixtures (no public real export has a usable license)."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from ascolto.errors import BadOption
from ascolto.ingest import ingest
from ascolto.models import Message
from ascolto.sources import telegram
from ascolto.sources.base import Bad, Options
from ascolto.workspace import Workspace
from tests.conftest import ROOT, messages_of, read_messages

SRC = telegram.SOURCE
FIXTURES = ROOT / "tests" / "fixtures" / "telegram"
GROUP = FIXTURES / "result.json"
ACCOUNT = FIXTURES / "account_result.json"
CHAT = "1567890123"


def _messages(path: Path, options: Options | None = None) -> dict[str, Message]:
    return {m.id: m for m in read_messages(SRC, path, options)}


def _chat(messages: list[dict], **chat: object) -> bytes:
    return orjson.dumps(
        {"name": "Old Group", "type": "private_supergroup", "id": 42, **chat, "messages": messages}
    )


def test_group_counts_and_kinds() -> None:
    records = list(SRC.read(GROUP, Options()))
    assert len(records) == 16
    skipped = [r for r in records if not isinstance(r, Bad) and SRC.normalise(r) is None]
    assert [r.data["type"] for r in skipped] == ["service", "service", "unsupported"]
    msgs = {m.id: m for m in messages_of(SRC, records)}
    kinds = {
        k: sorted(int(i.split(":")[1]) for i, m in msgs.items() if m.kind == k)
        for k in ("post", "share", "comment", "reply")
    }
    assert kinds == {
        "post": [2, 10, 12, 14],
        "share": [7],
        "comment": [3, 6, 8, 11],
        "reply": [4, 5, 13, 15],
    }


def test_reply_chains_parents_and_roots() -> None:
    msgs = _messages(GROUP)
    voice = msgs[f"{CHAT}:15"]
    chain, m = [], voice
    while m.parent_id:
        chain.append(m.parent_id)
        m = msgs[m.parent_id]
    assert chain == [f"{CHAT}:5", f"{CHAT}:4", f"{CHAT}:3", f"{CHAT}:2"]
    assert voice.root_id == f"{CHAT}:2" and voice.parent_author_id == "user777"
    orphan = msgs[f"{CHAT}:13"]  # replies to a message not in the export
    assert (orphan.parent_id, orphan.root_id, orphan.kind) == (f"{CHAT}:404", None, "reply")
    assert msgs[f"{CHAT}:2"].root_id == f"{CHAT}:2"


def test_text_entities_reactions_and_media() -> None:
    msgs = _messages(GROUP)
    post = msgs[f"{CHAT}:2"]
    assert post.text == (
        "Nuova macinatura Barista Pro disponibile da oggi! #BaristaPro "
        "Dettagli: https://acme.example/barista-pro\nSpedizione gratuita "
        "fino a domenica."
    )
    assert post.hashtags == ["baristapro"] and post.links == ["https://acme.example/barista-pro"]
    assert post.likes == 19, "reactions 14 + 5"
    assert post.url == f"https://t.me/c/{CHAT}/2"
    assert msgs[f"{CHAT}:5"].mentions == ["acmesupport"]
    assert msgs[f"{CHAT}:5"].hashtags == ["grazie"]
    assert msgs[f"{CHAT}:8"].links == ["https://shop.example/pacco-1kg"], "text_link href"
    assert msgs[f"{CHAT}:3"].text and msgs[f"{CHAT}:3"].likes is None
    sticker = msgs[f"{CHAT}:6"]
    assert sticker.text is None and sticker.kind == "comment"
    assert msgs[f"{CHAT}:12"].text == "Che tostatura preferite?", "a poll's question"
    anonymous = msgs[f"{CHAT}:10"].author  # deleted account: `from` is null, from_id remains
    assert anonymous is not None and (anonymous.id, anonymous.name) == ("user124", None)


def test_times_prefer_date_unixtime() -> None:
    m = _messages(GROUP)[f"{CHAT}:3"]
    assert m.raw["date"] == "2023-05-01T14:04:00"  # the exporting computer's local time
    assert m.created_at.isoformat() == "2023-05-01T12:04:00+00:00"


def test_old_export_local_dates_numeric_from_id_and_tz(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    path.write_bytes(
        _chat(
            [
                {
                    "id": 1,
                    "type": "message",
                    "date": "2018-01-15T10:00:00",
                    "from": "Anna",
                    "from_id": 555001,
                    "text": "ciao #tutti @acme",
                },
                {
                    "id": 2,
                    "type": "message",
                    "date": "2018-07-15T10:00:00",
                    "from": "Old Channel",
                    "text": "post",
                },
            ],
            type="public_channel",
        )
    )
    msgs = list(_messages(path, Options(values={"tz": "Europe/Rome"})).values())
    assert [m.created_at.isoformat() for m in msgs] == [
        "2018-01-15T09:00:00+00:00",
        "2018-07-15T08:00:00+00:00",
    ]
    assert msgs[0].author is not None and msgs[0].author.id == "user555001"
    assert (msgs[0].hashtags, msgs[0].mentions) == (["tutti"], ["acme"]), "no entities: by text"
    assert msgs[1].author is not None and msgs[1].author.id == "channel42"
    assert next(iter(_messages(path).values())).created_at.hour == 10, "default tz is UTC"
    with pytest.raises(BadOption):
        list(SRC.read(path, Options(values={"tz": "Mars/Olympus"})))


def test_serializer_control_escapes_are_repaired(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    body = _chat(
        [
            {
                "id": 1,
                "type": "message",
                "date": "2023-05-01T14:00:00",
                "date_unixtime": "1682942400",
                "from": "A",
                "from_id": "user1",
                "text": "bell@@here and a path C:\\\\x41",
            }
        ]
    )
    # tdesktop writes control characters as \xNN (not JSON); an escaped backslash stays.
    path.write_bytes(body.replace(b"@@", b"\\x07"))
    (m,) = _messages(path).values()
    assert m.text == "bell\x07here and a path C:\\\\x41"


def test_truncated_export_is_one_bad_record(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    path.write_bytes(GROUP.read_bytes()[:2000])
    items = list(SRC.read(path, Options()))
    assert len(items) == 1 and isinstance(items[0], Bad) and items[0].location == "file"


def test_full_account_export_ids_unique_across_chats() -> None:
    records = list(SRC.read(ACCOUNT, Options()))
    assert [r.location for r in records if not isinstance(r, Bad)][-1] == (
        "left_chats.list[0].messages[0]"
    )
    msgs = {m.id: m for m in messages_of(SRC, records)}
    assert sorted(msgs) == ["123:51", "123:52", "1999000111:7", "456:301"]
    assert msgs["123:52"].parent_id == "123:51" and msgs["123:52"].kind == "comment"
    assert msgs["123:51"].url is None, "personal chats have no t.me link"
    assert msgs["456:301"].author is not None and msgs["456:301"].author.id == "channel456"


def test_owner_replies_and_idempotent_ingest(workspace: Workspace) -> None:
    first = ingest(workspace, [FIXTURES], owners=["telegram:channel456"]).summary()
    assert first["new"] == 17 and first["skipped"] == 4 and first["quarantined"] == 0
    second = ingest(workspace, [FIXTURES]).summary()
    assert second["new"] == 0 and second["updated"] == 0 and second["duplicates"] == 17
    with workspace.connect(read_only=True) as con:
        answered = con.execute(
            "SELECT m.id, p.author_id FROM messages m JOIN authors a ON a.platform = m.platform "
            "AND a.id = m.author_id JOIN messages p ON p.platform = m.platform "
            "AND p.id = m.parent_id WHERE a.is_owned ORDER BY m.id"
        ).fetchall()
        assert answered == [(f"{CHAT}:11", "user124"), (f"{CHAT}:4", "user123")]
        row = con.execute("SELECT created_at FROM messages WHERE id = ?", [f"{CHAT}:4"]).fetchone()
        assert row is not None and row[0].isoformat() == "2023-05-01T12:19:00+00:00"
