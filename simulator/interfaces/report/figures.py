"""Numbers and a figure of the leverage indices, computed from a run's timeseries.parquet.

Used for the leverage matrix at a few weeks, and to draw the leverage figure when the folder has none (a run made
with --no-figures, or a comparison folder without its overlays).
"""

from __future__ import annotations

import datetime as dt
import io

import numpy as np

from ...model.metrics import LEVERAGE_METRICS, METRICS
from ...output.axes import event_lines, same_week, unit_axis
from ...output.bands import date_axis, draw_band, quantiles


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
    """Weeks and the band quantiles of a metric per week, as arrays."""
    table = frame.pivot(index="week", columns="world", values=metric).sort_index()
    weeks, q = quantiles(table.to_numpy(dtype=float))
    return table.index.to_numpy()[weeks], q


def leverage_png(runs: dict, start: dt.date, marks: list[tuple[int, str]] = ()) -> bytes:
    """The leverage indices over time (one row per holder), median with bands, one colour per run; PNG bytes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8.4, 8.4))
    FigureCanvasAgg(fig)
    axes = fig.subplots(len(LEVERAGE_METRICS) // 2, 2, sharex=True).flat
    single = len(runs) == 1
    merged = same_week(marks, lambda w, t: f"week {w}: {t}")  # one vertical line per week with events
    text_lines = sum(label.count("\n") + 1 for _, label in merged)
    for ax, metric in zip(axes, LEVERAGE_METRICS):
        for i, (label, frame) in enumerate(runs.items()):
            weeks, q = _bands(frame, metric)
            dates = [start + dt.timedelta(weeks=int(w)) for w in weeks]
            draw_band(ax, dates, q, color=f"C{i}", label=None if single else label, index=i)
        event_lines(ax, [(start + dt.timedelta(weeks=int(week)), label) for week, label in merged])
        ax.set_title(METRICS[metric].description, fontsize=9)
        ax.set_ylabel(METRICS[metric].unit, fontsize=8)
        unit_axis(ax, METRICS[metric].unit, 0.0, 1.0)  # all four on the whole 0-1 scale, comparable at a glance
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
        date_axis(ax)
    # the band key above the panels and the named vertical lines below them, both clear of the data
    lines = fig.axes[0].get_lines()
    events = lines[len(lines) - len(merged):] if merged else []
    bands = [h for h in fig.axes[0].get_legend_handles_labels()[0] if h not in events]
    height = 5.8 + 0.19 * text_lines
    fig.set_size_inches(8.4, height)
    fig.legend(handles=bands, loc="upper center", bbox_to_anchor=(0.5, 1.0), fontsize=7, frameon=False,
               ncols=len(bands))
    if events:
        fig.legend(handles=events, loc="lower left", bbox_to_anchor=(0.01, 0.0), fontsize=7, frameon=False,
                   title="Dashed lines (scheduled events):", title_fontsize=7, alignment="left")
    fig.subplots_adjust(left=0.08, right=0.98, top=1 - 0.5 / height,
                        bottom=(0.5 + (0.19 * (text_lines + 1) if events else 0)) / height, hspace=0.3, wspace=0.25)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()
