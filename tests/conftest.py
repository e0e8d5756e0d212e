"""Shared helpers: the `sim` command in-process and as a console script, and shipped scenarios run once per test
session and cached."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
SHIPPED = sorted(p.stem for p in SCENARIOS.glob("*.yaml"))
TEST_WORLDS = 600
SIM = Path(sys.executable).with_name("sim")  # this environment's console script, for subprocess tests


def sim(*args, input=None, env=None):
    """`sim ARGS` in-process (`env`: extra environment, e.g. COLUMNS); a traceback is raised rather than hidden in
    the result."""
    from click.testing import CliRunner

    from simulator.interfaces.cli import cli

    return CliRunner().invoke(cli, [str(a) for a in args], input=input, env=env, catch_exceptions=False)


@cache
def run_scenario(name: str, worlds: int = TEST_WORLDS, seed: int | None = None):
    """The finished model of a shipped scenario (cached: treat it as read-only)."""
    from simulator import scenario
    from simulator.output.run import simulate

    spec = scenario.load(SCENARIOS / f"{name}.yaml").with_overrides(worlds=worlds, seed=seed)
    return simulate(spec).model


def series(model, name: str) -> np.ndarray:
    """(weeks + 1, worlds) float array of a metric."""
    return model.recorder.series(name).astype(float)
