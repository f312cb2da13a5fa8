"""``ascolto report``: the static HTML overview of a workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ascolto.cli.common import JsonOpt, WorkspaceOpt, console, open_workspace, print_json
from ascolto.cli.search import index_now
from ascolto.report.explore import build_explore
from ascolto.report.overview import build_overview, render_overview


def report(
    workspace: WorkspaceOpt = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="HTML file to write (default: WORKSPACE/reports/overview.html)."
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Write the overview report: volume, what people say, share of voice, themes, ideas,
    owner responses, top authors, threads."""
    ws = open_workspace(workspace)
    index = index_now(ws)
    with ws.connect(read_only=True) as con:
        explore = build_explore(con, index, ws.settings["topics"], ws.settings["timezone"])
        data = build_overview(con, ws.settings["brand"], explore=explore)
    path = render_overview(data, output or ws.reports_dir / "overview.html")
    if as_json:
        print_json({"output": str(path), "overview": data})
        return
    console.print(f"Wrote the overview of {data['totals']['messages']} messages to [bold]{path}[/]")
