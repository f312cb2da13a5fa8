"""What every command shares: the ``--workspace`` and ``--json`` options, output helpers."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from ascolto.workspace import Workspace

console = Console(stderr=False, highlight=False)
err_console = Console(stderr=True, highlight=False)

WorkspaceOpt = Annotated[
    Path | None,
    typer.Option(
        "--workspace",
        "-w",
        help="Workspace folder (default: ASCOLTO_WORKSPACE, or the nearest folder upward "
        "with ascolto.toml).",
        show_default=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object for scripts.")]


def open_workspace(path: Path | None) -> Workspace:
    return Workspace.find(path)


def print_json(obj: Any) -> None:
    sys.stdout.write(orjson.dumps(obj, default=str, option=orjson.OPT_INDENT_2).decode() + "\n")


def progress_bar(label: str) -> Progress:
    """A bar on stderr for long work (n of total, time left); it vanishes when done."""
    return Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
    )
