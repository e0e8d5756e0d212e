"""Bounded-rational choice: logit (quantal response) over options, with scenario constraints.

Each decision is a named list of options. Every week each actor scores its options per world, and picks one with
probability proportional to exp(rationality * (utility + inertia if it was last week's choice)). Scenario events
may force an option or forbid some, per world, until a given week.
"""

from __future__ import annotations

import numpy as np

from .factions import FACTIONS

# Every decision the actors take, with its options in a fixed order (the index is what agents store).
DECISIONS: dict[str, tuple[str, ...]] = {
    "us.retaliation": ("none", "proportional", "heavy"),
    "us.exit_response": ("hold", "timetable", "withdraw", "threaten"),
    "us.deterrence": ("silent", "declare"),
    "us.dollars": ("facilitate", "scale_back", "restrict"),
    "us.waiver": ("renew", "lapse"),
    "iran.direction": ("restrain", "sustain", "escalate"),
    "iran.supply": ("full", "threaten", "reduce"),
    "iraq.exit_stance": ("quiet", "negotiate", "request"),
    "iraq.militia_policy": ("tolerate", "include", "press"),
    "iraq.dollar_compliance": ("lax", "enforce"),
}
POSTURES = ("hold", "harass", "escalate")
DECISIONS.update({f"militia.posture.{name}": POSTURES for name in FACTIONS})
DECISIONS.update({f"militia.campaign.{name}": ("continue", "suspend") for name in FACTIONS})


def option_index(decision: str, option: str) -> int:
    return DECISIONS[decision].index(option)


def by_option(index: np.ndarray, values: list) -> np.ndarray:
    """values[index[w]] for each world w, each value a number or a per-world array (np.choose's result, a few times
    faster for a few options)."""
    out = values[-1]
    for i in range(len(values) - 2, -1, -1):
        out = np.where(index == i, values[i], out)
    return np.broadcast_to(out, np.shape(index)).astype(float)


class Constraints:
    """Per-world forced and forbidden options of each decision, with the week until which they hold."""

    def __init__(self, worlds: int):
        self.touched = set()  # decisions a scenario has ever forced or forbidden (the others skip the checks)
        self.forced = {d: np.full(worlds, -1) for d in DECISIONS}
        self.forced_until = {d: np.zeros(worlds) for d in DECISIONS}
        self.forbidden_until = {d: np.zeros((len(o), worlds)) for d, o in DECISIONS.items()}

    def force(self, decision: str, option: str, mask: np.ndarray, until: float) -> None:
        i = option_index(decision, option)
        self.touched.add(decision)
        self.forced[decision] = np.where(mask, i, self.forced[decision])
        self.forced_until[decision] = np.where(mask, until, self.forced_until[decision])

    def forbid(self, decision: str, option: str, mask: np.ndarray, until: float) -> None:
        i = option_index(decision, option)
        self.touched.add(decision)
        self.forbidden_until[decision][i] = np.where(mask, until, self.forbidden_until[decision][i])

    def allowed(self, decision: str, week: int) -> np.ndarray | None:
        """Boolean (options, worlds): which options each world may choose this week (None: all of them)."""
        if decision not in self.touched:
            return None
        allowed = self.forbidden_until[decision] <= week
        forced_now = self.forced_now(decision, week)
        if forced_now.any():
            onehot = np.arange(allowed.shape[0])[:, None] == self.forced[decision][None, :]
            allowed = np.where(forced_now[None, :], onehot, allowed)
        return allowed

    def forced_now(self, decision: str, week: int) -> np.ndarray:
        """Worlds in which a scenario forces this decision this week."""
        return self.forced_until[decision] > week


# Draws are screened in float32 (numpy's vectorised float32 exp is ~3x faster here than the float64 one): a world whose
# uniform lands within this share of the total weight from a boundary between options, where float32 rounding (below
# 1e-5 of the total) could tip the draw, is drawn again in float64. Every draw therefore equals the float64 draw.
SCREEN = 1e-4


def logit_choice(utilities: np.ndarray, rationality, previous: np.ndarray, inertia, allowed: np.ndarray,
                 uniform: np.ndarray, scratch: bool = False) -> np.ndarray:
    """Index of the chosen option per world.

    utilities: (options, worlds); previous: last choice per world (inertia bonus); allowed: (options, worlds).
    A world with a single allowed option (a forced one) takes it whatever its utility; a world whose options are all
    forbidden keeps its previous choice. With `scratch`, utilities is a float array the caller no longer needs (it is
    worked on in place).
    """
    k = utilities.shape[0]
    if allowed is not None and allowed.all():
        allowed = None
    if k == 2 and allowed is None:
        return _binary_choice(utilities, rationality, previous, inertia, uniform)
    scores = utilities if scratch else np.array(utilities, dtype=float)  # worked on in place from here
    n = previous.size  # the option chosen last week gets the inertia bonus (flat indices: 2x faster than 2-d ones)
    scores.reshape(-1)[previous * n + np.arange(n)] += inertia
    scores *= rationality
    if allowed is not None:
        single = allowed.sum(axis=0) == 1
        scores = np.where(allowed, np.where(single, 0.0, scores), -np.inf)
    top = scores.max(axis=0)
    stuck = ~np.isfinite(top)
    if stuck.any():
        top = np.where(stuck, 0.0, top)
    scores -= top  # the best option scores 0 (weight 1), so the total weight is at least 1
    chosen = _screened_draw(scores, uniform)
    return np.where(stuck, previous, chosen) if stuck.any() else chosen


def _screened_draw(scores: np.ndarray, uniform: np.ndarray) -> np.ndarray:
    """`_exact_draw` in float32, with the worlds too close to call (see SCREEN) drawn again in float64."""
    partial = _running_sums(np.exp(scores.astype(np.float32)))
    threshold = uniform.astype(np.float32) * partial[-1]
    margin = np.float32(SCREEN) * partial[-1]
    chosen = np.zeros(uniform.shape, dtype=np.int8)
    close = np.zeros(uniform.shape, dtype=bool)
    for cumulative in partial[:-1]:
        gap = threshold - cumulative
        chosen += gap >= 0.0
        close |= np.abs(gap, out=gap) <= margin
    chosen = chosen.astype(np.int64)
    if close.any():  # a few worlds in ten thousand (and worlds with every option forbidden, which keep their choice)
        idx = np.flatnonzero(close)
        chosen[idx] = _exact_draw(scores[:, idx], uniform[idx])
    return chosen


def _exact_draw(scores: np.ndarray, uniform: np.ndarray) -> np.ndarray:
    """The option whose share of the total weight e^score the uniform falls in, in float64: the number of running
    sums the threshold reaches. It never passes the last (uniform < 1); where rounding makes it equal the last, the
    answer is the last option either way."""
    partial = _running_sums(np.exp(scores))
    threshold = uniform * partial[-1]
    chosen = np.zeros(uniform.shape, dtype=np.int64)
    for cumulative in partial[:-1]:
        chosen += threshold >= cumulative
    return chosen


def _running_sums(weights: np.ndarray) -> list:
    """Running sums over options, row by row: much faster than np.cumsum over a short axis."""
    partial = [weights[0]]
    for row in weights[1:]:
        partial.append(partial[-1] + row)
    return partial


def _binary_choice(utilities, rationality, previous, inertia, uniform) -> np.ndarray:
    """The same draw for two options, in closed form: option 1 when uniform >= P(option 0) = 1 / (1 + e^(s1 - s0)).
    An option with utility -inf is never taken; if both are -inf the previous choice is kept. Screened in float32 like
    the general draw (the float32 P(option 0) is within 1e-6 of the float64 one)."""
    bonus = np.asarray(inertia) * np.where(previous == 1, 1.0, -1.0)
    with np.errstate(invalid="ignore", over="ignore"):
        gap = np.asarray(rationality) * (utilities[1] - utilities[0] + bonus)
        first = np.float32(1.0) / (np.float32(1.0) + np.exp(np.asarray(gap, dtype=np.float32)))
        distance = uniform.astype(np.float32) - first
        chosen = (distance >= 0.0).astype(np.int64)
        close = np.abs(distance, out=distance) <= SCREEN
        if close.any():
            idx = np.flatnonzero(close)
            chosen[idx] = uniform[idx] >= 1.0 / (1.0 + np.exp(gap[idx]))
    stuck = np.isnan(gap)
    return np.where(stuck, previous, chosen) if stuck.any() else chosen
