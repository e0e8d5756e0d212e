"""Figures for sweep analyses: index bars with confidence intervals, the two-parameter outcome map, and PRIM's
coverage-density trade-off and box limits. Each function draws one PNG with matplotlib's Agg backend."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..model.units import fmt
from ..output.axes import unit_formatter


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig, path: Path) -> Path:
    fig.savefig(path, dpi=100)
    _pyplot().close(fig)
    return path


def sobol_bars(indices, title: str, path: Path) -> Path:
    """S1 and ST per parameter (largest ST first) with their confidence intervals as error bars."""
    plt = _pyplot()
    t = indices.sort_values("ST", ascending=False)
    x = np.arange(len(t))
    fig, ax = plt.subplots(figsize=(max(6.0, 0.6 * len(t) + 2), 4.2))
    ax.bar(x - 0.2, t["S1"], 0.4, yerr=t["S1_conf"], capsize=3, label="S1 (alone)", color="C0")
    ax.bar(x + 0.2, t["ST"], 0.4, yerr=t["ST_conf"], capsize=3, label="ST (with interactions)", color="C1")
    ax.set_xticks(x, t["parameter"], rotation=35, ha="right", fontsize=8)
    ax.axhline(0, color="0.3", linewidth=0.8)
    ax.set_ylabel("share of variance")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return _save(fig, path)


MORRIS_SHOWN = 30  # parameters in the Morris bars (the most influential); the CSV has them all
MORRIS_NAMED = 12  # points named in the Morris scatter


def morris_chart(indices, title: str, path: Path) -> Path:
    """Left: mu_star with its confidence interval, the MORRIS_SHOWN most influential (the most at the top).
    Right: sigma against mu_star for every parameter, the MORRIS_NAMED most influential named."""
    plt = _pyplot()
    everything = indices.sort_values("mu_star", ascending=True)
    t = everything.tail(MORRIS_SHOWN)
    if len(everything) > len(t):
        title = f"{title}\n(the {len(t)} most influential of {len(everything)} parameters; all in the CSV)"
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, max(3.5, 0.32 * len(t) + 1.5)))
    left.barh(t["parameter"], t["mu_star"], xerr=t["mu_star_conf"], capsize=3, color="C0")
    left.set_xlabel("mu* (mean |elementary effect|)")
    left.tick_params(axis="y", labelsize=8)
    left.grid(axis="x", alpha=0.3)
    right.scatter(everything["mu_star"], everything["sigma"], color="C1")
    top = float(max(everything["mu_star"].max(), everything["sigma"].max(), 1e-12))
    right.plot([0, top], [0, top], color="0.5", linestyle="--", linewidth=0.8, label="sigma = mu*")
    right.set_xlabel("mu*")
    right.set_ylabel("sigma (interactions, curvature)")
    right.legend(fontsize=8, loc="lower right")
    right.grid(alpha=0.3)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    _name_points(right, everything.tail(MORRIS_NAMED), fontsize=7)
    return _save(fig, path)


def _name_points(ax, rows, fontsize: float) -> None:
    """Name the points (mu_star, sigma) of `rows` without overlapping labels: a label sits beside its point (to the
    left in the right half of the axes, so it stays inside), pushed down below the label above it when they would
    overlap, with a thin line to its point when moved."""
    px_per_pt = ax.figure.dpi / 72
    gap = 1.4 * fontsize * px_per_pt
    at = ax.transData.transform(np.column_stack([rows["mu_star"], rows["sigma"]]))
    middle = ax.transAxes.transform((0.5, 0.5))[0]
    lowest = np.inf  # the label placed lowest so far, in pixels
    for k in np.argsort(-at[:, 1], kind="stable"):
        x, y = at[k]
        left = bool(x > middle)
        placed = lowest = min(y, lowest - gap)
        moved = placed < y - 0.5
        ax.annotate(rows["parameter"].iloc[k], (rows["mu_star"].iloc[k], rows["sigma"].iloc[k]), fontsize=fontsize,
                    xytext=(-6 if left else 6, (placed - y) / px_per_pt), textcoords="offset points",
                    ha="right" if left else "left", va="center",
                    arrowprops={"arrowstyle": "-", "color": "0.6", "linewidth": 0.5} if moved else None)


def heatmap(table, x: str, y: str, label: str, title: str, path: Path) -> Path:
    """The outcome over two parameters (table rows: y values, columns: x values), values written in the cells."""
    plt = _pyplot()
    z = table.to_numpy(dtype=float)
    fig, ax = plt.subplots(figsize=(max(5.5, 0.7 * z.shape[1] + 3), max(4.0, 0.5 * z.shape[0] + 2)))
    probability = np.nanmin(z) >= 0 and np.nanmax(z) <= 1
    image = ax.imshow(z, origin="lower", aspect="auto", cmap="viridis", vmin=0 if probability else None,
                      vmax=1 if probability else None)
    ax.set_xticks(range(z.shape[1]), [f"{v:.3g}" for v in table.columns], fontsize=8)
    ax.set_yticks(range(z.shape[0]), [f"{v:.3g}" for v in table.index], fontsize=8)
    unit = "share of worlds" if probability else ""
    if z.size <= 400:
        middle = np.nanmean(z)
        for (i, j), v in np.ndenumerate(z):
            if np.isfinite(v):
                ax.text(j, i, fmt(v, unit), ha="center", va="center", fontsize=7,
                        color="black" if v > middle else "white")
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    bar = fig.colorbar(image, ax=ax, label=label)
    if probability:
        bar.ax.yaxis.set_major_formatter(unit_formatter(unit))
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return _save(fig, path)


def prim_tradeoff(trajectory, title: str, path: Path) -> Path:
    """Density against coverage along the peeling trajectory, coloured by restricted parameters; the chosen box
    ringed."""
    from matplotlib.ticker import MaxNLocator

    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 4.5))
    points = ax.scatter(trajectory["coverage"], trajectory["density"], c=trajectory["res_dim"], cmap="viridis", s=18)
    chosen = trajectory[trajectory["selected"]]
    ax.scatter(chosen["coverage"], chosen["density"], s=140, facecolors="none", edgecolors="red", linewidths=1.5,
               label="chosen box")
    ax.set_xlabel("coverage (share of cases inside the box)")
    ax.set_ylabel("density (share of the box that are cases)")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    bar = fig.colorbar(points, ax=ax, label="restricted parameters")
    bar.ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # a count: whole numbers
    ax.legend(fontsize=8, loc="lower left")
    ax.grid(alpha=0.3)
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return _save(fig, path)


def prim_limits(limits, title: str, path: Path) -> Path:
    """The chosen box on each parameter's range scaled to 0-1 (grey: the whole range), actual limits written beside."""
    plt = _pyplot()
    t = limits.iloc[::-1]
    y = np.arange(len(t))
    fig, ax = plt.subplots(figsize=(7, max(2.5, 0.45 * len(t) + 1.2)))
    ax.barh(y, 1, color="0.88", height=0.6)
    ax.barh(y, t["norm_max"] - t["norm_min"], left=t["norm_min"], height=0.6,
            color=["C3" if r else "0.65" for r in t["restricted"]])
    for i, r in enumerate(t.itertuples()):
        ax.text(-0.02, i, f"{r.min:.3g}", ha="right", va="center", fontsize=7)
        ax.text(1.02, i, f"{r.max:.3g}", ha="left", va="center", fontsize=7)
    ax.set_yticks(y, t["parameter"], fontsize=8)
    ax.set_xlim(-0.15, 1.15)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1])
    ax.set_xlabel("position in the parameter's range (0 = low end, 1 = high end); red = restricted")
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return _save(fig, path)
