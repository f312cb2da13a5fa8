"""``ascolto demo`` end to end: corpus, import with the real importers, report; and re-runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ascolto.cli.main import app
from ascolto.demo import DEFAULT_SEED
from ascolto.errors import AscoltoError
from ascolto.workspace import Workspace

runner = CliRunner()


def _json(args: list[str]) -> dict[str, Any]:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    out: dict[str, Any] = json.loads(result.stdout)
    return out


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("demo") / "ws"
    return _json(["demo", "--workspace", str(root), "--json"])


def test_demo_imports_every_platform(first_run: dict[str, Any]) -> None:
    truth = json.loads(Path(first_run["ground_truth"]).read_text(encoding="utf-8"))
    expected = truth["counts"]["messages"]
    assert set(expected) == {"x", "facebook", "instagram", "youtube", "wordpress"}
    assert first_run["stored"] == expected, "every generated message reaches the store"
    assert first_run["imported"]["new"] == sum(expected.values())
    assert first_run["quarantined"] == 0
    assert first_run["owner_replies"] == truth["counts"]["owner_replies"]
    assert all(n > 0 for n in first_run["owner_replies"].values())


def test_demo_writes_the_report(first_run: dict[str, Any]) -> None:
    report = Path(first_run["report"])
    html = report.read_text(encoding="utf-8")
    assert report.name == "overview.html" and report.parent.name == "reports"
    assert "Caffè Aurora · overview" in html and "2024-09-02 – 2024-12-30" in html
    assert "Nonna Pina, la moka e il Natale" in html  # the viral post is a big thread
    assert "CaffeAurora" in html and "caffeaurora" in html
    for platform in ("x", "facebook", "instagram", "youtube", "wordpress"):
        assert f"<td>{platform}</td>" in html
    # share of voice against the planted competitors, themes and ideas
    for section in ("Share of voice", "What people talk about", "Ideas people propose"):
        assert section in html
    assert "borea OR @caffeborea" in html and "decaffeinata" in html


def test_demo_again_is_idempotent(first_run: dict[str, Any]) -> None:
    again = _json(["demo", "--workspace", first_run["workspace"], "--json"])
    assert again["imported"]["new"] == 0 and again["imported"]["updated"] == 0
    assert again["stored"] == first_run["stored"]
    assert again["owner_replies"] == first_run["owner_replies"]


def test_demo_refuses_another_seed_in_the_same_workspace(first_run: dict[str, Any]) -> None:
    result = runner.invoke(
        app, ["demo", "--workspace", first_run["workspace"], "--seed", str(DEFAULT_SEED + 1)]
    )
    assert isinstance(result.exception, AscoltoError)
    assert f"--seed {DEFAULT_SEED}" in str(result.exception)


def test_report_command_on_the_demo_workspace(first_run: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "mine.html"
    data = _json(["report", "--workspace", first_run["workspace"], "--output", str(out), "--json"])
    assert data["output"] == str(out) and out.exists()
    overview = data["overview"]
    assert overview["brand"] == "Caffè Aurora"
    assert overview["totals"]["messages"] == sum(first_run["stored"].values())
    by_platform = {r["platform"]: r for r in overview["responses"]["by_platform"]}
    assert set(by_platform) == set(first_run["stored"])
    assert all(r["answered"] > 0 for r in by_platform.values())
    text = runner.invoke(app, ["report", "--workspace", first_run["workspace"]])
    assert text.exit_code == 0 and "overview.html" in text.stdout


def test_generate_only_writes_the_corpus(tmp_path: Path) -> None:
    data = _json(["demo", "--generate", str(tmp_path / "c"), "--seed", "3", "--json"])
    assert data["seed"] == 3 and sum(data["messages"].values()) > 4000
    assert (tmp_path / "c" / "ground_truth.json").exists()
    assert not (tmp_path / "c" / "ascolto.toml").exists()
    assert data["files"]["wordpress"] == ["wordpress/caffeaurora.WordPress.2025-01-05.xml"]


def test_demo_stays_out_of_a_real_workspace(tmp_path: Path) -> None:
    real = Workspace.create(tmp_path / "real")
    result = runner.invoke(app, ["demo", "--workspace", str(real.root)])
    assert isinstance(result.exception, AscoltoError)
    assert "without the demo" in str(result.exception)
    assert not (real.root / "corpus").exists()
