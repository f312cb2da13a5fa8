"""What every benchmark here shares: timing a child interpreter with its whole process tree's
peak memory, and writing the result JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil


def child(code: str) -> tuple[float, float]:
    """Run ``code`` in a fresh interpreter; return (seconds, peak RSS in MB).

    Memory is sampled every 50 ms over the whole process tree (ascolto's reader and worker
    processes run beside the main one), so the peak is what the run really holds at once.
    """
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=err)
        tree = psutil.Process(proc.pid)
        peak = 0
        while proc.poll() is None:
            try:
                members = [tree, *tree.children(recursive=True)]
                peak = max(peak, sum(_rss(p) for p in members))
            except psutil.NoSuchProcess:
                pass
            time.sleep(0.05)
        seconds = time.perf_counter() - start
        if proc.returncode != 0:
            err.seek(0)
            raise SystemExit(f"benchmark child failed:\n{err.read().decode()[-3000:]}")
    return seconds, peak / 1e6


def _rss(p: psutil.Process) -> int:
    try:
        return int(p.memory_info().rss)
    except psutil.NoSuchProcess:
        return 0


def write_result(
    out: Path, benchmark: str, rows: list[dict[str, Any]], line: str = ""
) -> dict[str, Any]:
    """The benchmark's JSON (with the machine's CPU count and Python), written to ``out``;
    ``line``, the result in words, is printed first."""
    if line:
        print(line, flush=True)
    result = {
        "benchmark": benchmark,
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "rows": rows,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {out}")
    return result
