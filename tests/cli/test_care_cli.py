"""``ascolto responses`` as a user runs it, on the real TWCS threads."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import ascolto, one_line_error
from tests.conftest import data_path


def _twcs_workspace(tmp_path: Path) -> Path:
    """A workspace with the real TWCS support threads imported (brands are owned)."""
    csv = data_path("twcs_customer_support_twitter/twcs_part.csv")
    ws = tmp_path / "ws"
    ascolto("init", str(ws))
    ascolto("ingest", "-w", str(ws), str(csv))
    return ws


def test_responses_table_and_json(tmp_path: Path) -> None:
    ws = _twcs_workspace(tmp_path)
    result = json.loads(
        ascolto("responses", "-w", str(ws), "--by", "intent", "--by", "day", "--json").stdout
    )
    overall = result["overall"]
    for key in (
        "addressed",
        "answered",
        "response_rate",
        "first_response_median_s",
        "first_response_p90_s",
        "unanswered_oldest_s",
    ):
        assert key in overall and key in result["by_intent"]["unknown"]
    assert overall["addressed"] > 1000 and 0 < overall["response_rate"] < 1
    assert sum(g["addressed"] for g in result["by_day"].values()) == overall["addressed"]
    text = ascolto("responses", "-w", str(ws), "--by", "intent", "--as-of", "2017-12-01").stdout
    assert "unknown" in text and "to brand" in text and "Business hours" in text
    gap = json.loads(
        ascolto("responses", "-w", str(ws), "--waiting", "2", "--by", "week", "--json").stdout
    )
    assert list(gap["by_week"]) == sorted(gap["by_week"])
    assert set(gap["waiting"]) == {"support", "question", "idea", "complaint"}  # all unknown here
    late = json.loads(ascolto("responses", "-w", str(ws), "--since", "2017-10-31", "--json").stdout)
    assert 0 < late["overall"]["addressed"] < overall["addressed"]
    line = one_line_error(ascolto("responses", "-w", str(ws), "--by", "mood", ok=False))
    assert "cannot group by 'mood'" in line
    line = one_line_error(ascolto("responses", "-w", str(ws), "--since", "yesterday", ok=False))
    assert "--since" in line and "YYYY-MM-DD" in line
    tree = ascolto("thread", "-w", str(ws), "x:2952").stdout
    assert "SpotifyCares (brand)" in tree and "participants" in tree
    assert json.loads(ascolto("thread", "-w", str(ws), "2952", "--json").stdout)["depth"] >= 6
    line = one_line_error(ascolto("thread", "-w", str(ws), "x:nope", ok=False))
    assert "no message" in line


def test_inbox_lists_and_acts(tmp_path: Path) -> None:
    ws = _twcs_workspace(tmp_path)
    listed = json.loads(
        ascolto("inbox", "-w", str(ws), "--as-of", "2017-12-01", "--limit", "3", "--json").stdout
    )
    assert listed["changes"]["opened"] > 100 and len(listed["cases"]) == 3
    top = listed["cases"][0]
    assert top["priority"] >= listed["cases"][-1]["priority"] and "intent" in top["why"]
    case = str(top["id"])
    ascolto("inbox", "assign", case, "giulia", "-w", str(ws), "--actor", "marco")
    ascolto("inbox", "tag", case, "billing", "-w", str(ws))
    ascolto("inbox", "note", case, "called back", "-w", str(ws))
    out = ascolto("inbox", "close", case, "-w", str(ws)).stdout
    assert "closed" in out and "giulia" in out and "billing" in out
    history = json.loads(ascolto("inbox", "history", case, "-w", str(ws), "--json").stdout)
    assert [e["action"] for e in history][-4:] == ["assign", "tag", "note", "closed"]
    assert history[-4]["actor"] == "marco"
    text = ascolto("inbox", "-w", str(ws), "--as-of", "2017-12-01").stdout
    assert "priority" in text and "0 opened" in text
    line = one_line_error(ascolto("inbox", "close", "999999", "-w", str(ws), ok=False))
    assert "no case 999999" in line
    line = one_line_error(ascolto("inbox", "-w", str(ws), "--status", "snoozed", ok=False))
    assert "unknown status" in line
    team = json.loads(ascolto("team", "-w", str(ws), "--json").stdout)
    accounts = {a["account"]: a for a in team["accounts"]}
    assert accounts["SpotifyCares"]["replies"] > 10 and accounts["SpotifyCares"]["cases_closed"] > 0
    assert {p["person"]: p["closed"] for p in team["people"]}["giulia"] == 0
    assert "SLA met" in ascolto("team", "-w", str(ws)).stdout
