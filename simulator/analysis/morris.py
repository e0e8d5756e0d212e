"""Morris elementary effects (SALib.analyze.morris): a cheap screening of which parameters matter at all.

mu_star (mean absolute effect of moving a parameter one step across its range) ranks importance; sigma (spread of
the effects) flags non-linearity or interactions; mu with a sign shows the direction when effects agree.
"""

from __future__ import annotations

import numpy as np

from ..errors import UserError
from .results import require_finite


def morris_indices(problem: dict, X, y, seed: int | None = 1, num_levels: int = 4, num_resamples: int = 1000,
                   conf_level: float = 0.95):
    """DataFrame: parameter, mu, mu_star, sigma, mu_star_conf (half-width of the bootstrap interval of mu_star).
    X holds the design values (N trajectories x (D + 1) rows, in the sampler's order), y one output per row."""
    import pandas as pd
    from SALib.analyze import morris

    x = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float).ravel()
    d = int(problem["num_vars"])
    if x.ndim != 2 or x.shape[1] != d or len(x) != y.size or y.size == 0 or y.size % (d + 1):
        raise UserError(f"Morris analysis: expected N x {d + 1} design rows of {d} parameters and one output per row, "
                        f"found X {x.shape} and {y.size} outputs. The rows must be Morris trajectories "
                        f"(SALib.sample.morris) in the sampler's order.")
    require_finite(y, "Morris")
    si = morris.analyze(problem, x, y, num_resamples=num_resamples, conf_level=conf_level, num_levels=num_levels,
                        seed=seed)
    return pd.DataFrame({"parameter": list(problem["names"]), "mu": np.asarray(si["mu"], dtype=float),
                         "mu_star": np.asarray(si["mu_star"], dtype=float),
                         "sigma": np.asarray(si["sigma"], dtype=float),
                         "mu_star_conf": np.asarray(si["mu_star_conf"], dtype=float)})


def trajectory_problem(problem: dict, X) -> str:
    """'' if the rows of X are Morris trajectories (each of the D steps of a trajectory moves exactly one parameter,
    each parameter once), else what is wrong; shuffled rows would give meaningless effects without any error."""
    x = np.asarray(X, dtype=float)
    d = int(problem["num_vars"])
    if x.ndim != 2 or x.shape[1] != d or len(x) % (d + 1):
        return f"expected N x {d + 1} rows of {d} parameters, found {x.shape}"
    span = np.ptp(np.asarray(problem["bounds"], dtype=float), axis=1)
    moved = np.abs(np.diff(x.reshape(-1, d + 1, d), axis=1)) > 1e-9 * np.where(span > 0, span, 1.0)
    if not (moved.sum(axis=2) == 1).all() or not (moved.sum(axis=1) == 1).all():
        return "rows are not in trajectory order (each step of D + 1 rows should move exactly one parameter)"
    return ""


def analyze(problem: dict, X, Y, seed: int | None = 1, num_levels: int = 4) -> dict:
    """SALib-style entry point: checks that X holds Morris trajectories in order, then {'indices': morris_indices}."""
    wrong = trajectory_problem(problem, X)
    if wrong:
        raise UserError(f"Morris analysis: the design is not a Morris sample: {wrong}. Expected the rows of "
                        f"SALib.sample.morris in their original order.")
    return {"indices": morris_indices(problem, X, Y, seed=seed, num_levels=num_levels)}


def report(tables: dict, outcome: str) -> list[str]:
    from .summary import fmt, text_table

    t = tables["indices"].sort_values("mu_star", ascending=False)
    rows = [[r.parameter, fmt(r.mu_star), f"±{fmt(r.mu_star_conf)}", fmt(r.mu), fmt(r.sigma)] for r in t.itertuples()]
    return ([f"Morris screening of {outcome} (mean absolute elementary effect, ± 95% bootstrap interval), "
             f"most influential first:"] + text_table(["parameter", "mu_star", "", "mu", "sigma"], rows)
            + ["sigma comparable to mu_star: the effect depends on the other parameters (interactions or curvature)."])
