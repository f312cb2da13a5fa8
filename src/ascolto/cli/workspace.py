"""``ascolto init`` and ``ascolto stats``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ascolto.cli.common import JsonOpt, WorkspaceOpt, console, open_workspace, print_json
from ascolto.store.queries import stats as store_stats
from ascolto.workspace import Workspace


def init(
    directory: Annotated[Path, typer.Argument(help="Folder to create (default: here).")] = Path(),
    brand: Annotated[str, typer.Option(help="The brand's name, for reports.")] = "",
    owner: Annotated[
        list[str] | None,
        typer.Option("--owner", help="The brand's account as PLATFORM:HANDLE_OR_ID; repeatable."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Create a workspace: a folder with ascolto.toml and the store (safe to run again)."""
    ws = Workspace.create(directory, brand=brand, owners=owner)
    if as_json:
        print_json(
            {"workspace": str(ws.root), "config": str(ws.config_path), "store": str(ws.db_path)}
        )
        return
    console.print(f"Workspace ready in [bold]{ws.root}[/]")
    console.print(f"  settings: {ws.config_path}\n  store:    {ws.db_path}")
    console.print(f"Next: ascolto ingest --workspace {directory} FILE_OR_FOLDER")


def stats(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Counts of messages, authors, threads and replies, per platform, with the date range."""
    ws = open_workspace(workspace)
    with ws.connect(read_only=True) as con:
        s = store_stats(con)
    if as_json:
        print_json(s)
        return
    table = Table(title=f"ascolto workspace {ws.root}", show_header=False)
    for key in (
        "messages",
        "authors",
        "owned_authors",
        "threads",
        "replies",
        "owner_replies",
        "interactions",
        "quarantined",
        "imports",
        "first",
        "last",
    ):
        table.add_row(key.replace("_", " "), str(s[key]))
    for platform, count in s["platforms"].items():
        table.add_row(f"  {platform}", str(count))
    console.print(table)
