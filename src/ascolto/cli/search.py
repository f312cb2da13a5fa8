"""``ascolto search``, ``count`` and ``reindex``: the Boolean query language over the index."""

from __future__ import annotations

from typing import Annotated

import typer
from rich import box
from rich.table import Table

from ascolto.cli.common import (
    JsonOpt,
    WorkspaceOpt,
    console,
    open_workspace,
    print_json,
    progress_bar,
)
from ascolto.query import search as engine
from ascolto.store.index import SearchIndex, update
from ascolto.workspace import Workspace

QueryArg = Annotated[
    str,
    typer.Argument(
        help="A Boolean query, e.g. 'moka AND (prezzo OR costo) NOT spam lang:it' "
        "(the grammar is in the README, section Search)."
    ),
]


def index_now(ws: Workspace) -> SearchIndex:
    """The index, brought up to date with the store first, with a bar while it writes."""
    with ws.connect(read_only=True) as con, progress_bar("indexing") as bar:
        job = bar.add_task("index", total=None)
        return ws.search_index(con, progress=lambda d, t: bar.update(job, completed=d, total=t))


def search(
    query: QueryArg,
    limit: Annotated[int, typer.Option("--limit", "-n", help="How many results to show.")] = 20,
    offset: Annotated[int, typer.Option(help="Skip this many results (paging).")] = 0,
    sort: Annotated[str, typer.Option(help=f"Order: {', '.join(engine.SORTS)}.")] = "relevance",
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Messages matching a Boolean query: the total, then text, author, time, platform,
    labels and link."""
    ws = open_workspace(workspace)
    found = engine.search(
        index_now(ws), query, max(limit, 0), max(offset, 0), sort, ws.settings["timezone"]
    )
    if as_json:
        print_json(found)
        return
    console.print(f"[bold]{found['total']:,}[/] messages match {found['query']}")
    if not found["results"]:
        return
    table = Table(box=box.SIMPLE, expand=True)
    table.add_column("when", no_wrap=True)
    table.add_column("platform", no_wrap=True)
    table.add_column("author", max_width=20)
    table.add_column("text", ratio=1, overflow="fold")
    table.add_column("labels", max_width=18)
    for r in found["results"]:
        labels = " ".join(v for v in (r["sentiment"], r["intent"]) if v)
        if r["toxicity"] == "toxic":
            labels += " toxic"
        table.add_row(
            (r["created_at"] or "")[:10],
            r["platform"],
            r["author"] or "",
            (r["text"] or "") + (f"\n[dim]{r['url']}[/]" if r["url"] else ""),
            labels,
        )
    console.print(table)
    shown = found["results"]
    if found["total"] > offset + len(shown):
        console.print(
            f"[dim]{offset + 1}-{offset + len(shown)} of {found['total']:,}; "
            f"--offset {offset + len(shown)} for more[/]"
        )


def count(
    query: QueryArg,
    by: Annotated[str, typer.Option(help=f"Group by {', '.join(engine.BY)}.")] = "day",
    limit: Annotated[
        int | None, typer.Option(help="At most this many groups (not for periods).")
    ] = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """How many messages match a Boolean query, per day, week, month, platform, language,
    label or author."""
    ws = open_workspace(workspace)
    counted = engine.count(index_now(ws), query, by, ws.settings["timezone"], limit)
    if as_json:
        print_json(counted)
        return
    console.print(f"[bold]{counted['total']:,}[/] messages match {counted['query']}")
    table = Table(by, "messages", "", box=box.SIMPLE)
    top = max((c["count"] for c in counted["counts"]), default=0) or 1
    for c in counted["counts"]:
        table.add_row(str(c["key"]), f"{c['count']:,}", "█" * round(30 * c["count"] / top))
    console.print(table)


def reindex(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Rebuild the search index from the store (it is otherwise kept up to date by itself)."""
    ws = open_workspace(workspace)
    with ws.connect(read_only=True) as con, progress_bar("indexing") as bar:
        job = bar.add_task("index", total=None)
        done = update(
            ws.index_dir,
            con,
            ws.settings["timezone"],
            full=True,
            progress=lambda d, t: bar.update(job, completed=d, total=t),
        )
    if as_json:
        print_json({"documents": done.total, "seconds": round(done.seconds, 2)})
        return
    console.print(f"Indexed {done.total:,} messages in {done.seconds:.1f} s ({ws.index_dir}).")
