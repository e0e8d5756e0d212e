"""The dashboard's charts: one fan chart per metric, drawn by the browser on a canvas (fan_chart.vue) from the few
numbers the server sends each week.

The server decides everything a reader sees, by the rules every chart of the project follows: the value axis from
axes.value_ticks (a minimum span per unit, whole-number ticks for counts, growing but never shrinking during a run
because the fan holds the run so far), tick labels from units.fmt_tick, dates ticked every January and July, the
quantiles from the shared band statistics. The browser only draws: the 5-95% and 25-75% bands, the median, and a
dashed line at each week a lever was pulled. The x axis spans the whole run, so the fans grow from left to right.

Drawing on the server (matplotlib, one JPEG per chart) took half the server's week, and handling fifteen new images
took the browser longer than anything else on the page; a week's chart data is about 4 KB per metric.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from ...model.metrics import METRICS
from ...model.units import fmt_tick
from ...output.axes import value_limits, value_ticks
from ...output.bands import INNER_ALPHA, OUTER_ALPHA

FAN_COLOR = "#1f5fa8"
LEVER_COLOR = "#c0392b"
DECIMALS = 4  # of the quantiles sent: far below a pixel on any of the charts' axes


def date_ticks(calendar, weeks: int) -> list[list]:
    """[week, label] of every 1 January and 1 July in weeks 0 to `weeks` (the week as a fraction), labelled 'Jan 24'."""
    start, end = calendar.date(0), calendar.date(weeks)
    firsts = (dt.date(year, month, 1) for year in range(start.year, end.year + 1) for month in (1, 7))
    return [[(day - start).days / 7, f"{day:%b %y}"] for day in firsts if start <= day <= end]


def spec(name: str, weeks: np.ndarray, q: np.ndarray, run_weeks: int, x_ticks: list, lever_weeks=()) -> dict:
    """What fan_chart.vue draws for metric `name`: `weeks` shown and their quantiles `q` (from stats.fan), on an x
    axis of weeks 0 to `run_weeks` ticked at `x_ticks` (date_ticks), with the levers pulled at `lever_weeks`."""
    unit = METRICS[name].unit
    finite = np.isfinite(q)
    low, high = (float(q[finite].min()), float(q[finite].max())) if finite.any() else (0.0, 0.0)
    ticks = value_ticks(unit, low, high)
    step = float(ticks[1] - ticks[0]) if len(ticks) > 1 else 0.0
    shown = np.where(finite, np.round(np.where(finite, q, 0.0), DECIMALS), None)  # JSON has no NaN: a gap instead
    return {"weeks": int(run_weeks), "x": weeks.tolist(), "q": shown.tolist(),
            "ylim": list(value_limits(ticks)), "yticks": [[float(t), fmt_tick(t, unit, step)] for t in ticks],
            "xticks": x_ticks, "levers": [int(w) for w in lever_weeks], "lever": LEVER_COLOR,
            "color": FAN_COLOR, "alpha": [OUTER_ALPHA, INNER_ALPHA]}
