"""The `sim` command, in-process (CliRunner) and as a real subprocess, and the run folder it writes."""

from __future__ import annotations

import json
import subprocess

import pandas as pd
import pytest
from conftest import ROOT, SCENARIOS, SHIPPED, SIM, sim

from simulator.model.model import REPORTED

REQUIRED_COLUMNS = ["world", "week", "date"] + REPORTED




def test_run_writes_a_complete_run_folder(tmp_path):
    out = tmp_path / "run"
    result = sim("run", SCENARIOS / "withdrawal.yaml", "--worlds", 40, "--out", out, "--csv")
    assert result.exit_code == 0, result.output
    assert "Key metrics" in result.output and "Story of a typical world" in result.output
    assert "US forces left Iraq by the end" in result.output

    series = pd.read_parquet(out / "timeseries.parquet")
    assert list(series.columns[:3]) == ["world", "week", "date"] and set(REQUIRED_COLUMNS) <= set(series.columns)
    assert len(series) == 40 * 105 and series["week"].min() == 0
    assert series["date"].min() == pd.Timestamp("2024-01-15")
    assert (series[series.week == 104].us_troops_iraq == 0).all()
    assert pd.read_csv(out / "timeseries.csv").shape == series.shape

    events = pd.read_parquet(out / "events.parquet")
    assert list(events.columns) == ["world", "week", "date", "actor", "kind", "description"]
    assert (events.kind == "us_withdrawal").sum() == 40, "the scheduled withdrawal should be logged in every world"

    summary = json.loads((out / "summary.json").read_text())
    assert summary["outcomes"]["us_left_iraq"]["share"] == 1.0
    assert set(summary["metrics"]["parallel_rate"]) >= {"final", "run_mean", "run_max", "unit"}
    assert {"median", "p5", "p95"} == set(summary["metrics"]["parallel_rate"]["final"])
    assert {"kind", "name", "statistic", "median", "p5", "p95"} <= set(pd.read_csv(out / "summary.csv").columns)

    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 20240115 and manifest["worlds"] == 40 and manifest["weeks"] == 104
    assert len(manifest["scenario_sha256"]) == 64 and manifest["parameters"]["us_troops_federal"] == 1500
    assert {"simulator", "numpy", "pandas", "mesa", "pyarrow"} <= set(manifest["versions"])
    assert sorted(p.name for p in (out / "figures").iterdir()) == ["key_metrics.png", "leverage.png", "violence.png"]
    assert (out / "story.txt").read_text().startswith("Story of a typical world")


def test_default_folder_is_new_each_time(tmp_path, monkeypatch):
    import simulator.output.run_folder as output

    monkeypatch.setattr(output, "DEFAULT_ROOT", tmp_path)
    for _ in range(2):
        assert sim("run", SCENARIOS / "baseline.yaml", "--worlds", 5, "--weeks", 10, "--no-figures").exit_code == 0
    runs = sorted((tmp_path / "baseline").iterdir())
    assert len(runs) == 2 and all((r / "manifest.json").exists() for r in runs)


def test_two_runs_with_the_same_seed_write_identical_results(tmp_path):
    for name in ("a", "b"):
        assert sim("run", SCENARIOS / "dollar_cudgel.yaml", "--worlds", 30, "--seed", 9, "--out", tmp_path / name,
                      "--no-figures").exit_code == 0
    for file in ("timeseries.parquet", "events.parquet"):
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "a" / file), pd.read_parquet(tmp_path / "b" / file))
    for file in ("summary.json", "summary.csv", "story.txt"):
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes(), file


def test_run_as_a_subprocess(tmp_path):
    out = tmp_path / "sub"
    proc = subprocess.run([str(SIM), "run", str(SCENARIOS / "truce.yaml"), "--worlds", "25", "--out", str(out),
                           "--no-figures"], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "truce" in proc.stdout and (out / "timeseries.parquet").exists()


def test_validate_all_shipped_scenarios():
    result = sim("validate", *[SCENARIOS / f"{name}.yaml" for name in SHIPPED])
    assert result.exit_code == 0 and result.output.count(": OK") == len(SHIPPED)


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_scenarios_have_a_readable_description(name):
    from simulator.scenario import load

    spec = load(SCENARIOS / f"{name}.yaml")
    assert spec.title and len(spec.description.split()) >= 30, f"{name} needs a title and a description for students"


def test_params_lists_every_parameter_with_provenance():
    from simulator.model.parameters import registry

    result = sim("params")
    assert result.exit_code == 0
    for name in registry():
        assert name in result.output
    assert "article, section" in result.output and "external:" in result.output and "assumption:" in result.output


def test_docs_parameters_md_is_in_sync_with_the_registry():
    result = sim("params", "--markdown")
    assert (ROOT / "docs" / "parameters.md").read_text() == result.output, \
        "docs/parameters.md is stale: run `sim params --markdown > docs/parameters.md`"


def test_version():
    assert sim("--version").exit_code == 0


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    commands = [block.split("```")[0].strip() for block in readme.split("```bash\n")[1:3]]
    from simulator.shipped import scenario_names

    assert commands[0].split("sim run ")[1].split()[0] in scenario_names(), (
        "the README's first command must run a shipped scenario by name")
    assert "pip install -e . " in commands[0], "the README's first command installs the core only"
    assert commands[1] in (ROOT / ".ci" / "run").read_text(), ".ci/run must call the README's test command"
