"""What every command shares: the ``--workspace`` and ``--json`` options, output helpers."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from ascolto.errors import BadOption
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
SinceOpt = Annotated[str | None, typer.Option(help="From this date (YYYY-MM-DD), inclusive.")]
UntilOpt = Annotated[str | None, typer.Option(help="Up to this date, exclusive.")]


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


def when(value: str | None, option: str) -> datetime | None:
    """A date or ISO time from the command line, as an aware datetime (UTC when naive)."""
    if not value:
        return None
    try:
        parsed = (
            datetime.combine(date.fromisoformat(value), datetime.min.time())
            if len(value) == 10
            else datetime.fromisoformat(value)
        )
    except ValueError:
        raise BadOption(f"{option} {value!r}: expected YYYY-MM-DD or an ISO time") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def signed(value: float | None) -> str:
    """A net sentiment for a table: +0.17, -0.52, or – when there is none."""
    return "–" if value is None else f"{value:+.2f}"


def short(text: str | None, limit: int) -> str:
    """A message on one line for a table or a listing, cut after ``limit`` characters."""
    flat = " ".join((text or "").split())
    return flat[:limit] + "…" if len(flat) > limit else flat
