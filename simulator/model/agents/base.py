"""What all actors share: per-world arrays and the logit choice with scenario constraints."""

from __future__ import annotations

import mesa
import numpy as np

from ..choice import logit_choice


class Actor(mesa.Agent):
    """A state actor or faction. Subclasses set their state in __init__ and implement decide(week).

    decide() may read any actor's state (it is still last week's) but writes only this actor's choices,
    so the order in which actors decide does not change results.
    """

    def __init__(self, model):
        super().__init__(model)
        self.p = model.p

    def full(self, value) -> np.ndarray:
        """A fresh float array with one entry per world."""
        return np.broadcast_to(np.asarray(value, dtype=float), (self.model.worlds,)).copy()

    def choose(self, decision: str, utilities: list, previous: np.ndarray, rationality) -> np.ndarray:
        """Logit choice among the options of `decision`, honouring forced and forbidden options."""
        model = self.model
        worlds = model.worlds
        stacked = np.stack([np.broadcast_to(u, (worlds,)) for u in utilities])
        return logit_choice(stacked, rationality, previous, self.p.world_decision_inertia,
                            model.constraints.allowed(decision, model.week + 1),
                            model.streams.uniform(decision, model.week + 1))
