"""The one band-chart drawer: a metric over time as its median over worlds with the bands around it.

Run figures, comparison overlays, the HTML report and `Results.plot` all draw through `draw_band`, and the dashboard's
browser-drawn charts copy its look, so every chart of the project reads the same way: a solid median, 25-75% of
worlds darker, 5-95% lighter.
"""

from __future__ import annotations

import numpy as np

from ..model.quantiles import row_quantiles

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
OUTER_ALPHA, INNER_ALPHA = 0.15, 0.3  # opacity of the 5-95% band and of the 25-75% band drawn over it
LINE_STYLES = ("-", "--", "-.", ":")
OVERLAY_FILL = 0.06  # light enough that three overlapping bands still read as three, not as one muddy colour


def first_week(unit: str) -> int:
    """Weekly counts start with week 1 (week 0 has none yet); levels start with week 0."""
    return 1 if unit.endswith("per week") else 0


def quantiles(series: np.ndarray, start: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(weeks, q): q is (5, weeks) with the QUANTILES over worlds of a (weeks + 1, worlds) series from `start`."""
    series = np.asarray(series)
    series = series if series.dtype.kind == "f" else series.astype(float)
    start = min(start, max(len(series) - 1, 0))
    return np.arange(start, len(series)), row_quantiles(series[start:], QUANTILES)


def draw_band(ax, x, q, color: str = "C0", label: str | None = None, index: int = 0) -> list:
    """Median with bands on `ax`; returns the artists drawn. Without a label (one scenario): 5-95% and 25-75% bands
    and the median, each in the legend. With a label (one of several scenarios): a light 5-95% band and a median in
    the scenario's own line style, its band a faint fill edged by thin lines in the same colour and style, so three
    or more scenarios stay apart where their colours meet and their bands overlap."""
    q5, q25, q50, q75, q95 = q
    marker = "o" if len(x) == 1 else None
    if label is None:
        return [ax.fill_between(x, q5, q95, color=color, alpha=OUTER_ALPHA, linewidth=0, label="5-95% of worlds"),
                ax.fill_between(x, q25, q75, color=color, alpha=INNER_ALPHA, linewidth=0, label="25-75%"),
                *ax.plot(x, q50, color=color, linewidth=1.8, label="median", marker=marker)]
    style = LINE_STYLES[index % len(LINE_STYLES)]
    artists = [ax.fill_between(x, q5, q95, color=color, alpha=OVERLAY_FILL, linewidth=0)]
    for edge in (q5, q95):
        artists += ax.plot(x, edge, color=color, linewidth=0.7, linestyle=style, alpha=0.6)
    return artists + ax.plot(x, q50, color=color, linewidth=2.0, linestyle=style,
                             label=f"{label} (median; thin: 5-95%)", marker=marker, zorder=3 + index)


def date_axis(ax) -> None:
    """Ticks every January and July, labelled like 'Jan 24' (as the dashboard's charts: charts.date_ticks)."""
    import matplotlib.dates as mdates

    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 7)))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %y"))
