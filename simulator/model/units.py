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
PERCENT_UNITS = frozenset({"% of worlds"})  # a share already in percent (a prediction)
MISSING = "n/a"

# The smallest span a chart's value axis gives a unit, so that noise is not drawn as drama: a share always spans
# 0-100% (never 99.0-100.0%), an index 0-1 the whole index, a count at least a few. Units not listed get no minimum.
MIN_SPAN = {
    **dict.fromkeys(SHARE_UNITS, 1.0), "index 0-1": 1.0, "index": 0.5,
    "troops": 1000.0, "fighters": 20_000.0, "people": 10.0, "IQD per USD": 200.0,
    "attacks per week": 4.0, "strikes per week": 4.0, "casualties per week": 4.0,
    "USD bn per year": 5.0, "USD bn": 2.0, "GW": 5.0, "USD per barrel": 20.0,
}


def is_share(unit: str) -> bool:
    return unit in SHARE_UNITS


def is_count(unit: str) -> bool:
    """Whole things (troops, attacks per week, ...): their axes get whole-number ticks."""
    return unit in WHOLE_UNITS or unit.split(" per ")[0] in WHOLE_UNITS


def value_range(low: float, high: float, unit: str) -> tuple[float, float]:
    """The range a chart's value axis shows for data from `low` to `high`: at least the unit's MIN_SPAN, centred on
    the data, but never below 0 for data that is not negative nor above 1 for shares and 0-1 indices within it."""
    span = MIN_SPAN.get(unit, 0.0)
    if high - low >= span:
        return low, high
    bottom, top = (low + high - span) / 2, (low + high + span) / 2
    if low >= 0 > bottom:
        bottom, top = 0.0, span
    if (is_share(unit) or unit == "index 0-1") and high <= 1 < top:
        bottom, top = max(1.0 - span, 0.0), 1.0
    return bottom, top


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


def fmt_band(median, p5, p95, unit: str = "") -> str:
    """'median [p5 to p95]' (an en dash between the ends), or the median alone when the ends read the same."""
    mid, lo, hi = fmt(median, unit), fmt(p5, unit), fmt(p95, unit)
    return mid if lo == hi else f"{mid} [{lo}\u2013{hi}]"


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
