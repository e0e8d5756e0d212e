"""Per-world outcomes of a sweep, accumulated week by week so memory does not grow with the horizon.

An outcome is a statistic of one metric over weeks 1..T: its final value, mean, max, min or sum; whether it ever went
above/below a threshold (0/1), or the first week it did (NaN if it never did). Named outcomes give common questions
a name (for example `us_left_iraq`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

STATS = ("final", "mean", "max", "min", "sum", "ever_above", "ever_below", "final_above", "final_below",
         "first_week_above", "first_week_below")
NEEDS_THRESHOLD = {s for s in STATS if s.endswith(("above", "below"))}


@dataclass(frozen=True)
class Outcome:
    metric: str
    stat: str
    threshold: float | None = None


NAMED = {
    "us_left_iraq": Outcome("us_troops_iraq", "final_below", 0.5),
    "us_withdrawal_began": Outcome("us_troops_iraq", "ever_below", 2499.5),
    "iraq_requested_withdrawal": Outcome("iraq_exit_request", "ever_above", 0.5),
    "us_used_dollar_cudgel": Outcome("us_cudgel", "ever_above", 0.5),
    "waiver_lapsed": Outcome("waiver_active", "ever_below", 0.5),
    "parallel_rate_above_2000": Outcome("parallel_rate", "ever_above", 2000.0),
    "salaries_cut": Outcome("salary_coverage", "ever_below", 0.8),
    "peak_parallel_rate": Outcome("parallel_rate", "max"),
    "mean_attacks_per_week": Outcome("attacks_per_week", "mean"),
    "final_exit_pressure": Outcome("exit_pressure", "final"),
}


class OutcomeTracker:
    """Keeps running statistics of each outcome's metric for every world of a model."""

    def __init__(self, outcomes: dict[str, Outcome], worlds: int):
        self.outcomes = outcomes
        self.state = {name: self._start(o.stat, worlds) for name, o in outcomes.items()}

    @staticmethod
    def _start(stat: str, worlds: int) -> np.ndarray:
        start = {"max": -np.inf, "min": np.inf, "first_week_above": np.nan, "first_week_below": np.nan}.get(stat, 0.0)
        return np.full(worlds, start)

    def update(self, model, week: int) -> None:
        from ..model.metrics import METRICS

        for name, o in self.outcomes.items():
            v = np.asarray(METRICS[o.metric].read(model), dtype=float)
            s = self.state[name]
            if o.stat in ("final", "final_above", "final_below"):
                s[:] = v
            elif o.stat in ("mean", "sum"):
                s += v
            elif o.stat == "max":
                np.maximum(s, v, out=s)
            elif o.stat == "min":
                np.minimum(s, v, out=s)
            else:
                hit = v > o.threshold if o.stat.endswith("above") else v < o.threshold
                if o.stat.startswith("ever"):
                    s[hit] = 1.0
                else:
                    s[np.isnan(s) & hit] = week

    def results(self, weeks: int) -> dict[str, np.ndarray]:
        out = {}
        for name, o in self.outcomes.items():
            s = self.state[name]
            if o.stat == "mean":
                s = s / weeks
            elif o.stat == "final_above":
                s = (s > o.threshold).astype(float)
            elif o.stat == "final_below":
                s = (s < o.threshold).astype(float)
            out[name] = s
        return out
