"""One chunk of a sweep: a contiguous range of world ids run as one ensemble. Runs in any process or Dask worker.

World id w is replication w % R of design point w // R, so its parameters and its random numbers depend only on
w and the sweep, never on the chunk it lands in or on the machine that runs it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class ChunkTask:
    index: int
    start: int  # first world id
    stop: int  # one past the last world id
    replications: int
    seed: int
    weeks: int
    start_date: object
    events: list
    base_parameters: dict
    names: list  # varied parameter names
    rows: np.ndarray  # design rows of the points this chunk touches, from point `first_point` on
    first_point: int
    outcomes: dict
    timeseries: list
    allow_outside_range: bool = False
    write_to: str | None = None  # a sweep folder on a shared disk: the worker saves the chunk itself


def recorded(model, names) -> dict:
    """This week's values of some metrics exactly as a run's recorder stores them (float32), so a sweep's outcomes
    equal those of `sim run` on the same worlds value for value."""
    return {name: model.metric(name).astype(np.float32) for name in names}


def run_chunk(task: ChunkTask):
    """(index, per-world outcomes table, long time-series table or None); the tables are None when the worker has
    saved them itself (task.write_to), which keeps the main process off the cores the workers need."""
    import pandas as pd

    from ..model import LeverageModel
    from ..model.outcomes import OutcomeTracker, needed_metrics

    ids = np.arange(task.start, task.stop, dtype=np.int64)
    points = ids // task.replications
    varied = {name: task.rows[points - task.first_point, j] for j, name in enumerate(task.names)}
    model = LeverageModel(worlds=ids.size, seed=task.seed, weeks=task.weeks, start_date=task.start_date,
                          events=task.events, world_ids=ids, record=False, log_events=False,
                          allow_outside_range=task.allow_outside_range, **{**task.base_parameters, **varied})
    watched = needed_metrics(task.outcomes)
    tracker = OutcomeTracker(task.outcomes, recorded(model, watched))
    series = {name: [model.metric(name).copy()] for name in task.timeseries}
    while model.running:
        model.step()
        tracker.update(recorded(model, watched), model.week)
        for name in task.timeseries:
            series[name].append(model.metric(name).copy())
    results = tracker.results()
    for name, values in results.items():
        kind = task.outcomes[name].stat
        bad = ~np.isfinite(values) if not kind.startswith("first_week") else np.isinf(values)
        if bad.any():
            worlds = ids[bad]
            raise FloatingPointError(f"outcome {name!r} is not finite in {bad.sum()} worlds (first: world "
                                     f"{worlds[0]}, design point {worlds[0] // task.replications}); the parameter "
                                     f"values there break the model")
    table = pd.DataFrame({"world": ids, "point": points, "replication": ids % task.replications, **results})
    timeseries = None
    if task.timeseries:
        weeks = model.week + 1
        timeseries = pd.DataFrame({"world": np.repeat(ids, weeks), "week": np.tile(np.arange(weeks), ids.size),
                                   **{n: np.stack(v).T.reshape(-1) for n, v in series.items()}})
    if task.write_to is not None:
        from .folder import SweepFolder

        SweepFolder(task.write_to).write_chunk(task.index, table, timeseries)
        return task.index, None, None
    return task.index, table, timeseries
