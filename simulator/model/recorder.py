"""Recorded time series: one row per week, one column per world, for every metric in metrics.METRICS."""

from __future__ import annotations

import numpy as np

from .metrics import METRICS


class Recorder:
    """Preallocated float32 arrays (weeks + 1, worlds) per metric; week 0 is the initial state."""

    def __init__(self, weeks: int, worlds: int):
        self.data = {name: np.zeros((weeks + 1, worlds), dtype=np.float32) for name in METRICS}
        self.last_week = -1

    def record(self, model, week: int) -> None:
        for name, metric in METRICS.items():
            self.data[name][week] = metric.read(model)
        self.last_week = week

    def series(self, name: str) -> np.ndarray:
        """(weeks recorded, worlds) array of one metric."""
        return self.data[name][: self.last_week + 1]

    def to_frame(self, world_ids: np.ndarray, calendar):
        """Long table: one row per (world, week) with world, week, date and every metric."""
        return long_frame(self.series, list(METRICS), world_ids, calendar.start)


def long_frame(series, names, world_ids: np.ndarray, start):
    """Long table of recorded series (`series(name)` a (weeks, worlds) array): one row per (world, week) with world,
    week, date (week 0 on `start`) and the `names` metrics. Shared by Recorder.to_frame and Results.to_frame."""
    import pandas as pd

    names = list(names)
    weeks = len(series(names[0])) if names else 0
    worlds = len(world_ids)
    frame = {"world": np.repeat(world_ids, weeks), "week": np.tile(np.arange(weeks), worlds)}
    frame["date"] = pd.to_datetime(start) + pd.to_timedelta(frame["week"] * 7, unit="D")
    for name in names:
        frame[name] = series(name).T.reshape(-1)
    return pd.DataFrame(frame)
