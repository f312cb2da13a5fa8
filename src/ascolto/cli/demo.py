"""``ascolto demo``: the invented brand's corpus, imported and reported, in one command."""

from __future__ import annotations

import json
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ascolto.cli.common import JsonOpt, console, print_json
from ascolto.demo import DEFAULT_SEED, generate
from ascolto.demo.pipeline import run_demo


def _planted(truth_path: Path) -> str:
    """One line naming what the ground truth says was planted."""
    ph = json.loads(truth_path.read_text(encoding="utf-8"))["phenomena"]
    gap = {k: v["median_first_response_minutes"] for k, v in ph["response_gap"]["observed"].items()}
    return (
        f"response gap (median answer: purchase {gap['purchase']:.0f} min, "
        f"questions {gap['question'] / 60:.0f} h, ideas {gap['idea'] / 60:.0f} h), "
        f"flame on {ph['flame']['day']}, {ph['bought_followers']['size']} bought followers, "
        f"a contest ring of {len(ph['contest_ring']['ring_handles'])}, a viral post "
        f"({ph['viral']['size']} reshares and replies), "
        f"{len(ph['influencers']['hubs'])} influencer hubs"
    )


def demo(
    generate_dir: Annotated[
        Path | None,
        typer.Option(
            "--generate",
            metavar="DIR",
            help="Only write the corpus (export files + ground truth) into DIR.",
        ),
    ] = None,
    workspace: Annotated[
        Path,
        typer.Option("--workspace", "-w", help="Workspace to create (or refresh) and fill."),
    ] = Path("demo-workspace"),
    seed: Annotated[
        int, typer.Option(help="Same seed, same corpus, byte for byte.")
    ] = DEFAULT_SEED,
    as_json: JsonOpt = False,
) -> None:
    """Generate a demo brand's social data, import it, and write the overview report."""
    if generate_dir is not None:
        corpus = generate(generate_dir, seed)
        if as_json:
            print_json(
                {
                    "corpus": str(corpus.directory),
                    "seed": seed,
                    "messages": corpus.messages,
                    "files": corpus.files,
                    "ground_truth": str(corpus.truth),
                }
            )
            return
        for platform, n in corpus.messages.items():
            files = len(corpus.files[platform])
            console.print(f"  {platform:<10} {n:>6} messages in {files} files")
        console.print(
            f"Wrote the corpus to [bold]{corpus.directory}[/] (ground truth: {corpus.truth.name})"
        )
        return
    busy = console.status("generating and importing the demo corpus…", spinner="dots")
    with busy if console.is_terminal and not as_json else nullcontext():
        run = run_demo(workspace, seed)
    if as_json:
        print_json(run.summary())
        return
    s = run.summary()
    table = Table(
        "platform",
        "generated",
        "in the store",
        "owner replies",
        title=f"Caffè Aurora demo (seed {seed})",
    )
    for platform, n in s["generated"].items():
        table.add_row(
            platform,
            str(n),
            str(s["stored"].get(platform, 0)),
            str(s["owner_replies"].get(platform, 0)),
        )
    console.print(table)
    imported = s["imported"]
    console.print(
        f"Imported {imported['total']} records: {imported['new']} new, "
        f"{imported['duplicates']} already stored or repeated in the files; "
        f"{s['quarantined']} in quarantine."
    )
    read = s["enriched"]
    console.print(
        f"Read {read['enriched']} messages for {', '.join(read['tasks'])} with the shipped "
        "models (`ascolto models list`)."
    )
    console.print(f"Planted: {_planted(run.corpus.truth)}")
    console.print(f"Workspace: [bold]{run.workspace}[/] (owners: {', '.join(s['owners'])})")
    console.print(f"Ground truth: {run.corpus.truth}")
    console.print(f"Report: [bold]{run.report}[/]")
