"""The one number formatter: a value shown as a reader expects for its unit, everywhere the project prints one.

Counts of people and things are whole numbers with thousands separators, shares are percentages, indices have two
decimals, money and rates one; differences are signed and shares' differences are percentage points. The terminal,
the report, `sim compare`, predictions and the dashboard all format through `fmt`.
"""

from __future__ import annotations

import math

SHARE_UNITS = frozenset({"share", "share of normal", "share of supply", "share of demand", "share of factions",
                         "share of worlds", "flag"})
WHOLE_UNITS = frozenset({"troops", "fighters", "people", "casualties", "IQD per USD", "week", "worlds", "attacks",
                         "strikes"})
PERCENT = "% of worlds"  # a share of worlds given in percent (a prediction), shown with a % sign
PERCENT_UNITS = frozenset({PERCENT})
MISSING = "n/a"

# Chart axes (run figures, comparison overlays, the report, Results.plot and the dashboard, through
# simulator.output.axes): a y axis spans at least MIN_SPAN[unit], so week-to-week noise is not magnified into drama
# (salaries paid 0.990-1.000 would read as a collapse), and never leaves the unit's natural LIMITS. Counts of people
# and events (COUNT_UNITS) get whole-number ticks.
MIN_SPAN = {
    **dict.fromkeys(SHARE_UNITS, 0.5),
    "index 0-1": 0.5, "index": 0.5,
    "troops": 100, "fighters": 10_000, "people": 100, "worlds": 10,
    "attacks per week": 4, "strikes per week": 4, "casualties per week": 4,
    "IQD per USD": 100, "USD bn per year": 2, "USD bn": 1, "GW": 2, "USD per barrel": 10,
}
DEFAULT_MIN_SPAN = 1e-9  # units not listed: any span (the data decide)
LIMITS = {
    **dict.fromkeys(SHARE_UNITS, (0.0, 1.0)),
    "index 0-1": (0.0, 1.0),
    **dict.fromkeys(("troops", "fighters", "people", "worlds", "attacks per week", "strikes per week",
                     "casualties per week", "IQD per USD", "USD bn per year", "USD bn", "GW", "USD per barrel"),
                    (0.0, None)),
}
COUNT_UNITS = frozenset({"troops", "fighters", "people", "worlds", "attacks", "strikes", "attacks per week",
                         "strikes per week", "casualties per week", "week"})


def is_share(unit: str) -> bool:
    return unit in SHARE_UNITS


def fmt(value, unit: str = "", signed: bool = False) -> str:
    """`value` for its `unit`; `signed` for a difference (shares in percentage points). Unknown units get a
    readable generic number (thousands separators when large, three significant decimals when small)."""
    if value is None or isinstance(value, bool):
        return MISSING if value is None else str(value)
    value = float(value)
    if math.isnan(value):
        return MISSING
    if math.isinf(value):
        return ("+" if signed and value > 0 else "-" if value < 0 else "") + "inf"
    sign = "+" if signed else ""
    if unit in PERCENT_UNITS:
        value, unit = value / 100, "share of worlds"
    if unit in SHARE_UNITS:
        return f"{100 * value:+.1f} pts" if signed else _percent(value)
    if unit.startswith("index"):
        return f"{value:{sign}.{3 if signed else 2}f}"
    if unit in WHOLE_UNITS or abs(value) >= 1000:
        return _zero_sign(f"{value:{sign},.0f}")
    if unit:
        return _zero_sign(f"{value:{sign},.{2 if signed else 1}f}")
    if value.is_integer():
        return _zero_sign(f"{value:{sign},.0f}")
    return f"{value:{sign}.3g}" if abs(value) < 10 else f"{value:{sign},.1f}"


def min_span(unit: str) -> float:
    """The smallest y-axis span a chart of `unit` shows (MIN_SPAN)."""
    return MIN_SPAN.get(unit, DEFAULT_MIN_SPAN)


def limits(unit: str) -> tuple[float | None, float | None]:
    """The unit's natural bounds (low, high), None where open: a chart's y axis never goes past them."""
    return LIMITS.get(unit, (None, None))


def is_count(unit: str) -> bool:
    """Whole things (troops, attacks per week...): their axes tick at whole numbers only."""
    return unit in COUNT_UNITS


def fmt_tick(value, unit: str = "", step: float = 0.0) -> str:
    """An axis tick label of `unit`, `step` apart from its neighbours: shares as percentages, counts as whole numbers,
    anything else with as few decimals as the step needs; thousands separators throughout ('240,000')."""
    value = float(value)
    if math.isnan(value):
        return ""
    step = abs(float(step))
    if unit in SHARE_UNITS:
        value, step = 100 * value, 100 * step
    decimals = 0
    if unit not in COUNT_UNITS and step > 0:  # as many decimals as the step has (0.25 apart: two), at most four
        while decimals < 4 and abs(step * 10 ** decimals - round(step * 10 ** decimals)) > 1e-6 * 10 ** decimals:
            decimals += 1
    text = _zero_sign(f"{value:,.{decimals}f}")
    return text + "%" if unit in SHARE_UNITS else text


def fmt_band(median, p5, p95, unit: str = "", sep: str = " ") -> str:
    """'median [p5 to p95]' (an en dash between the ends; `sep` between median and interval, a line break in a
    narrow column), or the median alone when the ends read the same."""
    mid, lo, hi = fmt(median, unit), fmt(p5, unit), fmt(p95, unit)
    return mid if lo == hi else f"{mid}{sep}[{lo}\u2013{hi}]"


def fmt_difference(mean, low, high, unit: str = "", sep: str = " ") -> str:
    """'+mean [low, high]': a signed difference and its interval (whose ends leave out the ' pts' the mean shows);
    `sep` between the two, a line break in a narrow column."""
    low, high = (fmt(v, unit, signed=True).removesuffix(" pts") for v in (low, high))
    return f"{fmt(mean, unit, signed=True)}{sep}[{low}, {high}]"


def plural(n: int, noun: str, nouns: str | None = None) -> str:
    """'1 event', '2 events' (thousands separated)."""
    return f"{n:,} {noun if n == 1 else nouns or noun + 's'}"


def _percent(value: float) -> str:
    """Whole percentages, except that a share that is not exactly 0 or 1 never reads as 0% or 100%."""
    text = f"{value:.0%}"
    if text == "0%" and value > 0:
        return "<1%"
    if text == "100%" and value < 1:
        return ">99%"
    return text


def _zero_sign(text: str) -> str:
    return text[1:] if text.startswith(("+0", "-0")) and text.strip("+-0.,") == "" else text
