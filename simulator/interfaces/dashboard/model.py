"""The model the dashboard runs: LeverageModel with the keyword signature Mesa's SolaraViz expects.

SolaraViz re-creates the model on Reset as `ClassroomModel(**slider_values)` and checks the names against the
signature, so the registry parameters pass through `**kwargs`. A lock keeps a lever pulled from the page from
landing in the middle of a week that the play loop is stepping in another thread.
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
        super().__init__(worlds=int(worlds), seed=int(seed), weeks=int(weeks), **kwargs)

    def step(self) -> None:
        with self.lock:
            super().step()
