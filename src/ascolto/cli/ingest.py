"""``ascolto ingest``, ``ascolto formats`` and ``ascolto quarantine``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from ascolto import sources
from ascolto.cli.common import (
    JsonOpt,
    WorkspaceOpt,
    console,
    err_console,
    open_workspace,
    print_json,
)
from ascolto.cli.search import index_now
from ascolto.errors import BadOption
from ascolto.ingest import ingest as run_ingest
from ascolto.ingest import plan
from ascolto.sources.base import Options
from ascolto.store.derive import parse_owner
from ascolto.store.quarantine import clear_quarantine, list_quarantine


def _pairs(items: list[str] | None, flag: str) -> dict[str, str]:
    out = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise BadOption(f"{flag} {item!r}: expected KEY=VALUE")
        out[key.strip()] = value.strip()
    return out


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to import.")],
    workspace: WorkspaceOpt = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="Skip detection; `ascolto formats` lists names."),
    ] = None,
    owner: Annotated[
        list[str] | None,
        typer.Option("--owner", help="The brand's account as PLATFORM:HANDLE_OR_ID; repeatable."),
    ] = None,
    option: Annotated[
        list[str] | None,
        typer.Option("--option", "-o", help="Source option KEY=VALUE (e.g. platform=x)."),
    ] = None,
    mapping: Annotated[
        list[str] | None,
        typer.Option("--map", help="Column mapping FIELD=COLUMN for csv/jsonl (e.g. text=Body)."),
    ] = None,
    no_index: Annotated[
        bool,
        typer.Option(
            "--no-index",
            help="Leave the search index for later (the next search brings it up to date).",
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Import exports and API dumps; the format is detected from each file's content."""
    ws = open_workspace(workspace)
    options = Options(_pairs(option, "--option"), _pairs(mapping, "--map"))
    for spec in owner or ():
        parse_owner(spec)  # flags are checked before files are opened
    work = plan(paths, fmt)
    done_bytes: dict[Path, int] = {}
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TextColumn("{task.fields[records]:,} records"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=as_json or not console.is_terminal,
    ) as bar:
        task = bar.add_task("importing", total=work.total_bytes, records=0)
        done_records: dict[Path, int] = {}

        def on_progress(path: Path, nbytes: int, records: int) -> None:
            done_bytes[path] = min(nbytes, path.stat().st_size)
            done_records[path] = records
            bar.update(
                task,
                completed=sum(done_bytes.values()),
                records=sum(done_records.values()),
                description=path.name[:40],
            )

        try:
            result = run_ingest(ws, work, fmt, owner or (), options, on_progress)
        except KeyboardInterrupt:
            err_console.print(
                "[yellow]interrupted[/]: every finished batch is stored; "
                "run the same command again to complete the import"
            )
            raise typer.Exit(130) from None
    summary = result.summary()
    if not no_index:  # the search index follows the store
        summary["indexed"] = index_now(ws).searcher.num_docs
    if as_json:
        print_json(summary)
        return
    table = Table("file", "format", "new", "updated", "duplicates", "quarantined", "skipped")
    for f in result.files:
        table.add_row(
            Path(f.path).name,
            f.format,
            str(f.new),
            str(f.updated),
            str(f.duplicates),
            str(f.quarantined),
            str(f.skipped),
        )
    console.print(table)
    console.print(
        f"{summary['total']} records: {summary['new']} new, {summary['updated']} updated, "
        f"{summary['duplicates']} duplicates, {summary['quarantined']} quarantined"
        + (" (see `ascolto quarantine`)" if summary["quarantined"] else "")
    )
    if result.unrecognised:
        console.print(f"[yellow]{len(result.unrecognised)} files not recognised, skipped:[/]")
        for name in result.unrecognised[:10]:
            console.print(f"  {name}")


def formats(as_json: JsonOpt = False) -> None:
    """The formats ascolto reads, with their names for --format."""
    rows: list[dict[str, Any]] = [
        {
            "name": s.name,
            "platform": s.platform,
            "description": s.description,
            "settings": [{"name": x.name, "help": x.help, "secret": x.secret} for x in s.settings],
        }
        for s in sources.registry().values()
    ]
    if as_json:
        print_json(rows)
        return
    table = Table("name", "platform", "what it reads")
    for r in rows:
        table.add_row(r["name"], r["platform"], r["description"])
    console.print(table)


def quarantine(
    workspace: WorkspaceOpt = None,
    limit: Annotated[int, typer.Option(help="Show at most this many, newest first.")] = 50,
    clear: Annotated[bool, typer.Option("--clear", help="Forget all quarantined records.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Records that could not be imported: file, line or element, and why."""
    ws = open_workspace(workspace)
    if clear:
        with ws.connect() as con:
            n = clear_quarantine(con)
        if as_json:
            print_json({"cleared": n})
        else:
            console.print(f"Cleared {n} quarantined records.")
        return
    with ws.connect(read_only=True) as con:
        rows = list_quarantine(con, limit)
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print("Nothing in quarantine.")
        return
    table = Table("file", "where", "why", "excerpt")
    for r in rows:
        table.add_row(Path(r["path"]).name, r["location"], r["reason"], (r["excerpt"] or "")[:60])
    console.print(table)
