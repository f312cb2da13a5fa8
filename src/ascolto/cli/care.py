"""``ascolto responses`` (who got an answer from the brand, how fast) and ``ascolto thread``."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table

from ascolto.care.conversations import addressed, thread
from ascolto.care.responses import GROUPS, duration, metrics
from ascolto.cli.common import JsonOpt, WorkspaceOpt, console, open_workspace, print_json
from ascolto.errors import BadOption


def _when(value: str | None, option: str) -> datetime | None:
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


def responses(
    since: Annotated[
        str | None, typer.Option(help="From this date (YYYY-MM-DD), inclusive.")
    ] = None,
    until: Annotated[str | None, typer.Option(help="Up to this date, exclusive.")] = None,
    platform: Annotated[str | None, typer.Option(help="Only this platform.")] = None,
    by: Annotated[
        list[str] | None,
        typer.Option(help=f"Group by {', '.join(GROUPS)} (repeatable)."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Count waits up to this time instead of now."),
    ] = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Messages addressed to the brand: answered, response rate, first-response times
    (calendar and business hours), and what is still waiting."""
    ws = open_workspace(workspace)
    calendar = ws.calendar
    with ws.connect(read_only=True) as con:
        rows = addressed(
            con, _when(since, "--since"), _when(until, "--until"), platform, calendar.timezone
        )
    result = metrics(rows, by or (), calendar, _when(as_of, "--as-of"))
    if as_json:
        print_json(result)
        return
    for name in by or ["all"]:  # each grouping under the overall row
        _table(name, {"all": result["overall"], **result.get(f"by_{name}", {})})
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
        text = " ".join((m["text"] or "").split())
        text = text[:100] + "…" if len(text) > 100 else text
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
