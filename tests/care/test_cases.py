"""The inbox's cases on a real TWCS thread imported a piece at a time, as it would arrive."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from ascolto.care import cases
from ascolto.care.calendar import BusinessCalendar
from ascolto.errors import AscoltoError, BadOption
from ascolto.ingest import ingest
from ascolto.workspace import Workspace
from tests.conftest import data_path, twcs_slice

NOW = datetime(2017, 12, 1, tzinfo=UTC)
SLA = cases.SlaPolicy.parse(["support=2h", "x:question=30m", "*=1d"])
# Spotify thread: 116393 suggests (2960, 2959), the brand answers 2959 (2958), they thank
# (2957), the brand answers again (2956). Tweet 848, SpotifyCares answering someone else in
# another thread, makes the brand's account known from the start, as it is in a real store.
STEPS = (("848", "2960", "2959"), ("2958",), ("2957",), ("2956",))


def test_a_case_opens_closes_and_reopens_as_the_thread_arrives(tmp_path: Path) -> None:
    source = data_path("twcs_customer_support_twitter/twcs_part.csv")
    ws = Workspace.create(tmp_path / "ws")
    calendar = BusinessCalendar("UTC", "mon-sun 00:00-24:00", "", ())
    seen: set[str] = set()
    states = []
    for n, step in enumerate(STEPS):
        seen |= set(step)
        ingest(ws, [twcs_slice(source, seen, tmp_path / f"part{n}.csv")])
        with ws.connect() as con:
            changes = cases.sync(con, calendar, SLA, now=NOW)
            again = cases.sync(con, calendar, SLA, now=NOW)
            (case,) = con.execute("SELECT id, status, message_id FROM cases").fetchall()
        assert again == {"opened": 0, "closed": 0, "reopened": 0, "first_responses": 0}
        states.append((case[1], changes))
    assert [s for s, _ in states] == ["open", "closed", "open", "closed"]
    assert states[0][1]["opened"] == 1 and states[2][1]["reopened"] == 1
    with ws.connect() as con:
        (case_id, _, first) = con.execute("SELECT id, status, message_id FROM cases").fetchone()
        events = [(e["actor"], e["action"]) for e in cases.history(con, case_id)]
    assert first == "2960"  # the case is named by the customer's first message
    assert events == [
        ("ascolto", "opened"),
        ("ascolto", "first response"),
        ("ascolto", "closed"),
        ("ascolto", "reopened"),
        ("ascolto", "closed"),
    ]


def test_people_act_on_cases_and_the_history_keeps_it(tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "ws")
    ingest(ws, [data_path("twcs_customer_support_twitter/twcs_part.csv")])
    with ws.connect() as con:
        cases.sync(con, ws.calendar, SLA, now=NOW)
        (case_id,) = con.execute("SELECT min(id) FROM cases WHERE status = 'open'").fetchone()
        cases.act(con, case_id, "assign", "giulia", actor="marco", now=NOW)
        cases.act(con, case_id, "tag", "billing", actor="giulia", now=NOW)
        cases.act(con, case_id, "note", "asked for the order number", actor="giulia", now=NOW)
        done = cases.act(con, case_id, "pending", actor="giulia", now=NOW)
        assert done["status"] == "pending" and done["assignee"] == "giulia"
        assert done["tags"] == ["billing"]
        listed = cases.inbox(con, ws.calendar, "pending", now=NOW)
        assert [c["id"] for c in listed] == [case_id]
        closed = cases.act(con, case_id, "close", actor="giulia", now=NOW)
        assert closed["status"] == "closed" and closed["closed_at"] == NOW
        history = cases.history(con, case_id)
        with pytest.raises(BadOption, match="already closed"):
            cases.act(con, case_id, "close", actor="giulia")
        with pytest.raises(AscoltoError, match="no case 999999"):
            cases.act(con, 999999, "close")
    assert [(e["actor"], e["action"]) for e in history][-5:] == [
        ("marco", "assign"),
        ("giulia", "tag"),
        ("giulia", "note"),
        ("giulia", "pending"),
        ("giulia", "closed"),
    ]


def test_inbox_orders_by_a_score_it_explains(tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "ws")
    ingest(ws, [data_path("twcs_customer_support_twitter/twcs_part.csv")])
    with ws.connect() as con:
        opened = cases.sync(con, ws.calendar, SLA, now=NOW)["opened"]
        listed = cases.inbox(con, ws.calendar, "all", now=NOW)
        open_only = cases.inbox(con, ws.calendar, "open", now=NOW, limit=5)
    assert len(listed) == opened > 100
    assert [c["priority"] for c in listed] == sorted((c["priority"] for c in listed), reverse=True)
    for c in listed:
        assert c["priority"] == pytest.approx(sum(c["why"].values()), abs=0.11)
        assert c["why"]["intent"] == 10.0  # not enriched: unknown
        assert ("breached" in c["why"]) == (c["sla_breached"] and c["status"] != "closed")
    assert len(open_only) == 5 and all(c["status"] == "open" for c in open_only)
    with pytest.raises(BadOption, match="unknown status"):
        cases.inbox(con, ws.calendar, "snoozed")


def test_sla_rules_pick_the_most_specific() -> None:
    assert SLA.seconds("x", "question") == 1800
    assert SLA.seconds("facebook", "question") == 86400
    assert SLA.seconds("x", "support") == 7200
    with pytest.raises(BadOption, match="INTENT=DURATION"):
        cases.SlaPolicy.parse(["support=soon"])


def test_a_pending_case_wakes_when_the_customer_writes(tmp_path: Path) -> None:
    source = data_path("twcs_customer_support_twitter/twcs_part.csv")
    ws = Workspace.create(tmp_path / "ws")
    calendar = BusinessCalendar("UTC", "mon-sun 00:00-24:00", "", ())
    ingest(ws, [twcs_slice(source, {"848", "2960"}, tmp_path / "a.csv")])
    with ws.connect() as con:
        cases.sync(con, calendar, SLA, now=NOW)
        (case_id,) = con.execute("SELECT id FROM cases").fetchone()
        # set pending before the customer's next message (2959, 3 minutes after 2960)
        cases.act(
            con, case_id, "pending", actor="giulia", now=datetime(2017, 10, 7, 20, 5, tzinfo=UTC)
        )
    ingest(ws, [twcs_slice(source, {"848", "2960", "2959"}, tmp_path / "b.csv")])
    with ws.connect() as con:
        changes = cases.sync(con, calendar, SLA, now=NOW)
        status = con.execute("SELECT status FROM cases WHERE id = ?", [case_id]).fetchone()[0]
        last = cases.history(con, case_id)[-1]
    assert changes["reopened"] == 1 and status == "open"
    assert (last["actor"], last["action"], last["detail"]) == (
        "ascolto",
        "reopened",
        "the customer wrote",
    )
