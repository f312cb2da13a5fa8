"""The report's explore sections on the demo: share of voice, themes and ideas."""

from __future__ import annotations

from pathlib import Path

import pytest

from ascolto.report import explore
from ascolto.report.overview import build_overview, render_overview
from ascolto.workspace import Workspace


def test_a_large_audience_is_read_from_its_newest_messages(
    demo_workspace: Workspace, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(explore, "THEMES_AT_MOST", 800)
    ws = demo_workspace
    with ws.connect(read_only=True) as con:
        index = ws.search_index(con)
        data = explore.build_explore(con, index, ws.settings["topics"], ws.settings["timezone"])
        overview = build_overview(con, "Caffè Aurora", explore=data)
    assert data["audience"] == 800 < data["audience_total"]
    assert data["themes"] and data["share"]["brand"]["volume"] > 0.5
    assert data["ideas_found"] >= 3 and data["ideas_unanswered"] >= 1
    html = render_overview(overview, tmp_path / "o.html").read_text(encoding="utf-8")
    assert f"the most recent of {data['audience_total']:,}" in html
