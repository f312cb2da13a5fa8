"""The ``ascolto`` command: assembles the command groups and turns user errors into one line."""

from __future__ import annotations

import sys

import duckdb
import typer

from ascolto.cli import (
    care,
    demo,
    enrich,
    export,
    ingest,
    report,
    search,
    themes,
    topics,
    workspace,
)
from ascolto.cli.common import err_console
from ascolto.errors import AscoltoError

app = typer.Typer(
    name="ascolto",
    help="ascolto: local-first social listening and conversation intelligence.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command()(workspace.init)
app.command()(ingest.ingest)
app.command()(ingest.formats)
app.command()(workspace.stats)
app.command()(export.export)
app.command()(ingest.quarantine)
app.command()(demo.demo)
app.command()(report.report)
app.command()(enrich.enrich)
app.command()(enrich.classify)
app.command()(enrich.label)
app.command()(care.responses)
app.command("thread")(care.thread_command)
app.add_typer(care.inbox_app, name="inbox")
app.command()(care.team)
app.command()(search.search)
app.command()(search.count)
app.command()(search.reindex)
app.add_typer(topics.topics_app, name="topics")
app.command("themes")(themes.themes_command)
app.command("ideas")(themes.ideas_command)
app.add_typer(enrich.models_app, name="models")


def run() -> None:
    """Entry point: user errors print one line and exit 2, never a traceback."""
    try:
        app()
    except AscoltoError as e:
        err_console.print(f"[red]error:[/] {e}", soft_wrap=True)
        sys.exit(2)
    except (KeyboardInterrupt, duckdb.InterruptException):
        err_console.print(
            "[yellow]interrupted[/]: finished batches are stored; run again to resume"
        )
        sys.exit(130)
