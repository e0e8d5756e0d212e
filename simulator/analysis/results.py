"""The per-point means every analysis method starts from, and the checks they share.

The methods take DataFrames and arrays, not folders, so they work on any sweep results table; the sweep folder
itself is read by its owner, simulator/sweeps/folder.py.
"""

from __future__ import annotations

import numpy as np

from ..errors import UserError, closest
from ..sweeps.folder import Sweep

STATS = ("mean", "p5", "p95", "sd", "n", "n_value")


def resolve_outcome(sweep: Sweep, outcome: str | None) -> str:
    """The outcome to analyse: the given one if the sweep recorded it, else the manifest's first."""
    names = sweep.outcomes
    if not names:
        raise UserError(f"{sweep.path / 'manifest.json'}: no outcome of the manifest is in the chunk files. Expected "
                        f"columns {', '.join(sweep.manifest['outcomes'])}; found {', '.join(sweep.worlds.columns)}.")
    if outcome is None:
        return names[0]
    if outcome not in names:
        raise UserError(f"{sweep.path}: unknown outcome {outcome!r}.{closest(outcome, names)} Expected one of the "
                        f"sweep's outcomes: {', '.join(names)}.")
    return outcome


def is_binary(values) -> bool:
    """True for 0/1 outcomes, whose mean is a probability."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    return v.size > 0 and bool(np.all((v == 0) | (v == 1)))


def point_means(source, outcome: str, design=None):
    """Per design point: mean (a probability for 0/1 outcomes), p5, p95 and sd over its worlds, n (worlds that
    finished) and n_value (worlds with a value; a 'first week' outcome is empty when it never happened).

    `source` is a Sweep, a per-world DataFrame with 'point' and the outcome column, or a (design, worlds) pair.
    With a design, every design point gets a row (n = 0 and empty statistics where no world finished), ordered
    by point, so the rows line up with the sampler's order.
    """
    import pandas as pd

    if isinstance(source, Sweep):
        design, worlds = source.design, source.worlds
    elif isinstance(source, tuple):
        design, worlds = source
    else:
        worlds = source
    if outcome not in worlds.columns:
        raise UserError(f"results table: unknown outcome {outcome!r}.{closest(outcome, worlds.columns)} Expected a "
                        f"column of the table: {', '.join(map(str, worlds.columns))}.")
    g = worlds.groupby("point", sort=True)[outcome]
    q = g.quantile([0.05, 0.95]).unstack()
    table = pd.DataFrame({"mean": g.mean(), "p5": q[0.05], "p95": q[0.95], "sd": g.std(ddof=1),
                          "n": g.size(), "n_value": g.count()})
    table.index.name = "point"
    table = table.reset_index()
    if design is not None:
        clash = sorted(set(design.columns) & set(STATS))
        if clash:
            raise UserError(f"design: parameter {', '.join(map(repr, clash))} has the name of a statistic column "
                            f"({', '.join(STATS)}); expected other parameter names, so rename it in the design table.")
        table = design.merge(table, on="point", how="left")
        table[["n", "n_value"]] = table[["n", "n_value"]].fillna(0)
    table[["n", "n_value"]] = table[["n", "n_value"]].astype("int64")
    return table.sort_values("point", ignore_index=True)


def noise_share(means) -> float:
    """How much of the spread of point means is replication noise: mean(sd^2 / n) / var(means); NaN if unknown."""
    m = means[means["n_value"] > 1]
    if len(m) < 2:
        return float("nan")
    spread = float(np.var(m["mean"], ddof=1))
    noise = float(np.mean(m["sd"] ** 2 / m["n_value"]))
    return noise / spread if spread > 0 else float("nan")


def require_finite(y, method: str) -> None:
    """Refuse outputs with empty or infinite values: variance-based methods need a number at every design point."""
    bad = int(np.count_nonzero(~np.isfinite(y)))
    if bad:
        raise UserError(f"{method} analysis: {bad:,} of {y.size:,} outputs are empty or not finite; expected a number "
                        f"at every design point (a 'first week' outcome is empty where it never happened, so analyse a "
                        f"0/1 or numeric outcome instead).")
