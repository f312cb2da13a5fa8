"""``ascolto responses`` (who got an answer, how fast), ``thread`` and the ``inbox`` group."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table

from ascolto.care import cases
from ascolto.care.conversations import addressed, thread
from ascolto.care.responses import GROUPS, duration, metrics, waiting
from ascolto.cli.common import (
    JsonOpt,
    SinceOpt,
    UntilOpt,
    WorkspaceOpt,
    console,
    open_workspace,
    print_json,
    short,
    when,
)


def responses(
    since: SinceOpt = None,
    until: UntilOpt = None,
    platform: Annotated[str | None, typer.Option(help="Only this platform.")] = None,
    by: Annotated[
        list[str] | None,
        typer.Option(help=f"Group by {', '.join(GROUPS)} (repeatable)."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Count waits up to this time instead of now."),
    ] = None,
    show_waiting: Annotated[
        int,
        typer.Option(
            "--waiting", help="Also list the N longest-waiting unanswered messages per intent."
        ),
    ] = 0,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Messages addressed to the brand: answered, response rate, first-response times
    (calendar and business hours), and what is still waiting."""
    ws = open_workspace(workspace)
    calendar = ws.calendar
    now = when(as_of, "--as-of")
    with ws.connect(read_only=True) as con:
        rows = addressed(
            con, when(since, "--since"), when(until, "--until"), platform, calendar.timezone
        )
        examples = waiting(con, rows, n=show_waiting, as_of=now) if show_waiting else {}
    result = metrics(rows, by or (), calendar, now)
    if examples:
        result["waiting"] = examples
    if as_json:
        print_json(result)
        return
    for name in by or ["all"]:  # each grouping under the overall row
        _table(name, {"all": result["overall"], **result.get(f"by_{name}", {})})
    for intent, items in examples.items():
        for w in items:
            text = " ".join((w["text"] or "").split())[:90]
            console.print(
                f"[bold]{intent}[/] waiting {duration(w['waiting_s'])} · {w['platform']} "
                f"{w['author'] or ''}: {text}"
            )
    if not result["overall"]["addressed"]:
        console.print(
            "No messages addressed to the brand: set `owners` in ascolto.toml (or --owner at "
            "import) so ascolto knows the brand's accounts."
        )
    console.print(
        f"Business hours: {calendar.hours} ({calendar.timezone}), holidays "
        f"{calendar.country or 'none'} (settings business_hours, timezone, holidays, closures)."
    )


def _table(name: str, groups: dict[str, dict[str, Any]]) -> None:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    table.add_column(name, no_wrap=True)
    for column in ("to brand", "answered", "rate", "median", "p90", "biz", "waiting", "oldest"):
        table.add_column(column, justify="right", no_wrap=True)
    for label, g in groups.items():
        rate = g["response_rate"]
        table.add_row(
            label,
            f"{g['addressed']:,}",
            f"{g['answered']:,}",
            f"{100 * rate:.0f}%" if rate is not None else "–",
            duration(g["first_response_median_s"]),
            duration(g["first_response_p90_s"]),
            duration(g["business_median_s"]),
            f"{g['unanswered']:,}",
            duration(g["unanswered_oldest_s"]),
        )
    console.print(table)
    console.print(
        "median, p90: time to the first owner reply; biz: its median in business hours; "
        "waiting: still unanswered; oldest: the longest wait among them"
    )


def thread_command(
    message: Annotated[str, typer.Argument(help="Any message of the thread: PLATFORM:ID or ID.")],
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """A whole conversation in reply order: depth, authors (the brand's marked), intent."""
    ws = open_workspace(workspace)
    with ws.connect(read_only=True) as con:
        t = thread(con, message)
    if as_json:
        print_json(t)
        return
    for m in t["messages"]:
        who = m["handle"] or m["author_id"] or "?"
        mark = "[bold]" + who + " (brand)[/]" if m["owned"] else who
        text = short(m["text"], 100)
        here = " ←" if m["id"] == t["message_id"] else ""
        console.print(
            f"{'  ' * m['depth']}{m['created_at'][:16].replace('T', ' ')} {mark}"
            f"{' · ' + m['intent'] if m['intent'] else ''}{here}\n{'  ' * m['depth']}  {text}",
            highlight=False,
            markup=True,
        )
    people = ", ".join(
        f"{p['handle'] or p['author_id']} ({p['messages']})" for p in t["participants"]
    )
    console.print(f"{len(t['messages'])} messages, depth {t['depth']}; participants: {people}")


inbox_app = typer.Typer(
    help="Cases that need an answer, by priority; assign, close, note and tag them.",
    invoke_without_command=True,
)

CaseArg = Annotated[int, typer.Argument(help="The case number (the inbox's first column).")]
ActorOpt = Annotated[str | None, typer.Option(help="Who acts (default: $USER).")]


@inbox_app.callback()
def inbox(
    ctx: typer.Context,
    status: Annotated[str, typer.Option(help="open, pending, closed or all.")] = "open",
    intent: Annotated[list[str] | None, typer.Option(help="Only these intents.")] = None,
    limit: Annotated[int, typer.Option(help="Cases to show (0: all).")] = 20,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Measure waits up to this time, not now.")
    ] = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Bring the cases up to date with the store, then list them by priority."""
    if ctx.invoked_subcommand:
        return
    ws = open_workspace(workspace)
    now = when(as_of, "--as-of")
    with ws.connect() as con:
        changes = cases.sync(con, ws.calendar, ws.sla, ws.settings["case_intents"], now)
        rows = cases.inbox(con, ws.calendar, status, intent or (), now, limit or None)
    if as_json:
        print_json({"changes": changes, "priority": cases.PRIORITY, "cases": rows})
        return
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    for column in ("case", "priority", "intent", "status", "waiting", "SLA", "author"):
        table.add_column(column, no_wrap=True, min_width=len(column))
    table.add_column("message", no_wrap=True, overflow="ellipsis", max_width=30)
    for r in rows:
        text = " ".join((r["text"] or "").split())
        table.add_row(
            str(r["id"]),
            f"{r['priority']:.0f}",
            r["intent"],
            r["status"] + (f" ({r['assignee']})" if r["assignee"] else ""),
            duration(r["waiting_business_s"]),
            "[red]breached[/]" if r["sla_breached"] else "ok",
            r["handle"] or r["author_id"] or "?",
            text[:80],
        )
    console.print(table)
    console.print(
        f"{changes['opened']} opened, {changes['closed']} closed by a brand reply, "
        f"{changes['reopened']} reopened since the last look. Waiting is business time; "
        "`--json` shows each score's points."
    )


def _act(case_id: int, action: str, value: str | None, actor: str | None, workspace: Any) -> None:
    ws = open_workspace(workspace)
    with ws.connect() as con:
        case = cases.act(con, case_id, action, value, actor)
    console.print(
        f"case {case_id}: {case['status']}"
        + (f", assigned to {case['assignee']}" if case["assignee"] else "")
        + (f", tags {', '.join(case['tags'])}" if case["tags"] else "")
    )


@inbox_app.command("assign")
def assign(
    case: CaseArg,
    who: Annotated[str, typer.Argument(help="The assignee.")],
    actor: ActorOpt = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Give a case to someone."""
    _act(case, "assign", who, actor, workspace)


@inbox_app.command("pending")
def pending(case: CaseArg, actor: ActorOpt = None, workspace: WorkspaceOpt = None) -> None:
    """Waiting on the customer: out of the open list until they write again."""
    _act(case, "pending", None, actor, workspace)


@inbox_app.command("close")
def close(case: CaseArg, actor: ActorOpt = None, workspace: WorkspaceOpt = None) -> None:
    """Close a case (it reopens if the customer writes again)."""
    _act(case, "close", None, actor, workspace)


@inbox_app.command("reopen")
def reopen(case: CaseArg, actor: ActorOpt = None, workspace: WorkspaceOpt = None) -> None:
    """Open a closed or pending case again."""
    _act(case, "reopen", None, actor, workspace)


@inbox_app.command("note")
def note(
    case: CaseArg,
    text: Annotated[str, typer.Argument(help="The note.")],
    actor: ActorOpt = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Add a note to a case's history."""
    _act(case, "note", text, actor, workspace)


@inbox_app.command("tag")
def tag(
    case: CaseArg,
    name: Annotated[str, typer.Argument(help="The tag.")],
    actor: ActorOpt = None,
    workspace: WorkspaceOpt = None,
) -> None:
    """Tag a case."""
    _act(case, "tag", name, actor, workspace)


@inbox_app.command("history")
def history(case: CaseArg, workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Every change of a case: when, who, what."""
    ws = open_workspace(workspace)
    with ws.connect(read_only=True) as con:
        events = cases.history(con, case)
    if as_json:
        print_json(events)
        return
    for e in events:
        when = e["happened_at"].strftime("%Y-%m-%d %H:%M")
        console.print(
            f"{when}  {e['actor']:<12} {e['action']}" + (f": {e['detail']}" if e["detail"] else "")
        )


def team(workspace: WorkspaceOpt = None, as_json: JsonOpt = False) -> None:
    """Per owned account: replies, median reply time, SLA met, cases closed; per person: cases."""
    ws = open_workspace(workspace)
    with ws.connect(read_only=True) as con:
        result = cases.team(con)
    if as_json:
        print_json(result)
        return
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    for column in ("account", "replies", "median reply", "SLA met", "cases closed"):
        table.add_column(column, no_wrap=True, justify="left" if column == "account" else "right")
    for a in result["accounts"]:
        rate = a["sla_met_rate"]
        table.add_row(
            f"{a['platform']}:{a['handle'] or a['account']}",
            f"{a['replies']:,}",
            duration(a["reply_median_s"]),
            f"{100 * rate:.0f}% of {a['sla_measured']:,}" if rate is not None else "–",
            f"{a['cases_closed']:,}",
        )
    console.print(table)
    if result["people"]:
        people = Table("person", "assigned", "still open", "closed", box=box.SIMPLE_HEAD)
        for p in result["people"]:
            people.add_row(p["person"], str(p["assigned"]), str(p["open_cases"]), str(p["closed"]))
        console.print(people)
    console.print(
        "SLA met: the case's first answer came within its SLA (run `ascolto inbox` to update "
        "the cases first)."
    )
