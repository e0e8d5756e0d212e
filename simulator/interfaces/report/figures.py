"""Numbers and a figure of the leverage indices, computed from a run's timeseries.parquet.

Used for the leverage matrix at a few weeks, and to draw the leverage figure when the folder has none (a run made
with --no-figures, or a comparison folder without its overlays).
"""

from __future__ import annotations

import datetime as dt
import io

import numpy as np

from ...model.metrics import LEVERAGE_METRICS, METRICS


def matrix_weeks(weeks: int) -> list[int]:
    """The weeks the matrix is shown at: start, a quarter, half a year, a year, and the end."""
    return sorted({w for w in (0, 13, 26, 52, weeks) if 0 <= w <= weeks})


def quantiles_at(frame, metric: str, week: int) -> tuple[float, float, float] | None:
    """(median, p5, p95) of a metric over worlds at a week, or None if the week was not recorded."""
    values = frame.loc[frame["week"] == week, metric].to_numpy(dtype=float)
    if values.size == 0:
        return None
    p5, median, p95 = np.quantile(values, [0.05, 0.5, 0.95])
    return float(median), float(p5), float(p95)


def _bands(frame, metric: str):
    """Weeks and the 5/25/50/75/95% quantiles of a metric per week, as arrays."""
    table = frame.pivot(index="week", columns="world", values=metric).sort_index()
    q = np.quantile(table.to_numpy(dtype=float), [0.05, 0.25, 0.5, 0.75, 0.95], axis=1)
    return table.index.to_numpy(), q


def leverage_png(runs: dict, start: dt.date, marks: list[tuple[int, str]] = ()) -> bytes:
    """The four leverage indices over time, median with bands, one colour per run; returns PNG bytes."""
    import matplotlib.dates as mdates
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8.4, 5.8))
    FigureCanvasAgg(fig)
    axes = fig.subplots(2, 2, sharex=True).flat
    single = len(runs) == 1
    for ax, metric in zip(axes, LEVERAGE_METRICS):
        for i, (label, frame) in enumerate(runs.items()):
            weeks, (q5, q25, q50, q75, q95) = _bands(frame, metric)
            dates = [start + dt.timedelta(weeks=int(w)) for w in weeks]
            colour = f"C{i}"
            ax.fill_between(dates, q5, q95, color=colour, alpha=0.15 if single else 0.1, linewidth=0,
                            label="5-95% of worlds" if single else None)
            if single:
                ax.fill_between(dates, q25, q75, color=colour, alpha=0.3, linewidth=0, label="25-75%")
            ax.plot(dates, q50, color=colour, linewidth=1.8, label="median" if single else label)
        for week, _ in marks:
            ax.axvline(start + dt.timedelta(weeks=int(week)), color="0.3", linestyle="--", linewidth=0.9)
        ax.set_title(METRICS[metric].description, fontsize=9)
        ax.set_ylabel(METRICS[metric].unit, fontsize=8)
        ax.set_ylim(-0.02, 1.02)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
        ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 7)))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %y"))
    fig.axes[0].legend(fontsize=7, loc="best")
    fig.subplots_adjust(left=0.08, right=0.98, top=0.94, bottom=0.08, hspace=0.3, wspace=0.25)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()
