"""What all actors share: per-world arrays and the logit choice with scenario constraints."""

from __future__ import annotations

import numpy as np

from ..choice import logit_choice
from ..mesa_core import load as _load_mesa

mesa = _load_mesa()  # Mesa's core classes only (see simulator.model.mesa_core)


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

    def choose(self, decision: str, utilities: list, previous: np.ndarray, rationality, where=None,
               otherwise: int = 0) -> np.ndarray:
        """Logit choice among the options of `decision`, honouring forced and forbidden options.

        With `where`, only those worlds draw (the others take option `otherwise`, which the caller knows they would
        choose anyway): the same result at a fraction of the cost when few worlds face a real choice."""
        model = self.model
        worlds = model.worlds
        week = model.week + 1
        allowed = model.constraints.allowed(decision, week)
        inertia = self.p.world_decision_inertia
        idx = None if where is None else np.flatnonzero(where)
        if idx is None or 2 * idx.size > worlds:  # most worlds draw: whole arrays are cheaper than gathering
            stacked = np.empty((len(utilities), worlds))
            for row, u in zip(stacked, utilities):
                row[...] = u
            chosen = logit_choice(stacked, rationality, previous, inertia, allowed,
                                  model.streams.uniform(decision, week), scratch=True)
            return chosen if where is None else np.where(where, chosen, otherwise)
        out = np.full(worlds, otherwise, dtype=np.int64)
        if idx.size:
            pick = lambda v: np.broadcast_to(v, (worlds,))[idx] if np.ndim(v) else v
            stacked = np.stack([np.broadcast_to(pick(u), idx.shape) for u in utilities], dtype=float)
            out[idx] = logit_choice(stacked, pick(rationality), previous[idx], pick(inertia),
                                    None if allowed is None else allowed[:, idx],
                                    model.streams.uniform(decision, week, at=idx), scratch=True)
        return out
