"""The dashboard's figures as PNG bytes: fan charts and the leverage matrix.

Figures are built with matplotlib's object API (no pyplot, no global state), so several browser sessions can
draw at once. The x axis always spans the whole run, so the fans grow from left to right as the class plays.
"""

from __future__ import annotations

import io

import numpy as np

from ...model.metrics import KEY_METRICS, LEVERAGE_MATRIX, METRICS
from ...model.units import fmt
from ...output.bands import date_axis, draw_band
from . import stats

FAN_METRICS = KEY_METRICS  # nine headline metrics, 3 x 3
FAN_COLOR = "#1f5fa8"
LEVER_COLOR = "#c0392b"


def _png(fig, dpi: int) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def _dates(model, weeks):
    return np.array([np.datetime64(model.calendar.date(int(w))) for w in weeks])


def fan_charts(model, names=FAN_METRICS, lever_weeks=(), cols: int = 3, dpi: int = 72) -> bytes:
    """Median with 25-75% and 5-95% bands over worlds, per metric, against dates; levers as dashed lines."""
    from matplotlib.figure import Figure

    rows = -(-len(names) // cols)
    fig = Figure(figsize=(4.4 * cols, 2.5 * rows))
    axes = fig.subplots(rows, cols, squeeze=False, sharex=True)
    horizon = (np.datetime64(model.calendar.date(0)), np.datetime64(model.calendar.date(model.weeks)))
    for ax, name in zip(axes.flat, names):
        weeks, q = stats.fan(model, name)
        dates = _dates(model, weeks)
        draw_band(ax, dates, q, color=FAN_COLOR)
        for week in lever_weeks:
            ax.axvline(np.datetime64(model.calendar.date(week)), color=LEVER_COLOR, linestyle="--", linewidth=1)
        ax.set_xlim(*horizon)
        ax.set_title(f"{METRICS[name].description} [{METRICS[name].unit}]", fontsize=9)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
        date_axis(ax)
    for ax in list(axes.flat)[len(names):]:
        ax.set_visible(False)
    fig.legend(*axes.flat[0].get_legend_handles_labels(), loc="upper right", ncols=3, fontsize=8, frameon=False)
    fig.suptitle(f"Week {model.week} of {model.weeks} ({model.calendar.date(model.week).isoformat()}), "
                 f"{model.worlds} worlds; dashed red lines: levers pulled", fontsize=10, x=0.02, ha="left")
    fig.subplots_adjust(left=0.05, right=0.99, top=0.9, bottom=0.07, hspace=0.45, wspace=0.2)
    return _png(fig, dpi)


def leverage_matrix(model, dpi: int = 72) -> bytes:
    """Matrix of the leverage indices (3 x 2): who (rows) over whom (columns); colour and number are the median now,
    the sparkline the median so far, the grey band the 5-95% range of worlds now."""
    from matplotlib import colormaps
    from matplotlib.figure import Figure

    cells = {(c.holder, c.target): c for c in stats.leverage_matrix(model)}
    layout = [[(holder, target) for target, _ in row] for holder, row in LEVERAGE_MATRIX]
    cmap = colormaps["RdYlGn"]
    fig = Figure(figsize=(5.2, 6.6))
    axes = fig.subplots(len(layout), 2, squeeze=False)
    for r, row in enumerate(layout):
        for c, key in enumerate(row):
            cell, ax = cells[key], axes[r][c]
            ax.set_facecolor((*cmap(cell.median)[:3], 0.35))
            weeks = np.arange(len(cell.history))
            ax.axhspan(cell.p5, cell.p95, xmin=0, xmax=1, color="0.5", alpha=0.15, linewidth=0)
            ax.plot(weeks, cell.history, color="black", linewidth=1.4)
            ax.set_xlim(0, model.weeks)
            ax.set_ylim(0, 1.05)
            ax.set_xticks([])
            ax.tick_params(labelsize=7)
            ax.set_title(f"{cell.holder} over {cell.target}: {fmt(cell.median, 'index 0-1')}", fontsize=11,
                         fontweight="bold")
    fig.suptitle("Who can still hurt whom (0-1): median now,\nits path so far, grey band 5-95% of worlds now",
                 fontsize=9)
    fig.subplots_adjust(left=0.08, right=0.98, top=0.84, bottom=0.03, hspace=0.3, wspace=0.2)
    return _png(fig, dpi)
