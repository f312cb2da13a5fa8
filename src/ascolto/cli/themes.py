"""``ascolto themes`` (what people talk about) and ``ascolto ideas`` (what they propose)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich import box
from rich.table import Table

from ascolto.cli.common import (
    JsonOpt,
    SinceOpt,
    UntilOpt,
    WorkspaceOpt,
    console,
    open_workspace,
    print_json,
    short,
    signed,
    when,
)
from ascolto.cli.search import index_now
from ascolto.errors import BadOption
from ascolto.explore import topics
from ascolto.explore.ideas import ideas as find_ideas
from ascolto.explore.themes import emerging, themes
from ascolto.query.search import matching_rows


def themes_command(
    query: Annotated[
        str | None,
        typer.Argument(help="Only messages matching this Boolean query (default: all)."),
    ] = None,
    topic: Annotated[
        str | None, typer.Option(help="Only the messages of this saved topic.")
    ] = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    k: Annotated[
        int | None, typer.Option(help="Clusters to start from (default: about √(n/10)).")
    ] = None,
    seed: Annotated[int, typer.Option(help="The same seed gives the same themes.")] = 0,
    limit: Annotated[int, typer.Option("--limit", "-n", help="Themes to show.")] = 15,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """What people talk about: their messages grouped into themes named by key phrases,
    with size, sentiment, examples and growth (the emerging ones marked)."""
    if query and topic:
        raise BadOption("give a query or --topic, not both")
    ws = open_workspace(workspace)
    tz = ws.settings["timezone"]
    rows = None
    with ws.connect(read_only=True) as con:
        if topic:
            query = topics.pick(topics.saved(con, ws.settings["topics"]), [topic])[0].query
        if query:
            index = index_now(ws)
            rows = matching_rows(index, query, tz)
        messages = topics.audience(con, rows, when(since, "--since"), when(until, "--until"))
    found = themes(messages, k=k, seed=seed)
    rising = {t.id for t in emerging(found)}
    if as_json:
        print_json(
            {
                "messages": messages.num_rows,
                "themes": [t.to_dict() for t in found[:limit]],
                "emerging": [t.id for t in emerging(found)],
            }
        )
        return
    if not found:
        console.print(f"No themes in {messages.num_rows:,} messages: too few, or no words left.")
        return
    placed = sum(t.size for t in found)
    console.print(
        f"{len(found)} themes in {messages.num_rows:,} messages "
        f"({placed:,} placed; ↑ growing fastest lately)"
    )
    table = Table(box=box.SIMPLE, expand=True)
    table.add_column("theme", ratio=2)
    for name in ("messages", "share", "net", "growth"):
        table.add_column(name, justify="right")
    table.add_column("example", ratio=3)
    for t in found[:limit]:
        example = short(t.examples[0][2], 139) if t.examples else ""
        table.add_row(
            ("↑ " if t.id in rising else "") + t.label,
            f"{t.size:,}",
            f"{100 * t.share:.1f}%",
            signed(t.net_sentiment),
            "–" if t.growth is None else f"{t.growth:.2f}x",
            example,
        )
    console.print(table)


def ideas_command(
    since: SinceOpt = None,
    until: UntilOpt = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="Ideas to show.")] = 20,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """What people propose (intent idea), copies merged, ranked by support, with whether the
    brand answered them."""
    ws = open_workspace(workspace)
    with ws.connect(read_only=True) as con:
        found = find_ideas(con, since=when(since, "--since"), until=when(until, "--until"))
    if as_json:
        print_json([i.to_dict() for i in found[:limit]])
        return
    if not found:
        console.print("No ideas found: run `ascolto enrich` first, or there are none yet.")
        return
    table = Table(box=box.SIMPLE, expand=True)
    table.add_column("idea", ratio=3)
    for name in ("support", "copies", "authors", "likes", "agree"):
        table.add_column(name, justify="right")
    table.add_column("theme", ratio=1)
    table.add_column("brand answered", max_width=18)
    for i in found[:limit]:
        answered = f"yes, {i.acknowledged_by}" if i.acknowledged else "[bold red]no[/]"
        table.add_row(
            short(i.text, 139),
            f"{i.support:.1f}",
            str(i.copies),
            str(i.authors),
            str(i.likes),
            str(i.agreeing_replies),
            i.theme,
            answered,
        )
    console.print(table)
    unanswered = sum(not i.acknowledged for i in found)
    console.print(f"{len(found)} ideas; the brand never answered {unanswered}.")
