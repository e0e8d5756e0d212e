"""The `sim` command, in-process (CliRunner) and as a real subprocess, and the run folder it writes."""

from __future__ import annotations

import json
import os
import re
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


# ------------------------------------------------------------------------------------- a summary that follows the run
def _row(text: str, label: str) -> str:
    """The line of a one-line-per-row table that starts with `label`."""
    return next(line for line in text.splitlines() if line.startswith(label))


def test_summary_columns_follow_the_scenario_and_show_the_gas_cut():
    from conftest import run_scenario

    from simulator.output.summary import summarize, text_table

    model = run_scenario("iran_gas_cutoff")
    text = text_table(model, summarize(model), columns=200)
    header = "\n".join(text.splitlines()[1:4])
    for role, week in (("start", 0), ("during", 26), ("after", 32), ("end", 104)):
        assert role in header and f"week {week}" in header, f"no {role} column at week {week} in:\n{header}"
    assert "inside \u201cIran cuts 70% of its gas and electricity to Iraq\u201d (weeks 20\u201331)" in text
    cells = _row(text, "Power demand unmet").split()
    start, during = cells[3], cells[5]
    assert start == "0%" and cells[4] == "\u2191", f"the cut should be marked as a rise from 0%: {cells}"
    assert int(during.rstrip("%")) >= 30, f"unmet power demand during the cut should be well above 0: {cells}"
    troops = _row(text, "US troops in Iraq")
    assert "." not in troops, f"troops are whole numbers: {troops}"

    base = run_scenario("baseline")
    plain = text_table(base, summarize(base), columns=200)
    assert "during" not in plain and "after" not in plain.splitlines()[2], "the baseline has no event to follow"


def test_summary_marks_the_week_furthest_from_the_start_with_its_date():
    from conftest import run_scenario

    from simulator.output.summary import metrics_table

    text = metrics_table(run_scenario("withdrawal"), columns=200)
    lines = text.splitlines()
    i = next(i for i, line in enumerate(lines) if line.startswith("US troops in Iraq"))
    assert "no change" not in lines[i] and "\u2193 0" in lines[i], lines[i]
    dated = " ".join(lines[i:i + 3])
    assert re.search(r"week (29|30)\b", dated) and "2024-08" in dated, f"the troops reach 0 in August 2024: {dated}"


def test_outcomes_read_as_shares_of_worlds(tmp_path):
    result = sim("run", "iran_gas_cutoff", "--worlds", 60, "--no-figures", "--out", tmp_path / "r")
    assert result.exit_code == 0, result.output
    lines = result.output.split("Outcomes, in what share of worlds")[1].split("Story of")[0].strip().splitlines()[1:]
    sentences = [line.strip() for line in lines if line.startswith("  In ")]
    assert len(sentences) >= 10 and all(re.match(r"In (\d+%|<1%|>99%) of worlds, [a-zA-Z]", s) for s in sentences), \
        sentences
    assert any(s.startswith("In 100% of worlds, Iran's share of Iraqi power fell") for s in sentences), sentences
    assert "1 events" not in sim("validate", "iran_gas_cutoff").output
    assert "1 event," in sim("validate", "iran_gas_cutoff").output


@pytest.mark.parametrize("columns", [80, 100, 160])
def test_run_output_fits_the_terminal(tmp_path, columns):
    """In-process with COLUMNS set: no line wider than the terminal; narrow terminals get stacked blocks."""
    result = sim("run", "iran_gas_cutoff", "--worlds", 60, "--no-figures", "--out", tmp_path / "r",
                 env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    widest = max(result.output.splitlines(), key=len)
    assert len(widest) <= columns, f"{len(widest)} > {columns}: {widest!r}"
    stacked = "(continued)" in result.output
    assert stacked == (columns < 160), f"at {columns} columns the table should {'' if columns < 160 else 'not '}stack"
    assert "Power demand unmet" in result.output and "Iran's revenue from" in result.output


@pytest.mark.parametrize("columns", [80, 100])
def test_run_output_fits_the_terminal_as_a_subprocess(tmp_path, columns):
    env = {**os.environ, "COLUMNS": str(columns)}
    proc = subprocess.run([str(SIM), "run", "withdrawal", "--worlds", "60", "--no-figures", "--out",
                           str(tmp_path / "r")], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    widest = max(proc.stdout.splitlines(), key=len)
    assert len(widest) <= columns, f"{len(widest)} > {columns}: {widest!r}"
    assert "In 100% of worlds, US forces left Iraq by the end" in proc.stdout


def test_a_wide_table_stacks_into_even_blocks_that_fit():
    from simulator.output.tables import render

    header = ["label"] + [f"column {i}" for i in range(1, 6)]
    rows = [["a row label"] + ["123,456 [100,000-200,000]"] * 5]
    text = render(header, rows, title="Wide:", columns=100)
    assert max(len(line) for line in text.splitlines()) <= 100
    blocks = text.split("\n\n")
    counts = [sum(f"column {i}" in b for i in range(1, 6)) for b in blocks]
    assert counts == [3, 2], f"five columns in blocks of {counts}, not 3 and 2"
    assert blocks[1].startswith("Wide (continued):") and all("a row label" in b for b in blocks)


def test_a_progress_bar_only_for_runs_with_a_second_or_more_to_go():
    from simulator.interfaces.cli import wants_progress_bar

    assert not wants_progress_bar(0.3, 10, 104), "not in the first half second"
    assert wants_progress_bar(0.6, 10, 104), "0.06 s a week, 94 weeks to go: about 5.6 s left"
    assert not wants_progress_bar(0.6, 80, 104), "0.0075 s a week, 24 weeks to go: 0.18 s left, a bar would flash"
    assert not wants_progress_bar(5.0, 104, 104), "done"
