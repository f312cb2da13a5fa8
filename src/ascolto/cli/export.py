"""``ascolto export``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ascolto.cli.common import JsonOpt, WorkspaceOpt, console, open_workspace, print_json
from ascolto.store.queries import export as store_export


def export(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="File to write: .parquet, .csv or .jsonl.")
    ],
    workspace: WorkspaceOpt = None,
    raw: Annotated[bool, typer.Option("--raw", help="Include each original record.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Write every message with its author to Parquet, CSV or JSONL."""
    ws = open_workspace(workspace)
    with ws.connect(read_only=True) as con:
        n = store_export(con, output, include_raw=raw)
    if as_json:
        print_json({"output": str(output), "messages": n})
    else:
        console.print(f"Wrote {n} messages to {output}")
