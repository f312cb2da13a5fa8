"""``ascolto topics``: saved Boolean queries, their numbers over time, and share of voice."""

from __future__ import annotations

from typing import Annotated, Any

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
    signed,
    when,
)
from ascolto.cli.search import index_now
from ascolto.explore import topics as library
from ascolto.query.search import PERIODS

topics_app = typer.Typer(
    help="Saved topics (Boolean queries): volume, authors, engagement, sentiment and intents "
    "over time, and share of voice against competitors.",
    no_args_is_help=True,
)

ByOpt = Annotated[str, typer.Option(help=f"Period: {', '.join(PERIODS)}.")]
NONE_YET = "No topics yet: `ascolto topics add NAME 'QUERY' [--competitor]`."


@topics_app.command("list")
def list_topics(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """The saved topics: name, query, competitor or not, and where each is defined."""
    ws = open_workspace(workspace)
    with ws.connect(read_only=True) as con:
        found = library.saved(con, ws.settings["topics"])
    if as_json:
        print_json([vars(t) for t in found])
        return
    if not found:
        console.print(NONE_YET)
        return
    table = Table("topic", "query", "competitor", "defined in", box=box.SIMPLE)
    for t in found:
        table.add_row(t.name, t.query, "yes" if t.competitor else "", t.source)
    console.print(table)


@topics_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="A short name, e.g. the brand's.")],
    query: Annotated[str, typer.Argument(help="A Boolean query (README, section Search).")],
    competitor: Annotated[
        bool, typer.Option("--competitor", help="A competitor's topic, for share of voice.")
    ] = False,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Save a topic (a name for a Boolean query); the query is checked first."""
    ws = open_workspace(workspace)
    with ws.connect() as con:
        topic = library.add(con, ws.settings["topics"], name, query, competitor)
    if as_json:
        print_json(vars(topic))
        return
    kind = "competitor topic" if competitor else "topic"
    console.print(f"Saved {kind} {topic.name!r}: {topic.query}")


@topics_app.command("remove")
def remove(
    name: Annotated[str, typer.Argument(help="The topic to forget.")],
    workspace: WorkspaceOpt = None,
) -> None:
    """Forget a topic saved with ``topics add`` (those in ascolto.toml are edited there)."""
    ws = open_workspace(workspace)
    with ws.connect() as con:
        library.remove(con, ws.settings["topics"], name)
    console.print(f"Removed topic {name!r}.")


def _measured(
    workspace: Any, names: list[str] | None, since: str | None, until: str | None, by: str
) -> tuple[Any, list[dict[str, Any]]]:
    ws = open_workspace(workspace)
    index = index_now(ws)
    with ws.connect(read_only=True) as con:
        chosen = library.pick(library.saved(con, ws.settings["topics"]), names)
        return ws, library.measure(
            con,
            index,
            chosen,
            when(since, "--since"),
            when(until, "--until"),
            by,
            ws.settings["timezone"],
        )


def _named(topic: dict[str, Any]) -> str:
    return topic["name"] + (" [dim](competitor)[/]" if topic["competitor"] else "")


@topics_app.command("show")
def show(
    names: Annotated[
        list[str] | None, typer.Argument(help="Topics to show (default: all).")
    ] = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    by: ByOpt = "week",
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Per topic: volume, unique authors, engagement, reach, net sentiment and intent mix,
    in total and per period."""
    _, measured = _measured(workspace, names, since, until, by)
    if as_json:
        print_json(measured)
        return
    if not measured:
        console.print(NONE_YET)
        return
    table = Table(
        "topic",
        "messages",
        "authors",
        "engagement",
        "reach",
        "net sentiment",
        "top intents",
        box=box.SIMPLE,
    )
    for t in measured:
        intents = ", ".join(f"{k} {v}" for k, v in list(t["intents"].items())[:3])
        table.add_row(
            _named(t),
            f"{t['volume']:,}",
            f"{t['authors']:,}",
            f"{t['engagement']:,}",
            f"{t['reach']:,}",
            signed(t["net_sentiment"]),
            intents,
        )
    console.print(table)
    for t in measured:
        series = Table(by, "messages", "authors", "engagement", "net sentiment", box=box.SIMPLE)
        for p in t["periods"]:
            series.add_row(
                p["period"],
                f"{p['volume']:,}",
                f"{p['authors']:,}",
                f"{p['engagement']:,}",
                signed(p["net_sentiment"]),
            )
        console.print(f"[bold]{t['name']}[/]: {t['query']}")
        console.print(series)


@topics_app.command("share")
def share(
    since: SinceOpt = None,
    until: UntilOpt = None,
    by: ByOpt = "month",
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Share of voice: each topic's share of all saved topics by volume, engagement and
    reach, and by volume per period."""
    _, measured = _measured(workspace, None, since, until, by)
    sov = library.share_of_voice(measured)
    if as_json:
        print_json(sov)
        return
    if not measured:
        console.print(NONE_YET)
        return
    table = Table("topic", "by volume", "by engagement", "by reach", box=box.SIMPLE)
    for t in measured:
        table.add_row(_named(t), *(_pct(sov[f"by_{m}"][t["name"]]) for m in library.SHARE_BY))
    console.print(table)
    series = Table(by, "messages", *sov["topics"], box=box.SIMPLE)
    for p in sov["periods"]:
        series.add_row(p["period"], f"{p['volume']:,}", *(_pct(p[n]) for n in sov["topics"]))
    console.print(series)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"
