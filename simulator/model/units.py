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
