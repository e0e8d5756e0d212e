"""Sobol variance-based indices (SALib.analyze.sobol): how much of the outcome's variance each parameter explains
alone (S1), including all its interactions (ST), and per pair (S2), with bootstrap confidence intervals.

The estimator reads the outputs by position (blocks of A, AB_1..AB_D, BA_1..BA_D, B per base sample), so Y must be
the per-point means in the sampler's row order, with no point missing.
"""

from __future__ import annotations

import numpy as np

from ..errors import UserError
from .results import require_finite


def saltelli_problem(problem: dict, X, second_order: bool = True) -> str:
    """'' if the rows of X have Saltelli's block structure, else what is wrong (a design that is shuffled, or was
    not drawn by SALib.sample.sobol, would give meaningless indices without any error)."""
    x = np.asarray(X, dtype=float)
    d = int(problem["num_vars"])
    step = 2 * d + 2 if second_order else d + 2
    if x.ndim != 2 or x.shape[1] != d:
        return f"expected {d} parameter columns, found {x.shape[1] if x.ndim == 2 else x.ndim}"
    if len(x) % step:
        return f"expected a multiple of {step} rows (N x (2D + 2) for D = {d}), found {len(x)}"
    blocks = x.reshape(-1, step, d)
    a, b = blocks[:, 0], blocks[:, -1]
    for j in range(d):
        ab = a.copy()
        ab[:, j] = b[:, j]
        if not np.allclose(blocks[:, 1 + j], ab):
            return (f"rows are not in Saltelli order (row {1 + j} of each block of {step} should be A with "
                    f"{problem['names'][j]} taken from B)")
    return ""


def sobol_indices(problem: dict, y, seed: int | None = 1, second_order: bool = True, num_resamples: int = 100,
                  conf_level: float = 0.95) -> dict:
    """{'indices': parameter, S1, S1_conf, ST, ST_conf; 'S2': parameter_1, parameter_2, S2, S2_conf} as DataFrames.
    The *_conf columns are half-widths of the `conf_level` bootstrap interval."""
    import pandas as pd
    from SALib.analyze import sobol

    y = np.asarray(y, dtype=float).ravel()
    names, d = list(problem["names"]), int(problem["num_vars"])
    step = 2 * d + 2 if second_order else d + 2
    if y.size == 0 or y.size % step:
        raise UserError(f"Sobol analysis: expected N x {step} outputs for {d} parameters"
                        f"{' with second order' if second_order else ''}, found {y.size}. The outputs must be one per "
                        f"design point of a Sobol (Saltelli) design, in the sampler's order.")
    require_finite(y, "Sobol")
    if np.ptp(y) == 0:
        raise UserError(f"Sobol analysis: the outcome is {y[0]:g} at every design point, so no parameter explains any "
                        f"of its variance; expected an outcome that varies (try another outcome or wider ranges).")
    si = sobol.analyze(problem, y, calc_second_order=second_order, num_resamples=num_resamples, conf_level=conf_level,
                       seed=seed)
    indices = pd.DataFrame({"parameter": names, "S1": si["S1"], "S1_conf": si["S1_conf"], "ST": si["ST"],
                            "ST_conf": si["ST_conf"]})
    pairs = []
    if second_order:
        for j in range(d):
            for k in range(j + 1, d):
                pairs.append({"parameter_1": names[j], "parameter_2": names[k], "S2": si["S2"][j, k],
                              "S2_conf": si["S2_conf"][j, k]})
    s2 = pd.DataFrame(pairs, columns=["parameter_1", "parameter_2", "S2", "S2_conf"])
    return {"indices": indices, "S2": s2}


def analyze(problem: dict, X, Y, seed: int | None = 1, second_order: bool = True) -> dict:
    """SALib-style entry point: checks that X (design rows in order) has the Saltelli structure, then indices of Y."""
    wrong = saltelli_problem(problem, X, second_order)
    if wrong:
        raise UserError(f"Sobol analysis: the design is not a Saltelli sample: {wrong}. Expected the rows of "
                        f"SALib.sample.sobol(calc_second_order={second_order}) in their original order.")
    return sobol_indices(problem, Y, seed=seed, second_order=second_order)


def report(tables: dict, outcome: str, top: int = 5) -> list[str]:
    from .summary import fmt, text_table

    t = tables["indices"].sort_values("ST", ascending=False)
    rows = [[r.parameter, fmt(r.S1), f"±{fmt(r.S1_conf)}", fmt(r.ST), f"±{fmt(r.ST_conf)}"] for r in t.itertuples()]
    out = [f"Sobol indices of {outcome} (± 95% bootstrap interval), by total effect:"]
    out += text_table(["parameter", "S1", "", "ST", ""], rows)
    out.append(f"Sum of S1: {fmt(t['S1'].sum())} (1 = no interactions; the rest of the variance is interactions"
               f" and noise).")
    s2 = tables["S2"]
    if len(s2):
        s2 = s2.reindex(s2["S2"].abs().sort_values(ascending=False).index).head(top)
        rows = [[f"{r.parameter_1} x {r.parameter_2}", fmt(r.S2), f"±{fmt(r.S2_conf)}"] for r in s2.itertuples()]
        out += ["", "Largest second-order interactions (S2):"] + text_table(["pair", "S2", ""], rows)
    return out
