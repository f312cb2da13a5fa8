"""``ascolto responses`` as a user runs it, on the real TWCS threads."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import ascolto, one_line_error
from tests.conftest import data_path


def test_responses_table_and_json(tmp_path: Path) -> None:
    csv = data_path("twcs_customer_support_twitter/twcs_part.csv")
    ws = tmp_path / "ws"
    ascolto("init", str(ws))
    ascolto("ingest", "-w", str(ws), str(csv))
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
