"""``classify``, ``models``, ``enrich`` and ``label`` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import ascolto, one_line_error

LINES = [
    "Il mio ordine non è mai arrivato, aiutatemi",
    "",
    "thanks @Delta, great flight!",
    "sei un idiota, vergognati",
]


def test_classify_text_and_jsonl_keep_order(tmp_path: Path) -> None:
    plain = tmp_path / "in.txt"
    plain.write_text("\n".join(LINES) + "\n")
    out = tmp_path / "out.jsonl"
    ascolto("classify", "--task", "sentiment", "--input", str(plain), "--output", str(out))
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["text"] for r in rows] == LINES
    assert {r["label"] for r in rows} <= {"negative", "neutral", "positive"}
    assert rows[2]["lang"] == "en" and rows[0]["lang"] == "it" and rows[1]["lang"] == "und"
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_text("".join(json.dumps({"text": t, "id": i}) + "\n" for i, t in enumerate(LINES)))
    proc = ascolto("classify", "-t", "toxicity", "-i", str(jsonl))
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["text"] for r in rows] == LINES and rows[3]["label"] == "toxic"


def test_classify_bad_jsonl_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "ok"}\n{"testo": "no"}\n')
    line = one_line_error(ascolto("classify", "-t", "intent", "-i", str(bad), ok=False))
    assert "bad.jsonl:2" in line and "text field" in line
    line = one_line_error(ascolto("classify", "-t", "mood", "-i", str(bad), ok=False))
    assert "unknown task" in line


def test_models_list_and_evaluate(tmp_path: Path) -> None:
    listed = json.loads(ascolto("models", "list", "--json").stdout)
    assert [m["task"] for m in listed] == ["language", "sentiment", "intent", "toxicity"]
    labelled = tmp_path / "gold.jsonl"
    labelled.write_text(
        json.dumps({"text": "sei un idiota, vergognati", "label": "toxic"})
        + "\n"
        + json.dumps({"text": "che bella giornata al mare", "label": "ok"})
        + "\n"
    )
    result = json.loads(
        ascolto("models", "evaluate", "toxicity", "--data", str(labelled), "--json").stdout
    )
    assert result["n"] == 2 and result["labels"] == ["ok", "toxic"]
    assert sum(map(sum, result["confusion"])) == 2
    text = ascolto("models", "evaluate", "toxicity", "--data", str(labelled)).stdout
    assert "macro-F1" in text and "truth" in text


def test_enrich_and_label_on_the_demo(tmp_path: Path) -> None:
    ws = tmp_path / "demo"
    demo = json.loads(ascolto("demo", "-w", str(ws), "--json").stdout)
    read = demo["enriched"]  # the demo reads every message with the shipped models
    assert read["enriched"] == sum(demo["stored"].values()) > 1000
    assert read["enrichments_written"] == 4 * read["enriched"]
    assert list(read["tasks"]) == ["language", "sentiment", "intent", "toxicity"]
    again = json.loads(
        ascolto("enrich", "-w", str(ws), "--tasks", "sentiment,intent", "--json").stdout
    )
    assert again["pending"] == 0
    import duckdb

    with duckdb.connect(str(ws / "ascolto.duckdb"), read_only=True) as con:
        platform, ident = con.execute("SELECT platform, id FROM messages LIMIT 1").fetchall()[0]
    done = json.loads(
        ascolto("label", f"{platform}:{ident}", "intent", "idea", "-w", str(ws), "--json").stdout
    )
    assert done["label"] == "idea" and done["previous"]
    line = one_line_error(
        ascolto("label", f"{platform}:{ident}", "intent", "nope", "-w", str(ws), ok=False)
    )
    assert "unknown intent label" in line
