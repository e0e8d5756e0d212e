"""Running the model for outside drivers: EMA Workbench, SALib, optimisers, any code that maps parameter values to
numbers.

`run_point(params, ...)` runs one point of parameter space as `worlds` replications in ONE ensemble (one model,
one call) and returns each outcome of the project's vocabulary (`simulator.OUTCOMES`) over worlds: the mean for a
value outcome and the share of worlds for an event (the mean of its 0/1 values), or the per-world values. With the
same `seed` at every point, every point runs on the same random numbers (world w draws the same streams at every
point: common random numbers), so differences between points are not noise between seeds.

`ema_function(...)` wraps `run_point` as the picklable callable an EMA Workbench `Model` needs; see
docs/recipes/ema_workbench.md and docs/recipes/salib.md.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DEFAULT_SCENARIO = str(Path(__file__).resolve().parents[1] / "scenarios" / "baseline.yaml")
DEFAULT_SEED = 20240115


def run_point(params: dict | None = None, scenario=DEFAULT_SCENARIO, worlds: int = 100, seed: int = DEFAULT_SEED,
              outcomes=None, weeks: int | None = None, per_world: bool = False) -> dict:
    """{outcome: value} for one point of parameter space.

    `params`: registry parameters (`sim params`), on top of the scenario's; `scenario`: what
    `LeverageModel.from_scenario` takes (a scenario file path, or a loaded Scenario); `worlds`: replications, run
    together as one ensemble; `seed`: keep it constant across points for common random numbers; `outcomes`: names
    from `simulator.OUTCOMES` (default: all); `per_world`: return each outcome's per-world array instead of its
    mean or share. The numbers are exactly those of
    `LeverageModel.from_scenario(scenario, worlds=worlds, seed=seed, weeks=weeks, **params).run().outcomes()`.
    """
    from .model.model import LeverageModel

    model = LeverageModel.from_scenario(scenario, worlds=worlds, seed=seed, weeks=weeks, log_events=False,
                                        **{name: _number(value) for name, value in (params or {}).items()})
    table = model.run().outcomes(outcomes)
    names = [c for c in table.columns if c != "world"]
    if per_world:
        return {name: table[name].to_numpy() for name in names}
    return {name: world_mean(table[name].to_numpy()) for name in names}


def world_mean(values) -> float:
    """Mean over worlds, ignoring empty values (a first-week outcome where nothing happened); NaN if all empty.
    For an event's 0/1 values this is the share of worlds in which it happened."""
    values = np.asarray(values, dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return float(np.nanmean(values)) if values.size else float("nan")


@dataclass(frozen=True)
class PointFunction:
    """`run_point` with its settings fixed, called with parameters as keywords: what an EMA Workbench `Model`
    calls with each experiment's uncertainties, levers and constants (all registry parameters). A module-level
    dataclass, so it pickles to the processes of a MultiprocessingEvaluator."""

    scenario: object = DEFAULT_SCENARIO
    outcomes: tuple | None = None
    worlds: int = 100
    seed: int = DEFAULT_SEED
    weeks: int | None = None
    per_world: bool = False

    def __call__(self, **params) -> dict:
        return run_point(params, scenario=self.scenario, worlds=self.worlds, seed=self.seed,
                         outcomes=self.outcomes, weeks=self.weeks, per_world=self.per_world)


def ema_function(scenario=DEFAULT_SCENARIO, outcomes=None, worlds: int = 100, seed: int = DEFAULT_SEED,
                 weeks: int | None = None, per_world: bool = False) -> PointFunction:
    """The function of an EMA Workbench `Model`: it takes registry parameters as keywords (the model's
    uncertainties and levers; name them exactly as in `sim params`) and returns {outcome: mean or share over
    `worlds` replications} for `outcomes` (names from `simulator.OUTCOMES`; declare them as `ScalarOutcome`s, or
    as `ArrayOutcome`s with per_world=True). Picklable, for any EMA evaluator."""
    from .model.outcomes import resolve

    names = None if outcomes is None else tuple(resolve(outcomes))  # unknown names fail here, not in a worker
    return PointFunction(scenario=scenario, outcomes=names, worlds=int(worlds), seed=int(seed), weeks=weeks,
                         per_world=per_world)


def _number(value):
    """A plain float for numpy scalars (SALib and EMA pass numpy types); arrays (one value per world) pass as is."""
    if isinstance(value, np.ndarray) and value.ndim > 0:
        return value
    return float(value)
