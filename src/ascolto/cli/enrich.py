"""``ascolto enrich``, ``classify``, ``label`` and the ``models`` group."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.table import Table

from ascolto.care import cases
from ascolto.cli.common import (
    JsonOpt,
    WorkspaceOpt,
    console,
    err_console,
    open_workspace,
    print_json,
    progress_bar,
)
from ascolto.cli.search import index_now
from ascolto.enrich import corrections, registry
from ascolto.enrich.backends import Backend, get_backend
from ascolto.enrich.evaluation import read_labelled, read_texts
from ascolto.enrich.linear import META
from ascolto.enrich.metrics import evaluate as score
from ascolto.enrich.pipeline import enrich_store
from ascolto.enrich.tasks import LABELS, SUPPORTED_LANGUAGES, TASKS, check_task
from ascolto.enrich.training import train as train_model
from ascolto.errors import BadOption
from ascolto.ingest import stop_between_batches

models_app = typer.Typer(help="List, train and evaluate the reading models.", no_args_is_help=True)

BackendOpt = Annotated[
    str,
    typer.Option(
        "--backend", "-b", help="linear (default, shipped), transformers (--model) or llm."
    ),
]
ModelOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--model",
        "-m",
        help="transformers: TASK=FOLDER of a local Hugging Face classification model "
        "(repeat per task; other tasks are read by linear).",
    ),
]
EndpointOpt = Annotated[
    str | None,
    typer.Option(
        help="llm: an OpenAI-compatible base URL, e.g. http://127.0.0.1:11434/v1 (Ollama); "
        "a key, if needed, in $ASCOLTO_LLM_API_KEY."
    ),
]
LlmModelOpt = Annotated[
    str | None, typer.Option("--llm-model", help="llm: the model the endpoint serves.")
]
LlmLogOpt = Annotated[
    Path | None,
    typer.Option("--llm-log", help="llm: JSONL log of each request's tokens, cost and latency."),
]


def _backend(
    name: str,
    languages: tuple[str, ...] = SUPPORTED_LANGUAGES,
    workspace_models: Path | None = None,
    models: list[str] | None = None,
    endpoint: str | None = None,
    llm_model: str | None = None,
    llm_log: Path | None = None,
) -> Backend:
    """The backend with its options. A workspace's retrained linear models (``models train
    --corrections``) win over the shipped ones, also for the tasks transformers leaves to
    linear; an option of another backend is one clear error, not silently ignored."""
    folders = workspace_models.iterdir() if workspace_models and workspace_models.is_dir() else ()
    trained = {p.name: p for p in folders if (p / META).is_file()}
    linear = get_backend("linear", languages=languages, models=trained)
    given = {"--model": models, "--endpoint": endpoint, "--llm-model": llm_model}
    wanted = {"linear": (), "transformers": ("--model",), "llm": ("--endpoint", "--llm-model")}
    for option, value in given.items():
        if value and option not in wanted.get(name, ()):
            raise BadOption(f"{option} is not an option of the {name} backend")
    if name == "linear":
        return linear
    if name == "transformers":
        folders_by_task = {}
        for spec in models or ():
            task, sep, folder = spec.partition("=")
            if not sep or not folder:
                raise BadOption(f"--model {spec}: expected TASK=FOLDER, e.g. sentiment=./xlmr")
            folders_by_task[check_task(task.strip())] = Path(folder)
        return get_backend(name, models=folders_by_task, languages=languages, linear=linear)
    if name == "llm":
        if not endpoint or not llm_model:
            raise BadOption(
                "the llm backend needs --endpoint URL and --llm-model NAME, e.g. "
                "--endpoint http://127.0.0.1:11434/v1 --llm-model qwen2.5:7b-instruct"
            )
        return get_backend(
            name, endpoint=endpoint, model=llm_model, languages=languages, log=llm_log
        )
    return get_backend(name)


def enrich(
    tasks: Annotated[
        str,
        typer.Option("--tasks", help="Comma-separated tasks: language,sentiment,intent,toxicity."),
    ] = ",".join(TASKS),
    backend: BackendOpt = "linear",
    model: ModelOpt = None,
    endpoint: EndpointOpt = None,
    llm_model: LlmModelOpt = None,
    llm_log: LlmLogOpt = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Read every message not yet read by the current models (incremental, resumable)."""
    ws = open_workspace(workspace)
    names = [check_task(t.strip()) for t in tasks.split(",") if t.strip()]
    languages = ws.languages
    log = llm_log or ws.root / "logs" / "llm.jsonl"
    engine = _backend(backend, languages, ws.root / "models", model, endpoint, llm_model, log)
    with ws.connect() as con, progress_bar("enriching") as bar, stop_between_batches() as stop:
        job = bar.add_task("enrich", total=None)
        result = enrich_store(
            con,
            names,
            engine,
            progress=lambda d, t: bar.update(job, completed=d, total=t),
            should_stop=stop,
        )
        if result["complete"]:  # intents changed: the inbox's cases follow them
            result["cases"] = cases.sync(con, ws.calendar, ws.sla, ws.settings["case_intents"])
    if result["enriched"]:  # and so does the search index (labels are search fields)
        index_now(ws)
    if engine.name == "llm":  # what the run cost: requests, tokens, money, time
        result["llm"] = {**engine.stats, "log": str(log)}  # type: ignore[attr-defined]
    if as_json:
        print_json(result)
        return
    if engine.name == "llm":
        err_console.print(f"{engine.summary()} (log: {log})")  # type: ignore[attr-defined]
    console.print(
        f"Enriched {result['enriched']} of {result['pending']} pending messages "
        f"({result['messages']} stored) for {', '.join(names)} with the {backend} backend."
    )
    if not result["complete"]:
        console.print("[yellow]stopped early[/]: run again to resume")


def classify(
    task: Annotated[
        str, typer.Option("--task", "-t", help="language, sentiment, intent or toxicity.")
    ],
    input: Annotated[
        Path,
        typer.Option("--input", "-i", help="Text file (one message a line) or JSONL with text."),
    ],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="JSONL to write (default: stdout).")
    ] = None,
    backend: BackendOpt = "linear",
    model: ModelOpt = None,
    endpoint: EndpointOpt = None,
    llm_model: LlmModelOpt = None,
    llm_log: LlmLogOpt = None,
    batch: Annotated[int, typer.Option(help="Messages read per batch.")] = 10_000,
) -> None:
    """Label a file of messages: JSONL of text, label, score and lang, a line per input line."""
    check_task(task)
    engine = _backend(backend, SUPPORTED_LANGUAGES, None, model, endpoint, llm_model, llm_log)
    langid = _backend("linear")
    out = output.open("wb") if output else sys.stdout.buffer
    n = 0
    try:
        texts: list[str] = []
        for text in read_texts(input):
            texts.append(text)
            if len(texts) >= batch:
                n += _classify_batch(texts, task, engine, langid, out)
                texts = []
        if texts:
            n += _classify_batch(texts, task, engine, langid, out)
    finally:
        if output:
            out.close()
    if output:
        err_console.print(f"Wrote {n} lines to {output}")


def _classify_batch(texts: list[str], task: str, engine: Backend, langid: Backend, out: Any) -> int:
    """One JSONL line per text; ``lang`` always comes from the linear backend (it is cheap)."""
    labels, scores = engine.predict(texts, [task])[task]
    langs = langid.predict(texts, ["language"])["language"][0]
    for text, label, s, lang in zip(texts, labels, scores, langs, strict=True):
        out.write(orjson.dumps({"text": text, "label": label, "score": s, "lang": lang}) + b"\n")
    return len(texts)


def label(
    message_id: Annotated[str, typer.Argument(help="The message: PLATFORM:ID, or ID when unique.")],
    task: Annotated[str, typer.Argument(help="language, sentiment, intent or toxicity.")],
    value: Annotated[str, typer.Argument(metavar="LABEL", help="The right label.")],
    actor: Annotated[str | None, typer.Option(help="Who corrects (default: $USER).")] = None,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Correct a message's label: corrections win over models and can train them."""
    ws = open_workspace(workspace)
    with ws.connect() as con:
        done = corrections.correct(con, message_id, task, value, actor)
    if as_json:
        print_json(done)
    else:
        console.print(
            f"{done['platform']}:{done['message_id']} {task} = {value} "
            f"(was {done['previous'] or 'unlabelled'})"
        )


@models_app.command("list")
def models_list(as_json: JsonOpt = False) -> None:
    """The shipped models: task, name, version, date and validation macro-F1."""
    rows = registry.shipped()
    if as_json:
        print_json(rows)
        return
    table = Table("task", "model", "version", "macro-F1")
    for r in rows:
        f1 = f"{100 * r['macro_f1']:.1f}" if r["macro_f1"] is not None else "see README"
        table.add_row(r["task"], r["name"], r["version"], f1)
    console.print(table)
    console.print(
        "macro-F1 on validation rows never trained on; labels with --json; each model's card "
        f"is MODEL_CARD.md beside it in {registry.MODELS}"
    )


@models_app.command("train")
def models_train(
    task: Annotated[str, typer.Argument(help="language, sentiment, intent or toxicity.")],
    data: Annotated[Path, typer.Option(help="The shared datasets folder.")] = Path(
        "../shared/data"
    ),
    output: Annotated[
        Path | None,
        typer.Option(
            help="Model folder to write (default: the shipped one; with "
            "--corrections, the workspace's models/TASK)."
        ),
    ] = None,
    with_: Annotated[
        list[str] | None,
        typer.Option("--with", help="Add an optional corpus (sentiment: sentipolc)."),
    ] = None,
    use_corrections: Annotated[
        bool, typer.Option("--corrections", help="Also train on the workspace's corrections.")
    ] = False,
    workspace: WorkspaceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Train a model from the shared datasets with the fixed seed, and write its card."""
    check_task(task)
    rows: list[tuple[str, str, str]] = []
    if use_corrections:
        ws = open_workspace(workspace)
        with ws.connect(read_only=True) as con:
            rows = corrections.training_rows(con, task)
        output = output or ws.root / "models" / task
    output = output or registry.model_dir(task)
    with err_console.status(f"training {task} (a few minutes)"):
        meta = train_model(task, data, output, extra=with_ or (), corrections=rows)
    overall = meta["validation"]["overall"]
    if as_json:
        print_json({"path": str(output), "version": meta["version"], "validation": overall})
        return
    console.print(
        f"Trained {meta['name']} {meta['version']} -> {output}: validation accuracy "
        f"{100 * overall['accuracy']:.1f}, macro-F1 {100 * overall['macro_f1']:.1f} "
        f"({overall['n']} rows); card in {output / 'MODEL_CARD.md'}"
    )


@models_app.command("evaluate")
def models_evaluate(
    task: Annotated[str, typer.Argument(help="language, sentiment, intent or toxicity.")],
    data: Annotated[
        Path,
        typer.Option(
            help="Labelled JSONL/CSV (text, label), or the shared datasets folder "
            "for the validation rows."
        ),
    ],
    backend: BackendOpt = "linear",
    model: ModelOpt = None,
    endpoint: EndpointOpt = None,
    llm_model: LlmModelOpt = None,
    llm_log: LlmLogOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Accuracy, macro-F1, per-class precision/recall/F1 and the confusion matrix."""
    check_task(task)
    texts, truth = read_labelled(data, task)
    engine = _backend(backend, SUPPORTED_LANGUAGES, None, model, endpoint, llm_model, llm_log)
    predicted = engine.predict(texts, [task])[task][0]
    labels = list(LABELS.get(task, sorted(set(truth) | set(predicted))))
    result = {
        "task": task,
        "backend": backend,
        "model": engine.identity(task),
        **score(truth, predicted, labels),
    }
    if as_json:
        print_json(result)
        return
    console.print(
        f"{task} on {result['n']} rows: accuracy {100 * result['accuracy']:.1f}, "
        f"macro-F1 {100 * result['macro_f1']:.1f}"
    )
    table = Table("class", "precision", "recall", "F1", "support")
    for name, s in result["per_class"].items():
        table.add_row(
            name, *(f"{100 * s[k]:.1f}" for k in ("precision", "recall", "f1")), str(s["support"])
        )
    console.print(table)
    confusion = Table("truth \\ predicted", *labels)
    for name, row in zip(labels, result["confusion"], strict=True):
        confusion.add_row(name, *(str(v) for v in row))
    console.print(confusion)
