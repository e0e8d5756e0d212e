"""Axis rules every chart of the project shares, so a reader sees the same scale rules everywhere.

  - y ranges are unit-aware: at least the unit's minimum span (simulator.model.units.MIN_SPAN), inside its natural
    limits (a share stays within 0-100%, a count never goes below 0), so noise is never magnified into drama;
  - counts (troops, attacks per week...) tick at whole numbers only;
  - tick labels are formatted by simulator.model.units.fmt_tick: thousands separators, shares as percentages;
  - dashed event lines get a style each (EVENT_STYLES) and a legend entry that names them (`event_lines`).

`y_range` is plain arithmetic (no matplotlib), for any chart library; `unit_axis` and `event_lines` work on a
matplotlib Axes.
"""

from __future__ import annotations

import math

import numpy as np

from ..model import units

PAD = 0.05  # share of the span added above and below the data
STEPS = [1, 2, 2.5, 5, 10]  # tick spacings (times a power of ten) a reader finds round
EVENT_STYLES = (("0.25", "--"), ("C3", "--"), ("C2", "--"), ("C1", "--"), ("C4", "--"), ("C5", "--"),
                ("0.25", ":"), ("C3", ":"), ("C2", ":"), ("C1", ":"))


def y_range(low: float, high: float, unit: str) -> tuple[float, float]:
    """The y axis (bottom, top) for data from `low` to `high` in `unit`: the data with a small margin, widened
    around its middle to the unit's minimum span, then moved (not shrunk) inside the unit's natural limits."""
    low, high = float(low), float(high)
    if not (math.isfinite(low) and math.isfinite(high)):
        low, high = 0.0, 1.0
    if high < low:
        low, high = high, low
    floor, ceiling = units.limits(unit)
    span = high - low
    padded = span * (1 + 2 * PAD)
    need = max(padded, units.min_span(unit))
    middle = (low + high) / 2
    bottom, top = middle - need / 2, middle + need / 2
    if span > 0 and padded >= units.min_span(unit):  # the data set the scale: pad both ends
        bottom, top = low - PAD * span, high + PAD * span
    margin = PAD * need  # how far past a natural limit the axis may go, so a line on the limit stays visible
    if floor is not None and bottom < floor - margin:
        top, bottom = top + (floor - margin - bottom), floor - margin
    if ceiling is not None and top > ceiling + margin:
        bottom, top = bottom - (top - ceiling - margin), ceiling + margin
        if floor is not None:
            bottom = max(bottom, floor - margin)
    return bottom, top


def unit_axis(ax, unit: str, low: float | None = None, high: float | None = None) -> None:
    """The y axis of `ax` for `unit`: range from `y_range` (over `low`/`high`, or the data drawn so far), whole-number
    ticks for counts, labels by units.fmt_tick."""
    from matplotlib.ticker import MaxNLocator

    if low is None or high is None:
        data = ax.dataLim
        low, high = (data.y0, data.y1) if np.isfinite([data.y0, data.y1]).all() else (0.0, 1.0)
    ax.set_ylim(*y_range(low, high, unit))
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5, steps=STEPS, integer=units.is_count(unit)))
    ax.yaxis.set_major_formatter(unit_formatter(unit))


def value_ticks(unit: str, low: float, high: float, nbins: int = 4) -> np.ndarray:
    """Fixed ticks of a value axis for `unit` showing data from `low` to `high` (for a chart drawn elsewhere, as the
    dashboard's are in the browser): `y_range`, the locator of `unit_axis`; the axis ends on the first and last."""
    from matplotlib.ticker import MaxNLocator

    bottom, top = y_range(float(low), float(high), unit)
    floor, ceiling = units.limits(unit)  # the axis may run a little past a natural limit, its ticks never do
    bottom, top = max(bottom, floor) if floor is not None else bottom, min(top, ceiling) if ceiling is not None else top
    return MaxNLocator(nbins=nbins, steps=STEPS, integer=units.is_count(unit)).tick_values(bottom, top)


def value_limits(ticks) -> tuple[float, float]:
    """The ends of a value axis on `ticks`: a little room beyond the end ticks, so a line at the end of the axis (a
    share at 100%) stays off the frame."""
    pad = 0.03 * (ticks[-1] - ticks[0])
    return float(ticks[0] - pad), float(ticks[-1] + pad)


def unit_formatter(unit: str):
    """A matplotlib tick formatter for `unit` (units.fmt_tick), for any axis or colour bar."""
    from matplotlib.ticker import Formatter

    class UnitFormatter(Formatter):
        """Tick labels through units.fmt_tick, with the decimals the spacing of the ticks needs."""

        step = 0.0

        def set_locs(self, locs):
            self.step = abs(locs[1] - locs[0]) if len(locs) > 1 else 0.0

        def __call__(self, x, pos=None):
            return units.fmt_tick(x, unit, self.step)

    return UnitFormatter()


def event_lines(ax, marks, styles=EVENT_STYLES, labels=True) -> list:
    """A vertical dashed line per (x, label) in `marks`, the i-th in styles[i]; returns the lines (their labels name
    the events, so a figure legend made from them explains every dashed line)."""
    lines = []
    for i, (x, label) in enumerate(marks):
        color, style = styles[i % len(styles)]
        lines.append(ax.axvline(x, color=color, linestyle=style, linewidth=1.0, label=label if labels else None))
    return lines


def same_week(marks, label=None, width: int = 110) -> list[tuple]:
    """(x, text) marks with one entry per x, in order: the texts of events at the same x joined by '; ' (lines drawn
    on top of each other would show one colour for several legend entries), passed through label(x, joined) if
    given, and wrapped at `width` characters."""
    import textwrap

    merged: dict = {}
    for x, text in marks:
        merged.setdefault(x, []).append(text)
    out = []
    for x, texts in merged.items():
        joined = "; ".join(texts)
        out.append((x, "\n".join(textwrap.wrap(label(x, joined) if label else joined, width,
                                                subsequent_indent="    "))))
    return out
