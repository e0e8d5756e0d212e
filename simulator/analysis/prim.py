"""Scenario discovery with PRIM (Friedman and Fisher 1999; the Project-Platypus `prim` package): the box of
parameter values in which an outcome is likely, found by peeling thin slices off the parameter ranges.

Inputs are per world (each replication with its own result), so a box's density is the share of worlds in it where
the outcome happened. Along the peeling trajectory coverage (share of all cases inside the box) falls and density
(share of the box's worlds that are cases) rises; the box chosen by default maximises coverage x density.

We use `prim` for peeling and pasting but read its results only through PrimBox.peeling_trajectory, select() and
limits: Prim.limits fails under pandas >= 3 (chained assignment), and a y without any case divides by zero, so
that is refused here first.
"""

from __future__ import annotations

import numpy as np

from ..errors import UserError


def prim_box(X, y, bounds=None, peel_alpha: float = 0.05, paste_alpha: float = 0.05, mass_min: float = 0.05,
             select: int | None = None) -> dict:
    """PRIM on per-world inputs X (DataFrame, one column per parameter) and a boolean y (the outcome happened).

    Returns {'limits': parameter, min, max, low, high (the parameter's range: `bounds` {name: (low, high)} or the
    data's), restricted, qp (quasi-p value of the restriction; small = the restriction matters), norm_min, norm_max;
    'trajectory': step, coverage, density, mass, res_dim, selected; 'box': one row with the chosen step's
    coverage, density, mass, res_dim and the base rate}. `select` picks a trajectory step instead of the default.
    """
    import logging

    import pandas as pd
    import prim as prim_package

    x = pd.DataFrame(X).astype(float).reset_index(drop=True)
    y = np.asarray(y).astype(bool).ravel()
    if len(x) != y.size or y.size == 0:
        raise UserError(f"PRIM: expected one outcome per world, found {len(x)} input rows and {y.size} outcomes.")
    cases = int(y.sum())
    if cases == 0 or cases == y.size:
        raise UserError(f"PRIM: the outcome is {'true' if cases else 'false'} in all {y.size:,} worlds, so there "
                        f"is no box to find; expected worlds on both sides of the threshold (choose another threshold"
                        f" or outcome).")
    logging.getLogger("prim").setLevel(logging.WARNING)
    finder = prim_package.Prim(x, y, peel_alpha=peel_alpha, paste_alpha=paste_alpha, mass_min=mass_min)
    box = finder.find_box()
    t = box.peeling_trajectory
    trajectory = pd.DataFrame({"step": np.arange(len(t)), "coverage": t["coverage"].to_numpy(dtype=float),
                               "density": t["density"].to_numpy(dtype=float), "mass": t["mass"].to_numpy(dtype=float),
                               "res_dim": t["res dim"].to_numpy(dtype=int)})
    if select is None:
        select = int(np.argmax((trajectory["coverage"] * trajectory["density"]).to_numpy()))
    if not 0 <= select < len(trajectory):
        raise UserError(f"PRIM: step {select} is not on the peeling trajectory; expected 0 to {len(trajectory) - 1}.")
    trajectory["selected"] = trajectory["step"] == select
    box.select(select)
    restricted = box.limits  # only the restricted parameters, with quasi-p values
    rows = []
    for name in x.columns:
        lo, hi = (bounds or {}).get(name, (x[name].min(), x[name].max()))
        r = name in restricted.index
        bmin, bmax = (restricted.loc[name, "min"], restricted.loc[name, "max"]) if r else (x[name].min(), x[name].max())
        span = (hi - lo) or 1.0
        rows.append({"parameter": name, "min": float(bmin), "max": float(bmax), "low": float(lo), "high": float(hi),
                     "restricted": r, "qp": float(restricted.loc[name, "qp values"]) if r else np.nan,
                     "norm_min": (bmin - lo) / span, "norm_max": (bmax - lo) / span})
    limits = pd.DataFrame(rows).sort_values(["restricted", "qp"], ascending=[False, True], ignore_index=True)
    chosen = trajectory.iloc[select]
    summary = pd.DataFrame([{"step": select, "coverage": chosen["coverage"], "density": chosen["density"],
                             "mass": chosen["mass"], "res_dim": int(chosen["res_dim"]), "base_rate": cases / y.size,
                             "cases": cases, "worlds": int(y.size)}])
    return {"limits": limits, "trajectory": trajectory, "box": summary}


def in_box(X, limits) -> np.ndarray:
    """Which rows of X lie in the box (closed intervals), for checking or reusing a box on other results."""
    x = np.ones(len(X), dtype=bool)
    for r in limits.itertuples():
        x &= (X[r.parameter] >= r.min).to_numpy() & (X[r.parameter] <= r.max).to_numpy()
    return x


def analyze(problem: dict, X, Y, threshold: float = 0.5, **options) -> dict:
    """SALib-style entry point: PRIM on Y > threshold, with the parameter ranges taken from the problem."""
    values = np.asarray(Y, dtype=float)
    y = values > threshold  # NaN (a 'first week' that never came) counts as not happened
    if y.all() or not y.any():
        ok = values[np.isfinite(values)]
        spread = (f"its values run from {ok.min():.4g} to {ok.max():.4g} (median {np.median(ok):.4g})" if ok.size
                  else "it has no value in any world")
        raise UserError(f"PRIM: the outcome is above the threshold {threshold:g} in {'all' if y.all() else 'none'} of "
                        f"the {y.size:,} worlds, so there is no box to find; {spread}. Expected a threshold inside "
                        f"that range (--threshold), or another outcome.")
    bounds = {n: tuple(b) for n, b in zip(problem["names"], problem["bounds"])}
    return prim_box(X, y, bounds=bounds, **options)


def report(tables: dict, outcome: str, threshold: float) -> list[str]:
    from .summary import fmt, text_table

    b = tables["box"].iloc[0]
    lim = tables["limits"]
    r = lim[lim["restricted"]]
    out = [f"PRIM box where {outcome} > {threshold:g} (base rate {b['base_rate']:.1%} of {int(b['worlds']):,} "
           f"worlds; trajectory step {int(b['step'])}):",
           f"  coverage {b['coverage']:.1%} of the cases are in the box; density {b['density']:.1%} of the box's "
           f"worlds are cases; mass {b['mass']:.1%} of all worlds."]
    if r.empty:
        return out + ["  No restriction improves on the base rate: no parameter box makes this outcome likelier."]
    rows = [[p.parameter, fmt(p.min), fmt(p.max), f"{fmt(p.low)} - {fmt(p.high)}", f"{p.qp:.1g}"]
            for p in r.itertuples()]
    out += text_table(["parameter", "box min", "box max", "range", "quasi-p"], rows)
    free = lim.loc[~lim["restricted"], "parameter"].tolist()
    if free:
        out.append(f"Unrestricted: {', '.join(free)}.")
    return out
