"""Fuzzing the shipped scenarios and sweep files the way issue 11 lists: wrong types, NaN and infinity, huge numbers,
unicode digits, lists where names are expected, deleted keys, deep nesting, aliases, bad tags and dates, long names.

Every mutant must end in exit 0 or 2 (a sweep may also exit 1: failed chunks, named), with no traceback, the
user's file named in any error, and no NaN or infinity in any output of a run that exits 0. Bounded so the suite
stays fast: a modest number of examples, short runs of 2 worlds.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import ROOT, sim
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st

SCENARIO_FILES = sorted((ROOT / "scenarios").rglob("*.yaml"))
SWEEP_FILES = sorted((ROOT / "configs" / "sweeps").glob("*.yaml"))
MUTANT = "mutant.yaml"
SETTINGS = settings(max_examples=int(os.environ.get("SIM_FUZZ_EXAMPLES", "100")), deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], derandomize=True,
                    database=None)

# Values put in place of whatever was there. Text markers become raw YAML after dumping (tags, unquoted dates, aliases).
REPLACEMENTS = [
    "text", "", 0, -3, 7, 2.5, 10**30, 10**400, 1e308, float("nan"), float("inf"), -float("inf"), True, None, [], {},
    ["a", "b"], {"a": 1}, [[1, 2]], "\u2460", "\u00b2\u00b3", "--5", "1_000", "\u0663", "x" * 5000, "n/../..",
    "2024-02-30", dt.date(9999, 6, 1), dt.date(1, 1, 1), dt.date(1899, 12, 31), "week", "parallel_rate",
    "@@TAG@@", "@@DATE@@", "@@ALIAS@@", "@@BOMB@@", "@@SELF@@",
]
RAW = {"'@@TAG@@'": "!!int abc", "'@@DATE@@'": "2023-02-29", "'@@ALIAS@@'": "*nowhere", "'@@BOMB@@'": "*l8",
       "'@@SELF@@'": "&self [*self]"}
BOMB = "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 9))


def _bounds() -> dict:
    from simulator.model.parameters import registry

    return {name: [p.low, p.high] for name, p in registry().items()}


BOUNDS = _bounds()


def deep(levels: int = 60):
    value = 1
    for _ in range(levels):
        value = [value]
    return value


def paths(data, prefix=()):
    """Every key path of the tree, the root included."""
    yield prefix
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        yield from paths(value, prefix + (key,))


def get(data, path):
    for key in path:
        data = data[key]
    return data


def as_shipped(path: Path):
    return yaml.safe_load(path.read_text())


@st.composite
def mutants(draw, files, start=as_shipped):
    """(original file, mutated YAML text); `start` gives the data to mutate from the original file."""
    original = draw(st.sampled_from(files))
    data = start(original)
    for _ in range(draw(st.integers(1, 2))):
        where = draw(st.sampled_from(list(paths(data))))
        kind = draw(st.sampled_from(["number", "number", "number", "replace", "replace", "delete", "wrap", "deep",
                                     "add"]))
        value = get(data, where)
        if kind == "number" and len(where) > 1 and where[-2] == "parameters" and where[-1] in BOUNDS:
            kind, nearby = "replace", BOUNDS[where[-1]]  # the edges of the documented range: valid, and extreme
        elif kind == "number" and isinstance(value, (int, float)) and not isinstance(value, bool) \
                and abs(value) < 1e15:  # False for NaN too
            kind, nearby = "replace", [0, 1, -1, 0.5, 1e-6, value * 2, value / 2, value + 1, value * 10, 1e6, 52, 1040]
        else:
            kind, nearby = ("replace" if kind == "number" else kind), REPLACEMENTS
        if not where:
            data = copy.deepcopy(draw(st.sampled_from(nearby))) if kind == "replace" else data
            continue
        parent, key = get(data, where[:-1]), where[-1]
        if kind == "replace":
            parent[key] = copy.deepcopy(draw(st.sampled_from(nearby)))
        elif kind == "delete":
            del parent[key]
        elif kind == "wrap":
            parent[key] = [parent[key], parent[key]]  # the same object twice: dumped as an anchor and an alias
        elif kind == "deep":
            parent[key] = deep()
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from(["extra", "weeks", "name", "action", "x" * 300]))] = parent[key]
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10_000)
    if "@@BOMB@@" in text:
        text = BOMB + text if isinstance(data, dict) else text
    for marker, raw in RAW.items():
        text = text.replace(marker, raw)
    if draw(st.integers(0, 9)) == 0:  # a file cut short (saved mid-edit, copied half)
        text = text[:draw(st.integers(0, len(text)))]
    note(f"{original.name}:\n{text[:3000]}")
    return original, text


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    """A copy of the shipped scenarios and sweeps, so that mutants sit where their relative paths resolve."""
    root = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(ROOT / "scenarios", root / "scenarios")
    shutil.copytree(ROOT / "configs", root / "configs")
    return root


def check_exit(result, path: Path, allowed=(0, 2)) -> None:
    assert result.exit_code in allowed, f"exit {result.exit_code}:\n{result.output}"
    assert "Traceback" not in result.output, result.output
    if result.exit_code == 2:
        message = result.output[result.output.index("Error: "):]
        assert "\n\n" not in message.strip(), f"more than one paragraph:\n{message}"
        named = str(path.name) in message or "command line" in message
        assert named, f"the user's file {path.name} is not named:\n{message}"


def finite_json(text: str):
    def refuse(constant):
        raise AssertionError(f"{constant} in summary.json")

    return json.loads(text, parse_constant=refuse)


def check_outputs(folder: Path) -> None:
    finite_json((folder / "summary.json").read_text())
    numbers = pd.read_parquet(folder / "timeseries.parquet").select_dtypes("number").to_numpy(dtype=float)
    assert np.isfinite(numbers).all(), "NaN or infinity in timeseries.parquet"


@SETTINGS
@given(mutant=mutants(SCENARIO_FILES))
def test_mutated_scenarios_validate_and_run_cleanly(tree, mutant):
    original, text = mutant
    path = tree / original.relative_to(ROOT).parent / MUTANT
    path.write_text(text, encoding="utf-8")
    result = sim("validate", path)
    check_exit(result, path)
    event(f"validate: exit {result.exit_code}")
    if result.exit_code != 0:
        return
    from simulator import scenario

    spec = scenario.load(path)
    out = tree / "out"
    shutil.rmtree(out, ignore_errors=True)
    weeks = [] if spec.weeks <= 26 else ["--weeks", 4]  # short runs; a horizon error is a fine outcome too
    result = sim("run", path, "--worlds", 2, *weeks, "--no-figures", "--out", out)
    check_exit(result, path)
    event(f"run: exit {result.exit_code}")
    if result.exit_code == 0:
        check_outputs(out)


def small_sweep(original: Path) -> dict:
    """The shipped sweep made small enough to run in a test: 2 samples (a power of two for Sobol), 2 replications,
    8 weeks, at most 3 varied parameters."""
    data = as_shipped(original)
    data.update(samples=2, replications=2, weeks=8)
    data["parameters"] = dict(list(data["parameters"].items())[:3]) if isinstance(data["parameters"], dict) else \
        {name: {"range": list(bounds)} for name, bounds in list(BOUNDS.items())[:3] if bounds[0] < bounds[1]}
    return data


def check_sweep(tree: Path, text: str, run: bool) -> None:
    """Load the mutated sweep file; run it if it loads and is small."""
    from simulator.errors import UserError
    from simulator.sweeps import spec as specs

    path = tree / "configs" / "sweeps" / MUTANT
    path.write_text(text, encoding="utf-8")
    try:
        spec = specs.load(path)
    except UserError as err:
        assert MUTANT in str(err), f"the user's file is not named: {err}"
        event("sweep: refused")
        return
    if run and spec.worlds <= 64 and spec.weeks <= 12:
        out = tree / "sweep-out"
        shutil.rmtree(out, ignore_errors=True)
        result = sim("sweep", path, "--out", out, "--workers", 1)
        check_exit(result, path, allowed=(0, 1, 2))
        event(f"sweep: exit {result.exit_code}")
        if result.exit_code == 0:
            table = pd.read_parquet(out / "chunks")
            values = [n for n, o in spec.outcomes.items() if not o.stat.startswith("first_week")]
            assert np.isfinite(table[values].to_numpy(dtype=float)).all(), "NaN in a sweep's outcomes"


@SETTINGS
@given(mutant=mutants(SWEEP_FILES))
def test_mutated_sweep_files_are_refused_cleanly(tree, mutant):
    check_sweep(tree, mutant[1], run=False)


@SETTINGS
@given(mutant=mutants(SWEEP_FILES, start=small_sweep))
def test_mutated_small_sweeps_run_cleanly(tree, mutant):
    """Starting from the shipped sweeps made small, so that the mutants that load are also run."""
    check_sweep(tree, mutant[1], run=True)


def test_the_mutations_cover_the_classes_of_issue_11():
    kinds = {type(v).__name__ for v in REPLACEMENTS}
    assert {"str", "int", "float", "bool", "NoneType", "list", "dict", "date"} <= kinds
    assert any(isinstance(v, float) and math.isnan(v) for v in REPLACEMENTS)
    assert SCENARIO_FILES and SWEEP_FILES and any("history" in str(p) for p in SCENARIO_FILES)
