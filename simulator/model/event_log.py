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
        self._worlds.append(idx)
        self._weeks.append(np.full(idx.size, week))
        self._ids.append(ids)

    def changes(self, week: int, old, new, actor: str, kind: str, describe) -> None:
        """Log the worlds where a state changed; describe is a template with '{new}' or a function of the new value."""
        if not self.enabled:
            return
        changed = np.asarray(old) != np.asarray(new)
        if not changed.any():
            return
        new = np.broadcast_to(new, changed.shape)
        for value in np.unique(new[changed]):
            text = describe(value) if callable(describe) else describe.format(new=value)
            self.record(week, changed & (new == value), actor, kind, text)

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
