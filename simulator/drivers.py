"""Running the model for outside drivers: EMA Workbench, SALib, optimisers, any code that maps parameter values to
numbers.

`run_point(params, ...)` runs one point of parameter space as `worlds` replications in ONE ensemble (one model,
one call) and returns each outcome of the project's vocabulary (`simulator.OUTCOMES`) over worlds: the mean for a
value outcome and the share of worlds for an event (the mean of its 0/1 values), or the per-world values. With the
same `seed` at every point, every point runs on the same random numbers (world w draws the same streams at every
point: common random numbers), so differences between points are not noise between seeds.

`run_points(X, names, ...)` gives the same numbers for every row of a design (SALib, Latin hypercubes) at once,
running the points side by side in large ensembles. `ema_function(...)` wraps `run_point` as the picklable callable
an EMA Workbench `Model` needs. See docs/recipes/ema_workbench.md and docs/recipes/salib.md.
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


def run_points(X, names, scenario=DEFAULT_SCENARIO, worlds: int = 100, seed: int = DEFAULT_SEED, outcomes=None,
               weeks: int | None = None, chunk_worlds: int = 10_000):
    """`run_point` for every row of a design `X` (points x parameters, columns named by `names`), as a DataFrame
    with one row per point and one column per outcome, equal to calling `run_point` row by row.

    Much faster: a week costs about the same for one world as for thousands, so the points run together, `worlds`
    replications each, in ensembles of up to `chunk_worlds` worlds where every parameter is an array with one value
    per world. Replication r of every point is world id r, so every point sees the same random numbers (common
    random numbers, as with run_point and a constant seed)."""
    import pandas as pd

    from .model.model import LeverageModel

    X = np.atleast_2d(np.asarray(X, dtype=float))
    names = list(names)
    if X.shape[1] != len(names):
        from .errors import UserError

        raise UserError(f"run_points: the design has {X.shape[1]} columns, expected one per name in {names}.")
    worlds = int(worlds)
    per_chunk = max(1, int(chunk_worlds) // worlds)
    frames = []
    for start in range(0, len(X), per_chunk):
        rows = X[start:start + per_chunk]
        params = {name: np.repeat(rows[:, j], worlds) for j, name in enumerate(names)}
        model = LeverageModel.from_scenario(scenario, worlds=len(rows) * worlds, seed=seed, weeks=weeks,
                                            world_ids=np.tile(np.arange(worlds), len(rows)), log_events=False,
                                            **params)
        table = model.run().outcomes(outcomes)
        frames.append(pd.DataFrame({name: [world_mean(v) for v in table[name].to_numpy().reshape(len(rows), worlds)]
                                    for name in table.columns if name != "world"}))
    return pd.concat(frames, ignore_index=True)


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
