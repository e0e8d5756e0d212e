"""The model the dashboard runs: LeverageModel with a lock and a kept table of events.

The page's Reset builds it as `ClassroomModel(**set_up_values)`: the worlds, the seed and the registry parameters of
the set-up sliders (through `**kwargs`). A lock keeps a lever pulled from the page from landing in the middle of a
week that the play loop is stepping in another thread. The table of events is kept until the log grows: the page
reads it more than once a week.
"""

from __future__ import annotations

import threading

from ...model import LeverageModel

DEFAULT_WORLDS = 300
DEFAULT_SEED = 2024
DEFAULT_WEEKS = 104


class ClassroomModel(LeverageModel):
    def __init__(self, worlds: int = DEFAULT_WORLDS, seed: int = DEFAULT_SEED, weeks: int = DEFAULT_WEEKS, **kwargs):
        self.lock = threading.RLock()
        self._events = (None, -1)  # (table of events, length of the log it shows)
        self._anchors = None
        self.set_up = dict(worlds=int(worlds), seed=int(seed), weeks=int(weeks), **kwargs)
        super().__init__(**self.set_up)

    def anchors(self) -> dict[str, str]:
        """Today's value of what each prediction question asks about (as `sim predict` shows it), from a twin of
        this model's set-up stepped once; computed once per model."""
        if self._anchors is None:
            from ...output.predictions import ANCHOR_WORLDS, anchors_of

            twin = LeverageModel(**{**self.set_up, "worlds": min(self.worlds, ANCHOR_WORLDS)}, log_events=False)
            self._anchors = anchors_of(twin)
        return self._anchors

    def step(self) -> None:
        with self.lock:
            super().step()

    def events_frame(self):
        """LeverageModel.events_frame, built again only when the log has grown (treat it as read-only)."""
        if self._events[1] != len(self.log):
            self._events = (super().events_frame(), len(self.log))
        return self._events[0]
