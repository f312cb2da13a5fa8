"""Brandwatch, Talkwalker and Sprout Social exports on the fixtures in tests/fixtures/vendors."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from ascolto import sources
from ascolto.errors import BadOption, RecordError
from ascolto.ingest import ingest
from ascolto.models import Message
from ascolto.sources import vendors
from ascolto.sources.base import Options, RawRecord
from ascolto.sources.files import read_head
from ascolto.workspace import Workspace
from tests.conftest import ROOT, data_path, messages_of, read_messages

VENDORS = ROOT / "tests/fixtures/vendors"
BRANDWATCH = VENDORS / "brandwatch_mentions.csv"
TALKWALKER = VENDORS / "talkwalker_export.csv"
SPROUT = VENDORS / "sprout_inbox.csv"
SPROUT_IT = VENDORS / "sprout_inbox_it.csv"
BW, TW, SP = vendors.BRANDWATCH_SOURCE, vendors.TALKWALKER_SOURCE, vendors.SPROUT_SOURCE
OWNER_REPLIES = """
    SELECT m.platform, m.id, m.parent_id FROM messages m
    JOIN authors a ON a.platform = m.platform AND a.id = m.author_id
    WHERE a.is_owned AND m.parent_id IS NOT NULL ORDER BY 1, 2
"""


def _split(messages: list[Message]) -> Counter[tuple[str, str]]:
    return Counter((m.platform, m.kind) for m in messages)


def test_each_export_is_claimed_by_its_vendor_only() -> None:
    for path, source in ((BRANDWATCH, BW), (TALKWALKER, TW), (SPROUT, SP), (SPROUT_IT, SP)):
        assert sources.detect(path) is source
        head = read_head(path)
        scores = {s.name: s.detect(path, head) for s in (BW, TW, SP)}
        assert scores[source.name] >= 0.9
        assert all(v == 0 for k, v in scores.items() if k != source.name)


def test_vendors_leave_the_customer_support_csv_alone() -> None:
    path = data_path("twcs_customer_support_twitter/twcs_part.csv")
    head = read_head(path)
    assert [s.detect(path, head) for s in (BW, TW, SP)] == [0, 0, 0]


def test_brandwatch_preamble_counts_and_platforms() -> None:
    items = list(BW.read(BRANDWATCH, Options()))
    assert len(items) == 20 and items[0].location == "line 8"  # header on line 7
    messages = messages_of(BW, items)
    assert _split(messages) == {
        ("x", "post"): 3,
        ("x", "reply"): 3,
        ("x", "share"): 1,
        ("facebook", "post"): 1,
        ("facebook", "comment"): 3,
        ("web", "post"): 4,
        ("web", "comment"): 1,  # news, blog and forum pages
        ("reddit", "post"): 1,
        ("reddit", "comment"): 2,
        ("instagram", "post"): 1,
    }


def test_brandwatch_threads_ids_and_authors() -> None:
    m = {x.id: x for x in read_messages(BW, BRANDWATCH)}
    post = m["1765000000000000001"]  # the status id from Url: merges with twarc2 imports
    assert post.created_at.isoformat() == "2024-03-04T09:15:02+00:00"
    assert post.author is not None and post.author.id == "1500000001"
    assert post.author.handle == "auroracaffe" and post.author.followers == 48210
    assert (post.likes, post.shares, post.replies) == (132, 21, 3)
    assert post.links == ["https://aurora.example/a3"] and post.hashtags == ["auroraa3"]
    brand_reply = m["1765000000000000003"]
    assert brand_reply.kind == "reply" and brand_reply.parent_id == "1765000000000000002"
    assert brand_reply.root_id == "1765000000000000001"
    assert m["1765000000000000002"].parent_id == "1765000000000000001"
    retweet = m["1765000000000000005"]
    assert retweet.shared_id == "1765000000000000001" and retweet.parent_id is None
    comment = m["789012345678901_1111111111111112"]  # Graph API ids from the permalink
    assert comment.kind == "comment"
    assert comment.parent_id == comment.root_id == "104567890123456_789012345678901"
    assert comment.parent_author_id == "Aurora Caffè"  # Thread Author
    assert comment.text == "La mia A2 dopo un anno si è rotta.\nNon la ricompro."
    reddit = m["t1_kt0abc2"]
    assert reddit.parent_id == "t3_1b6xyz1" and reddit.kind == "comment"
    assert reddit.author is not None and reddit.author.id == "ale_bo"  # "u/" dropped
    forum = "https://forum.macchinecaffe.it/t/aurora-a3-perde-acqua/4412"
    assert m[forum + "/2"].parent_id == forum and m[forum + "/2"].platform == "web"
    news = m["https://www.gazzettadelcaffe.it/2024/03/05/aurora-lancia-la-a3"]
    assert news.title == "Aurora lancia la A3 e punta sul mercato domestico"
    assert news.text is not None and news.text.startswith("Milano, 5 marzo.")


def test_brandwatch_owner_reply_and_idempotent_ingest(workspace: Workspace) -> None:
    first = ingest(workspace, [BRANDWATCH], owners=["x:AuroraCaffe"]).summary()
    assert first["new"] == 20 and first["quarantined"] == 0
    with workspace.connect(read_only=True) as con:
        assert con.execute(OWNER_REPLIES).fetchall() == [
            ("x", "1765000000000000003", "1765000000000000002")
        ]
        roots = con.execute(
            "SELECT root_id, count(*) FROM messages WHERE platform = 'reddit' GROUP BY 1"
        ).fetchall()
        assert roots == [("t3_1b6xyz1", 3)]
    second = ingest(workspace, [BRANDWATCH], owners=["x:AuroraCaffe"]).summary()
    assert second["new"] == 0 and second["updated"] == 0 and second["duplicates"] == 20


def test_brandwatch_bad_rows_quarantined(tmp_path: Path, workspace: Workspace) -> None:
    text = BRANDWATCH.read_text(encoding="utf-8")
    text = text.replace('"0","2","","","","","","","A3"', '"0","abc","","","","","","","A3"', 1)
    text = text.replace('"positive","instagram"', '"positive","tiktok"')
    path = tmp_path / "bw.csv"
    path.write_text(text, encoding="utf-8")
    result = ingest(workspace, [path]).summary()
    assert result["new"] == 18 and result["quarantined"] == 2
    with workspace.connect(read_only=True) as con:
        rows = con.execute("SELECT location, reason FROM quarantine ORDER BY 1").fetchall()
    assert rows[0] == (
        "line 31",
        "platform: unknown 'tiktok' (one of x, facebook, instagram, "
        "youtube, reddit, mastodon, bluesky, wordpress, disqus, web, "
        "telegram; news, blog, forum and review pages are web)",
    )
    assert rows[1] == ("line 9", "likes: not a number 'abc'")


def test_talkwalker_counts_threads_and_metrics() -> None:
    messages = read_messages(TW, TALKWALKER)
    assert _split(messages) == {
        ("x", "post"): 1,
        ("x", "reply"): 2,
        ("x", "share"): 1,
        ("facebook", "post"): 1,
        ("facebook", "comment"): 2,
        ("web", "post"): 2,
        ("web", "comment"): 1,
        ("youtube", "post"): 1,
        ("youtube", "comment"): 1,
        ("instagram", "post"): 1,
    }
    m = {x.id: x for x in messages}
    tweet = m["1765000000000000001"]
    assert tweet.created_at.isoformat() == "2024-03-04T09:15:02+00:00"  # published, epoch ms
    assert (tweet.likes, tweet.shares) == (140, 22)
    assert tweet.author is not None and tweet.author.handle == "auroracaffe"
    assert m["1766000000000000011"].parent_id == "1766000000000000010"
    assert m["1766000000000000012"].shared_id == "1765000000000000001"
    fb = m["789012345678903_3333333333333331"]
    assert fb.parent_id == "104567890123456_789012345678903" and fb.likes == 12
    assert m["104567890123456_789012345678903"].shares == 41  # facebook_shares
    video, comment = m["Au7rA3vIdEo"], m["UgxAuroraC0mm3nt1"]
    assert video.views == 15230 and video.replies == 2 and comment.parent_id == "Au7rA3vIdEo"
    article = "https://www.gazzettadelcaffe.it/2024/03/08/aurora-richiama-lotto-a3"
    assert m[article].platform == "web"  # source_type "[ONLINE, ONLINE_NEWS]"
    assert m[article + "#comment-5521"].parent_id == article


def test_talkwalker_owner_reply_and_merge_with_brandwatch(workspace: Workspace) -> None:
    ingest(workspace, [BRANDWATCH], owners=["x:auroracaffe"])
    result = ingest(workspace, [TALKWALKER], owners=["x:auroracaffe"]).summary()
    # The brand's launch tweet is in both exports: the same message, updated, not new.
    assert result["new"] == 12 and result["updated"] == 1
    with workspace.connect(read_only=True) as con:
        replies = con.execute(OWNER_REPLIES).fetchall()
        likes = con.execute(
            "SELECT likes FROM messages WHERE id = '1765000000000000001'"
        ).fetchone()
    assert ("x", "1766000000000000011", "1766000000000000010") in replies
    assert likes == (140,)


def test_sprout_owned_by_the_format_and_dm_skipped(workspace: Workspace) -> None:
    items = list(SP.read(SPROUT, Options()))
    messages = messages_of(SP, items)
    assert len(items) == 13 and len(messages) == 12  # the direct message is skipped
    assert _split(messages) == {
        ("x", "post"): 1,
        ("x", "reply"): 2,
        ("x", "share"): 1,
        ("facebook", "post"): 1,
        ("facebook", "comment"): 2,
        ("facebook", "reply"): 1,
        ("instagram", "post"): 1,
        ("instagram", "comment"): 2,
        ("instagram", "reply"): 1,
    }
    m = {x.id: x for x in messages}
    assert m["1767000000000000025"].created_at.isoformat() == "2024-03-11T12:30:00+00:00"
    assert m["1767000000000000022"].created_at.isoformat() == "2024-03-11T09:41:00+00:00"
    owned = sorted((x.platform, x.author.id) for x in messages if x.author and x.author.is_owned)
    assert owned == [("facebook", "Aurora Caffè")] * 2 + [("instagram", "auroracaffe")] * 2 + [
        ("x", "auroracaffe")
    ]
    result = ingest(workspace, [SPROUT]).summary()  # no --owner needed
    assert result["new"] == 12 and result["skipped"] == 1
    with workspace.connect(read_only=True) as con:
        assert con.execute(OWNER_REPLIES).fetchall() == [
            ("facebook", "789012345678904_4444444444444442", "789012345678904_4444444444444441"),
            ("instagram", "17900000000000003", "17900000000000002"),
            ("x", "1767000000000000022", "1767000000000000021"),
        ]


def test_sprout_italian_excel_variant_is_the_same_export(workspace: Workspace) -> None:
    english = {x.id: x for x in read_messages(SP, SPROUT)}
    italian = {x.id: x for x in read_messages(SP, SPROUT_IT)}  # cp1252, ';', day-first dates
    assert italian.keys() == english.keys()
    for mid, m in italian.items():
        assert m.created_at == english[mid].created_at
        assert (m.likes, m.kind, m.parent_id) == (
            english[mid].likes,
            english[mid].kind,
            english[mid].parent_id,
        )
    post = italian["104567890123456_789012345678904"]
    assert post.likes == 1234  # "1.234"
    assert post.author is not None and post.author.id == "Aurora Caffè"  # not mojibake
    assert (
        italian["17900000000000003"].text == "@chiara.caffe 329 € sul nostro sito, "
        "fino a esaurimento!"
    )
    ingest(workspace, [SPROUT])
    again = ingest(workspace, [SPROUT_IT]).summary()
    assert again["new"] == 0 and again["duplicates"] + again["updated"] == 12


def test_sprout_timezone_option() -> None:
    messages = read_messages(SP, SPROUT_IT, Options({"timezone": "Europe/Rome"}))
    first = next(m for m in messages if m.id == "1767000000000000021")
    assert first.created_at.isoformat() == "2024-03-11T08:05:00+00:00"  # 09:05 in Rome (CET)


def test_sprout_post_performance_export(tmp_path: Path) -> None:
    path = tmp_path / "post_performance.csv"
    path.write_text(
        "\ufeffDate,Post ID,Network,Post Type,Content Type,Profile,Sent by,Link,Post,"
        "Impressions,Reach,Engagements,Reactions,Likes,Comments,Shares,Saves,Video Views,Tags\n"
        "2024-03-12 08:30,17900000000000001,Instagram,Post,Photo,auroracaffe,Giulia Conti,"
        "https://www.instagram.com/p/C4cDeFgHiJk/,Buongiorno con la A3 #AuroraA3,"
        "15400,12000,2500,,2310,2,0,45,,\n"
        "2024-03-12 12:00,1767000000000000030,X,Tweet,Video,@auroracaffe,Luca Ferri,"
        "https://x.com/auroracaffe/status/1767000000000000030,La A3 in 30 secondi,"
        "9100,7000,300,,210,4,18,,5200,\n",
        encoding="utf-8",
    )
    assert sources.detect(path) is SP
    messages = read_messages(SP, path)
    assert [(m.platform, m.id, m.kind) for m in messages] == [
        ("instagram", "17900000000000001", "post"),
        ("x", "1767000000000000030", "post"),
    ]
    assert all(
        m.author is not None and m.author.is_owned and m.author.id == "auroracaffe"
        for m in messages
    )
    assert messages[0].views == 15400 and messages[1].views == 5200  # video views first


def test_vendor_columns_can_be_remapped(tmp_path: Path) -> None:
    # A Brandwatch export with a renamed text column: --map fixes it, aliases do the rest.
    text = BRANDWATCH.read_text(encoding="utf-8").replace('"Full Text"', '"Testo completo"')
    path = tmp_path / "renamed.csv"
    path.write_text(text.replace('"Snippet"', '"Estratto"'), encoding="utf-8")
    with pytest.raises(
        BadOption,
        match=r"renamed\.csv: no text column \(looked for full text, "
        r"snippet\); pass --map text=COLUMN",
    ):
        list(BW.read(path, Options()))
    messages = read_messages(BW, path, Options({}, {"text": "Testo completo"}))
    assert len(messages) == 20 and messages[0].text is not None
    assert messages[0].text.startswith("Arriva Aurora A3")


def test_unknown_source_type_is_a_record_error(tmp_path: Path) -> None:
    path = tmp_path / "tw.csv"
    path.write_text(
        TALKWALKER.read_text(encoding="utf-8").replace(",INSTAGRAM,", ",SNAPCHAT,"),
        encoding="utf-8",
    )
    rows = list(TW.read(path, Options()))
    assert all(isinstance(r, RawRecord) for r in rows)
    last = rows[-1]
    assert isinstance(last, RawRecord)
    with pytest.raises(RecordError, match="unknown source_type 'SNAPCHAT'"):
        TW.normalise(last)
