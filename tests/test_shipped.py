"""Shipped data and shipped scenarios by name: one module finds the registry, scenarios and sweeps; every command
accepts a shipped scenario's name from any folder; a path that exists wins; an unknown name is a UserError (exit 2).
Missing extras give one sentence with the pip command (exit 2)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from simulator import __version__, extras, shipped
from simulator.errors import UserError
from simulator.interfaces.cli import cli

ROOT = Path(__file__).resolve().parent.parent


def invoke(tmp_path, monkeypatch, *args):
    monkeypatch.chdir(tmp_path)  # an empty folder: nothing of the project is reachable by relative path
    return CliRunner().invoke(cli, [str(a) for a in args])


# ------------------------------------------------------------------------------------------ locating data
def test_source_checkout_reads_the_top_level_files():
    assert shipped.data_root() == ROOT
    assert shipped.registry_file() == ROOT / "configs" / "parameters.yaml"
    assert shipped.scenarios_dir() == ROOT / "scenarios"
    assert shipped.sweeps_dir() == ROOT / "configs" / "sweeps"
    assert "withdrawal" in shipped.scenario_names() and "baseline" in shipped.scenario_names()
    assert shipped.sweep_names() == sorted(p.stem for p in (ROOT / "configs" / "sweeps").glob("*.yaml"))


def test_importing_the_locator_and_the_extras_check_is_cheap():
    code = ("import sys, simulator.shipped, simulator.extras; "
            "heavy = [m for m in ('numpy', 'pandas', 'yaml', 'mesa', 'click', 'dask') if m in sys.modules]; "
            "assert not heavy, heavy")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


@pytest.mark.parametrize("given", ["withdrawal", "withdrawal.yaml", "scenarios/withdrawal.yaml"])
def test_find_scenario_by_name_from_any_folder(tmp_path, monkeypatch, given):
    monkeypatch.chdir(tmp_path)
    assert shipped.find_scenario(given) == ROOT / "scenarios" / "withdrawal.yaml"


def test_an_existing_file_takes_precedence_over_a_shipped_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "withdrawal.yaml").write_text("name: mine\nweeks: 4\n")
    assert shipped.find_scenario("withdrawal.yaml") == Path("withdrawal.yaml")
    from simulator import scenario

    assert scenario.load("withdrawal.yaml").name == "mine"
    assert scenario.load("withdrawal").name == "withdrawal"  # no file called 'withdrawal': the shipped one


def test_names_in_subfolders(tmp_path, monkeypatch):
    root = tmp_path / "data"
    (root / "scenarios" / "history").mkdir(parents=True)
    (root / "scenarios" / "baseline.yaml").write_text("name: baseline\n")
    (root / "scenarios" / "history" / "2023_attack_wave.yaml").write_text("extends: ../baseline.yaml\n")
    monkeypatch.setattr(shipped, "data_root", lambda: root)
    monkeypatch.chdir(tmp_path)
    assert shipped.scenario_names() == ["baseline", "history/2023_attack_wave"]
    assert shipped.find_scenario("history/2023_attack_wave") == root / "scenarios" / "history" / "2023_attack_wave.yaml"
    assert shipped.find_scenario("scenarios/history/2023_attack_wave.yaml").name == "2023_attack_wave.yaml"
    with pytest.raises(UserError):
        shipped.find_scenario("../baseline")  # only real names, never paths built from them


def test_unknown_name_is_one_paragraph_with_the_closest_names(tmp_path, monkeypatch):
    result = invoke(tmp_path, monkeypatch, "run", "withdrawl", "--worlds", "10", "--no-figures")
    assert result.exit_code == 2, result.output
    message = result.output
    assert message.count("\n") == 1 and "Traceback" not in message
    for fragment in ("withdrawl", "no such file", "no shipped scenario", "Did you mean 'withdrawal'", "sim scenarios",
                     str(ROOT / "scenarios")):
        assert fragment in message, (fragment, message)


# ------------------------------------------------------------------------------------------ commands by name
def test_run_validate_predict_compare_by_name_from_an_empty_folder(tmp_path, monkeypatch):
    result = invoke(tmp_path, monkeypatch, "validate", "withdrawal", "baseline")
    assert result.exit_code == 0, result.output
    assert "withdrawal: OK" in result.output

    result = invoke(tmp_path, monkeypatch, "run", "withdrawal", "--worlds", "20", "--no-figures")
    assert result.exit_code == 0, result.output
    runs = list((tmp_path / "outputs" / "withdrawal").iterdir())
    assert len(runs) == 1 and (runs[0] / "summary.json").is_file()
    manifest = json.loads((runs[0] / "manifest.json").read_text())
    assert str(ROOT / "scenarios" / "withdrawal.yaml") in json.dumps(manifest)

    result = invoke(tmp_path, monkeypatch, "predict", "withdrawal", "--name", "class", "--set", "us_left_iraq=0.5",
                    "--file", tmp_path / "p.json")
    assert result.exit_code == 0, result.output

    result = invoke(tmp_path, monkeypatch, "compare", "baseline", "withdrawal", "--worlds", "20", "--no-figures",
                    "--out", tmp_path / "cmp")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "cmp" / "comparison.json").is_file()


def test_extends_and_sweep_files_accept_shipped_names(tmp_path, monkeypatch):
    from simulator import scenario
    from simulator.sweeps import spec

    monkeypatch.chdir(tmp_path)
    (tmp_path / "mine.yaml").write_text("extends: dollar_cudgel\nname: mine\nworlds: 30\n")
    mine = scenario.load("mine.yaml")
    assert ROOT / "scenarios" / "dollar_cudgel.yaml" in mine.files and mine.worlds == 30

    (tmp_path / "sweep.yaml").write_text("scenario: withdrawal\ndesign: grid\nsamples: 2\n"
                                         "parameters: {iran_power_share: {range: [0.2, 0.4]}}\n"
                                         "outcomes: [us_left_iraq]\n")
    assert spec.load(tmp_path / "sweep.yaml").scenario.name == "withdrawal"

    (tmp_path / "bad.yaml").write_text("extends: basline\n")
    with pytest.raises(UserError, match="Did you mean 'baseline'"):
        scenario.load("bad.yaml")


def test_shipped_sweep_by_name():
    assert shipped.find_sweep("exit_map") == ROOT / "configs" / "sweeps" / "exit_map.yaml"
    assert shipped.find_sweep("configs/sweeps/exit_map.yaml").name == "exit_map.yaml"
    assert shipped.find_sweep("nowhere.yaml") == Path("nowhere.yaml")  # left to the sweep loader to report


def test_scenarios_command_lists_names_and_titles(tmp_path, monkeypatch):
    result = invoke(tmp_path, monkeypatch, "scenarios")
    assert result.exit_code == 0, result.output
    for name in shipped.scenario_names():
        assert name in result.output
    assert "US forces leave Iraq" in result.output


def test_version_is_defined_once():
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output
    assert not re.search(r'^version\s*=\s*"', (ROOT / "pyproject.toml").read_text(), re.M), "version written twice"


# ------------------------------------------------------------------------------------------ extras
@pytest.mark.parametrize("args, extra", [(["sweep", "exit_map"], "sweeps"), (["analyze", "somewhere"], "sweeps"),
                                         (["dashboard"], "dashboard")])
def test_missing_extra_is_one_sentence_and_exit_2(tmp_path, monkeypatch, args, extra):
    real = extras.find_spec
    gone = set(extras.EXTRAS[extra][:1])
    monkeypatch.setattr(extras, "find_spec", lambda name: None if name in gone else real(name))
    result = invoke(tmp_path, monkeypatch, *args)
    assert result.exit_code == 2, result.output
    assert result.output.strip() == (f"Error: sim {args[0]} needs the {extra} extra, which is not installed (missing: "
                                     f"{', '.join(gone)}): pip install 'leverage-sim[{extra}]'")


def test_installed_extras_pass():
    for extra in extras.EXTRAS:
        extras.require(extra, "sim test")  # the test environment installs [all]
