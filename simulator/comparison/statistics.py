"""Scenarios against a named baseline, world by world.

All scenarios run with the baseline's seed and number of worlds, so world i of a scenario faces the same random
numbers as world i of the baseline (common random numbers) and differences are paired. For each headline the paired
difference is summarised by its mean, a 90% interval for that mean, and the share of worlds in which the scenario is
higher or lower; a difference whose interval contains zero is reported as not distinguishable from noise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..output.summary import OUTCOMES

Z90 = 1.6449  # two-sided 90% normal quantile


@dataclass(frozen=True)
class Headline:
    key: str
    label: str
    unit: str
    better: str | None  # "higher", "lower" or None when neither is plainly better
    per_world: Callable  # series(name) -> value per world


def _stat(metric, how):
    reducers = {"final": lambda s: s[-1], "mean": lambda s: s[1:].mean(0), "max": lambda s: s[1:].max(0),
                "min": lambda s: s[1:].min(0), "total": lambda s: s[1:].sum(0)}
    return lambda series: reducers[how](series(metric).astype(float))


def _outcome(name):
    return lambda series: OUTCOMES[name].happened(series).astype(float)


HEADLINES = [
    Headline("us_left_iraq", "US forces left Iraq by the end", "share of worlds", None, _outcome("us_left_iraq")),
    Headline("attacks", "Attacks on US forces, mean per week", "attacks per week", "lower",
             _stat("attacks_per_week", "mean")),
    Headline("casualties", "US killed or seriously wounded, total", "people", "lower",
             _stat("us_casualties_per_week", "total")),
    Headline("peak_rate", "Peak parallel exchange rate", "IQD per USD", "lower", _stat("parallel_rate", "max")),
    Headline("salaries", "Lowest real salary coverage", "share", "higher", _stat("salary_coverage", "min")),
    Headline("shortfall", "Worst power shortfall", "share of demand", "lower", _stat("power_shortfall", "max")),
    Headline("discontent", "Public discontent, mean", "index 0-1", "lower", _stat("public_discontent", "mean")),
    Headline("iran_revenue", "Iran's revenue from Iraq, mean", "USD bn per year", None,
             _stat("iran_revenue_from_iraq", "mean")),
    Headline("exit_pressure", "Baghdad's exit pressure, mean", "index 0-1", None, _stat("exit_pressure", "mean")),
    Headline("pmu_fighters", "PMU fighters at the end", "fighters", None, _stat("pmu_fighters", "final")),
    Headline("lev_us_iraq", "US leverage over Iraq at the end", "index 0-1", None, _stat("leverage_us_over_iraq", "final")),
    Headline("lev_iran_iraq", "Iran's leverage over Iraq at the end", "index 0-1", None,
             _stat("leverage_iran_over_iraq", "final")),
    Headline("lev_iran_us", "Iran's leverage over the US at the end", "index 0-1", None,
             _stat("leverage_iran_over_us", "final")),
    Headline("lev_us_iran", "US leverage over Iran at the end", "index 0-1", None, _stat("leverage_us_over_iran", "final")),
]


def paired(baseline_values: np.ndarray, scenario_values: np.ndarray) -> dict:
    """Mean paired difference, its 90% interval, and the shares of worlds where the scenario is higher or lower."""
    d = np.asarray(scenario_values, float) - np.asarray(baseline_values, float)
    n = d.size
    mean = float(d.mean())
    half = Z90 * float(d.std(ddof=1)) / np.sqrt(n) if n > 1 else 0.0
    low, high = mean - half, mean + half
    return {"baseline_value": float(np.mean(baseline_values)), "scenario_value": float(np.mean(scenario_values)),
            "mean_difference": mean, "ci90_low": low, "ci90_high": high,
            "distinguishable": bool(low > 0 or high < 0), "share_higher": float(np.mean(d > 0)),
            "share_lower": float(np.mean(d < 0))}


def compare(baseline_model, scenario_model, scenario_name: str) -> list[dict]:
    """One row per headline: the paired comparison of a scenario's worlds with the baseline's."""
    if baseline_model.worlds != scenario_model.worlds or baseline_model.seed != scenario_model.seed:
        raise ValueError("paired comparison needs the same seed and number of worlds")
    rows = []
    for h in HEADLINES:
        stats = paired(h.per_world(baseline_model.recorder.series), h.per_world(scenario_model.recorder.series))
        rows.append({"scenario": scenario_name, "key": h.key, "label": h.label, "unit": h.unit, "better": h.better,
                     **stats, "verdict": verdict(stats, h.better)})
    return rows


def verdict(stats: dict, better: str | None) -> str:
    if not stats["distinguishable"]:
        return "indistinguishable from zero (noise)"
    direction = "higher" if stats["mean_difference"] > 0 else "lower"
    if better is None:
        return direction
    return f"{direction} ({'better' if direction == better else 'worse'})"


def _fmt(value: float, unit: str) -> str:
    if unit in ("share of worlds", "share", "share of demand"):
        return f"{value:+.1%}" if value < 0 or value > 0 else "0.0%"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.2f}"


def text_table(rows: list[dict], baseline: str) -> str:
    """Side-by-side table per scenario for the terminal."""
    out = []
    for scenario in dict.fromkeys(r["scenario"] for r in rows):
        out += ["", f"{scenario} vs {baseline} (paired worlds; difference = scenario - baseline):"]
        header = ["headline", baseline, scenario, "difference [90% interval]", "higher/lower", "verdict"]
        body = []
        for r in (r for r in rows if r["scenario"] == scenario):
            unit = r["unit"]
            level = (lambda v: f"{v:.1%}") if unit.startswith("share") else (lambda v: f"{v:,.0f}" if abs(v) >= 1000
                                                                              else f"{v:.2f}")
            body.append([r["label"], level(r["baseline_value"]), level(r["scenario_value"]),
                         f"{_fmt(r['mean_difference'], unit)} [{_fmt(r['ci90_low'], unit)}, {_fmt(r['ci90_high'], unit)}]",
                         f"{r['share_higher']:.0%}/{r['share_lower']:.0%}", r["verdict"]])
        widths = [max(len(x[i]) for x in body + [header]) for i in range(len(header))]
        line = lambda cells: "  ".join(c.ljust(w) if i in (0, 5) else c.rjust(w)
                                       for i, (c, w) in enumerate(zip(cells, widths))).rstrip()
        out += [line(header)] + [line(b) for b in body]
    return "\n".join(out).lstrip("\n")
