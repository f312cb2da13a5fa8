"""The command line as a user runs it: real processes, real files, JSON output, one-line errors."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.conftest import data_path


def ascolto(
    *args: str, cwd: Path | None = None, env: dict | None = None, ok: bool = True
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "ascolto", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )
    if ok:
        assert proc.returncode == 0, proc.stderr
    return proc


def one_line_error(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    return lines[0]


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    ascolto("init", str(tmp_path / "ws"), "--owner", "x:sprintcare")
    return tmp_path / "ws"


def test_help_for_every_command() -> None:
    for command in ("init", "ingest", "formats", "stats", "export", "quarantine"):
        out = ascolto(command, "--help").stdout
        assert "--help" in out and len(out) > 100


def test_ingest_stats_export_roundtrip(ws: Path, tmp_path: Path) -> None:
    folder = data_path("formats/twitter_v2_twarc2")
    first = json.loads(ascolto("ingest", "-w", str(ws), str(folder), "--json").stdout)
    assert {"new", "updated", "duplicates", "quarantined", "total"} <= set(first)
    assert first["new"] == 184 and first["quarantined"] == 1
    assert first["total"] == first["new"] + first["duplicates"] + first["quarantined"]
    again = json.loads(ascolto("ingest", "-w", str(ws), str(folder), "--json").stdout)
    assert again["new"] == 0 and again["updated"] == 0

    stats = json.loads(ascolto("stats", "-w", str(ws), "--json").stdout)
    assert stats["messages"] == 184 and stats["platforms"] == {"x": 184}
    assert {"messages", "authors", "threads", "platforms", "first", "last"} <= set(stats)
    assert stats["first"].startswith("2020-") and stats["last"].startswith("2022-10-04")

    for ext in ("parquet", "csv", "jsonl"):
        out = tmp_path / f"all.{ext}"
        ascolto("export", "-w", str(ws), "--output", str(out))
        if ext == "parquet":
            assert pq.read_table(out).num_rows == 184
        elif ext == "csv":
            with out.open(newline="") as f:
                assert sum(1 for _ in csv.DictReader(f)) == 184
        else:
            rows = [json.loads(line) for line in out.read_text().splitlines()]
            assert len(rows) == 184 and rows[0]["platform"] == "x"
    raw_out = tmp_path / "raw.jsonl"
    ascolto("export", "-w", str(ws), "--output", str(raw_out), "--raw")
    rows = [json.loads(line) for line in raw_out.read_text().splitlines()]
    # the original record comes out as a JSON object, not as a string holding one
    assert all(isinstance(r["raw"], dict) and r["raw"]["id"] == r["id"] for r in rows)

    quarantine = json.loads(ascolto("quarantine", "-w", str(ws), "--json").stdout)
    assert len(quarantine) == 2 and quarantine[0]["location"] == "line 8"


def test_workspace_found_upward_and_from_env(ws: Path) -> None:
    sub = ws / "deep" / "er"
    sub.mkdir(parents=True)
    assert json.loads(ascolto("stats", "--json", cwd=sub).stdout)["messages"] == 0
    env = {"ASCOLTO_WORKSPACE": str(ws), "PATH": "/usr/bin:/bin"}
    assert json.loads(ascolto("stats", "--json", cwd=Path("/"), env=env).stdout)["messages"] == 0


def test_owner_flag_marks_brand_replies(ws: Path) -> None:
    path = data_path("twcs_customer_support_twitter/twcs_part.csv")
    ascolto("ingest", "-w", str(ws), str(path), "--owner", "x:AppleSupport", "--json")
    stats = json.loads(ascolto("stats", "-w", str(ws), "--json").stdout)
    assert stats["owner_replies"] > 1000 and stats["owned_authors"] >= 70


def test_user_errors_are_one_line(ws: Path, tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("just some notes\n")
    line = one_line_error(ascolto("ingest", "-w", str(ws), str(junk), ok=False))
    assert "notes.txt" in line and "not a recognised format" in line and "twarc2" in line
    line = one_line_error(
        ascolto("ingest", "-w", str(ws), str(tmp_path / "missing.jsonl"), ok=False)
    )
    assert "no such file" in line
    line = one_line_error(ascolto("ingest", "-w", str(ws), str(junk), "--format", "nope", ok=False))
    assert "unknown format 'nope'" in line
    line = one_line_error(ascolto("ingest", "-w", str(ws), str(junk), "--owner", "bogus", ok=False))
    assert "PLATFORM:HANDLE_OR_ID" in line
    line = one_line_error(ascolto("stats", "-w", str(tmp_path / "nowhere"), ok=False))
    assert "not an ascolto workspace" in line and "ascolto init" in line
    line = one_line_error(
        ascolto("export", "-w", str(ws), "-o", str(tmp_path / "x.xlsx"), ok=False)
    )
    assert ".parquet, .csv or .jsonl" in line
    # A named unrecognised file stops the import before anything is written.
    stats = json.loads(ascolto("stats", "-w", str(ws), "--json").stdout)
    assert stats["messages"] == 0 and stats["imports"] == 0


def test_bad_records_are_quarantined_and_import_goes_on(ws: Path, tmp_path: Path) -> None:
    good = data_path("formats/twitter_v2_twarc2/flat.jsonl").read_text().splitlines()
    broken = tmp_path / "broken.jsonl"
    broken.write_text("\n".join([good[0], good[1][:200], "[1, 2]", good[2]]) + "\n")
    out = json.loads(ascolto("ingest", "-w", str(ws), str(broken), "--json").stdout)
    assert out["quarantined"] == 2
    rows = json.loads(ascolto("quarantine", "-w", str(ws), "--json").stdout)
    assert {r["location"] for r in rows} == {"line 2", "line 3"}
    assert all(r["path"].endswith("broken.jsonl") for r in rows)


def test_busy_workspace_is_reported(ws: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                "print('ok', flush=True); time.sleep(30)"
            ),
            str(ws / "ascolto.duckdb"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        line = one_line_error(ascolto("stats", "-w", str(ws), ok=False))
        assert "in use by another ascolto process" in line
    finally:
        holder.kill()
        holder.wait()
    time.sleep(0.1)
    ascolto("stats", "-w", str(ws))


def test_formats_lists_sources() -> None:
    rows = json.loads(ascolto("formats", "--json").stdout)
    names = {r["name"] for r in rows}
    assert "twarc2" in names and all(r["description"] for r in rows)


def test_ctrl_c_stops_between_batches_and_rerun_completes(ws: Path, tmp_path: Path) -> None:
    import importlib.util
    import signal

    import psutil

    spec = importlib.util.spec_from_file_location(
        "bench_ingest", Path(__file__).resolve().parents[2] / "bench" / "ingest.py"
    )
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    big = tmp_path / "big.jsonl"
    bench.generate(big, 150_000)  # ~240 MB: split between two reader processes
    proc = subprocess.Popen(
        [sys.executable, "-m", "ascolto", "ingest", "-w", str(ws), str(big)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # Rows go straight to the database file, not the log, so nothing on disk tells when the
    # first batch is written: wait for the readers to start, then give them a moment.
    deadline = time.time() + 60
    while time.time() < deadline and proc.poll() is None:
        if len(psutil.Process(proc.pid).children()) >= 2:
            break
        time.sleep(0.05)
    time.sleep(1.5)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "interrupted" in err
    kept = json.loads(ascolto("stats", "-w", str(ws), "--json").stdout)["messages"]
    assert 0 < kept < 150_000
    again = json.loads(ascolto("ingest", "-w", str(ws), str(big), "--json").stdout)
    assert again["new"] == 150_000 - kept
    assert json.loads(ascolto("stats", "-w", str(ws), "--json").stdout)["messages"] == 150_000
