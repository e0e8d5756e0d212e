"""The discrete things that happened, per world and week, kept as compact arrays until asked for a table."""

from __future__ import annotations

import numpy as np


class EventLog:
    """Each entry is (world index, week, text id); texts (actor, kind, description) are stored once."""

    def __init__(self, world_ids: np.ndarray, enabled: bool = True):
        self.world_ids = world_ids
        self.enabled = enabled
        self._texts: dict[tuple, int] = {}
        self._worlds: list[np.ndarray] = []
        self._weeks: list[np.ndarray] = []
        self._ids: list[np.ndarray] = []

    def __len__(self) -> int:
        """The number of records so far (each one a happening in one or more worlds); it only grows."""
        return len(self._ids)

    def _text_id(self, actor: str, kind: str, description: str) -> int:
        return self._texts.setdefault((actor, kind, description), len(self._texts))

    def record(self, week: int, mask: np.ndarray, actor: str, kind: str, description: str, values=None) -> None:
        """Log one event in the worlds where mask is true; '{value}' in the description takes per-world values."""
        if not self.enabled:
            return
        idx = np.flatnonzero(mask)
        if not idx.size:
            return
        if values is None:
            ids = np.full(idx.size, self._text_id(actor, kind, description))
        else:
            vals = np.broadcast_to(values, mask.shape)[idx]
            uniques, inverse = np.unique(vals, return_inverse=True)
            table = np.array([self._text_id(actor, kind, description.format(value=v)) for v in uniques])
            ids = table[inverse]
        self._append(week, idx, ids)

    def _append(self, week: int, idx: np.ndarray, ids: np.ndarray) -> None:
        self._worlds.append(idx)
        self._weeks.append(np.full(idx.size, week))
        self._ids.append(ids)

    def changes(self, week: int, old, new, actor: str, kind: str, describe) -> None:
        """Log the worlds where a state changed; describe is a template with '{new}' or a function of the new value.
        One record per new value, in increasing order, each listing its worlds in order."""
        if not self.enabled:
            return
        old, new = np.asarray(old), np.asarray(new)
        idx = np.flatnonzero(old != new)
        if not idx.size:
            return
        values = np.broadcast_to(new, np.broadcast_shapes(old.shape, new.shape))[idx]
        if values.dtype.kind == "f":  # a state that became NaN has no value to tell
            idx, values = idx[~np.isnan(values)], values[~np.isnan(values)]
            if not idx.size:
                return
        if values.size > 1 and (values[1:] != values[0]).any():  # several new values: group their worlds by value
            order = np.argsort(values, kind="stable")
            values, idx = values[order], idx[order]
        starts = np.flatnonzero(np.concatenate(([True], values[1:] != values[:-1])))
        for start, end in zip(starts, [*starts[1:], values.size]):
            value = values[start]
            text = describe(value) if callable(describe) else describe.format(new=value)
            self._append(week, idx[start:end], np.full(end - start, self._text_id(actor, kind, text)))

    def to_frame(self, calendar):
        """Table with columns world, week, date, actor, kind, description, sorted by world then week."""
        import pandas as pd

        return pd.DataFrame(self.columns(calendar))

    def columns(self, calendar) -> dict:
        """The table of to_frame as {column: numpy array}, without pandas (what events.parquet holds)."""
        worlds = np.concatenate(self._worlds) if self._worlds else np.zeros(0, dtype=int)
        weeks = np.concatenate(self._weeks) if self._weeks else np.zeros(0, dtype=int)
        ids = np.concatenate(self._ids) if self._ids else np.zeros(0, dtype=int)
        order = np.lexsort((weeks, worlds))
        texts = list(self._texts)
        column = lambda i: np.array([t[i] for t in texts] or [""], dtype=object)[ids[order]]
        week = weeks[order].astype(np.int64)
        return {
            "world": self.world_ids[worlds[order]].astype(np.int64),
            "week": week,
            "date": calendar.dates(week),
            "actor": column(0), "kind": column(1), "description": column(2),
        }
