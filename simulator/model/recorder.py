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
        return long_frame(self.series, list(METRICS), world_ids, calendar)

    def columns(self, world_ids: np.ndarray, calendar) -> dict:
        """The long table of to_frame as {column: numpy array}, without pandas (what timeseries.parquet holds)."""
        return long_columns(self.series, list(METRICS), world_ids, calendar)


def long_columns(series, names, world_ids: np.ndarray, calendar) -> dict:
    """Long table of recorded series (`series(name)` a (weeks, worlds) array) as {column: array}: one row per
    (world, week) with world, week, date (`calendar.dates`) and the `names` metrics. The one owner of the layout:
    Recorder.to_frame, Results.to_frame and timeseries.parquet come from it."""
    names = list(names)
    weeks = len(series(names[0])) if names else 0
    worlds = len(world_ids)
    week = np.tile(np.arange(weeks, dtype=np.int64), worlds)
    columns = {"world": np.repeat(np.asarray(world_ids, dtype=np.int64), weeks), "week": week,
               "date": calendar.dates(week)}
    for name in names:
        columns[name] = series(name).T.reshape(-1)
    return columns


def long_frame(series, names, world_ids: np.ndarray, calendar):
    """long_columns as a pandas DataFrame."""
    import pandas as pd

    return pd.DataFrame(long_columns(series, names, world_ids, calendar))
