"""The discrete things that happened, per world and week, kept compactly as arrays until asked for a table."""

from __future__ import annotations

import numpy as np


class EventLog:
    def __init__(self, world_ids: np.ndarray, enabled: bool = True):
        self.world_ids = world_ids
        self.enabled = enabled
        self._chunks: list[tuple] = []

    def record(self, week: int, mask: np.ndarray, actor: str, kind: str, description: str, values=None) -> None:
        """Log one event in the worlds where mask is true; '{value}' in the description takes per-world values."""
        if not self.enabled:
            return
        idx = np.flatnonzero(mask)
        if idx.size:
            vals = None if values is None else np.broadcast_to(values, mask.shape)[idx]
            self._chunks.append((week, idx, actor, kind, description, vals))

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
        import pandas as pd

        columns = ["world", "week", "date", "actor", "kind", "description"]
        if not self._chunks:
            return pd.DataFrame({c: pd.Series(dtype="int64" if c in ("world", "week") else "object") for c in columns})
        parts = []
        for week, idx, actor, kind, description, vals in self._chunks:
            if vals is None:
                text = np.full(idx.size, description, dtype=object)
            else:
                text = np.empty(idx.size, dtype=object)
                for v in np.unique(vals):
                    text[vals == v] = description.format(value=v)
            parts.append(pd.DataFrame({"world": self.world_ids[idx], "week": week, "actor": actor, "kind": kind,
                                       "description": text}))
        frame = pd.concat(parts, ignore_index=True).sort_values(["world", "week"], kind="stable", ignore_index=True)
        frame.insert(2, "date", pd.to_datetime(calendar.start) + pd.to_timedelta(frame["week"] * 7, unit="D"))
        return frame
