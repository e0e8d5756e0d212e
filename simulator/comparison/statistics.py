"""Scenarios against a named baseline, world by world.

All scenarios run with the baseline's seed and number of worlds, so world i of a scenario faces the same random
numbers as world i of the baseline (common random numbers) and differences are paired. For each headline the paired
difference is summarised by its mean, a 90% interval for that mean, and the share of worlds in which the scenario is
higher or lower; a difference whose interval contains zero is reported as not distinguishable from noise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..model.outcomes import LEVEL, OUTCOMES, Z, from_series, resolve
from ..model.units import fmt, fmt_difference, is_share


@dataclass(frozen=True)
class Headline:
    key: str  # a name in the outcome vocabulary
    better: str | None  # "higher", "lower" or None when neither is plainly better

    @property
    def outcome(self):
        return OUTCOMES[self.key]

    @property
    def label(self) -> str:
        return self.outcome.description

    @property
    def unit(self) -> str:
        return self.outcome.unit


HEADLINES = [Headline("us_left_iraq", None), Headline("mean_attacks_per_week", "lower"),
             Headline("total_us_casualties", "lower"), Headline("peak_parallel_rate", "lower"),
             Headline("lowest_salary_coverage", "higher"), Headline("worst_power_shortfall", "lower"),
             Headline("mean_public_discontent", "lower"), Headline("mean_iran_revenue", None),
             Headline("mean_exit_pressure", None), Headline("final_pmu_fighters", None),
             Headline("final_leverage_us_over_iraq", None), Headline("final_leverage_iran_over_iraq", None),
             Headline("final_leverage_iran_over_us", None), Headline("final_leverage_us_over_iran", None)]


def paired(baseline_values: np.ndarray, scenario_values: np.ndarray) -> dict:
    """Mean paired difference, its 90% interval, and the shares of worlds where the scenario is higher or lower."""
    d = np.asarray(scenario_values, float) - np.asarray(baseline_values, float)
    n = d.size
    mean = float(d.mean())
    half = Z[LEVEL] * float(d.std(ddof=1)) / np.sqrt(n) if n > 1 else 0.0
    low, high = mean - half, mean + half
    return {"baseline_value": float(np.mean(baseline_values)), "scenario_value": float(np.mean(scenario_values)),
            "mean_difference": mean, "ci90_low": low, "ci90_high": high,
            "distinguishable": bool(low > 0 or high < 0), "share_higher": float(np.mean(d > 0)),
            "share_lower": float(np.mean(d < 0))}


def compare(baseline_model, scenario_model, scenario_name: str, reference_name: str | None = None) -> list[dict]:
    """One row per headline: the paired comparison of a scenario's worlds with a reference's (the baseline, or
    another scenario with --pairs). 'baseline_value' is the reference's mean, 'reference' its name."""
    if baseline_model.worlds != scenario_model.worlds or baseline_model.seed != scenario_model.seed:
        raise ValueError("paired comparison needs the same seed and number of worlds")
    outcomes = resolve(h.key for h in HEADLINES)
    base, other = from_series(baseline_model.recorder.series, outcomes), from_series(scenario_model.recorder.series,
                                                                                     outcomes)
    rows = []
    for h in HEADLINES:
        stats = paired(base[h.key], other[h.key])
        rows.append({"scenario": scenario_name, "reference": reference_name, "key": h.key, "label": h.label,
                     "unit": h.unit, "better": h.better, **stats, "verdict": verdict(stats, h.better, h.unit)})
    return rows


NOISE = "indistinguishable from zero (noise)"
TOO_SMALL = "too small to show (rounds to zero)"


def verdict(stats: dict, better: str | None, unit: str = "") -> str:
    """'higher' or 'lower' (with 'better' or 'worse' where one direction is plainly better), NOISE, or TOO_SMALL."""
    if not stats["distinguishable"]:
        return NOISE
    if unit and fmt(stats["mean_difference"], unit, signed=True).strip("+-0.,pts ") == "":
        return TOO_SMALL
    direction = "higher" if stats["mean_difference"] > 0 else "lower"
    if better is None:
        return direction
    return f"{direction} ({'better' if direction == better else 'worse'})"


def by_pair(rows: list[dict], baseline: str) -> dict[tuple[str, str], list[dict]]:
    """The rows of each comparison, keyed (scenario, reference) in order of first appearance (rows without a
    reference are against the baseline; the report also reads rows of damaged folders, hence the str())."""
    grouped: dict[tuple[str, str], list[dict]] = {}
    for r in rows:
        grouped.setdefault((str(r.get("scenario")), str(r.get("reference") or baseline)), []).append(r)
    return grouped


def text_table(rows: list[dict], baseline: str, columns: int | None = None) -> str:
    """One table per comparison for the terminal, on one line a row where the terminal is wide enough, else with
    each value over two lines and the headlines wrapped."""
    import textwrap

    from ..output.tables import natural_width, render, width

    columns = columns or width()
    out = []
    for (scenario, reference), mine in by_pair(rows, baseline).items():
        header = ["headline", reference, scenario, "difference\n[90% interval]", "reading\nworlds higher / lower"]
        body = _body(mine, "  ")
        fits = natural_width(header, body) <= columns
        if not fits:
            header = ["headline", name_cell(reference), name_cell(scenario), "difference\n[90% interval]",
                      "reading\nworlds higher\n/ lower"]
            body = _body(mine, "\n")
        title = (f"{scenario} vs {reference} (paired worlds; difference = {scenario} - {reference}; values are "
                 f"means over worlds):")
        out += ["", render(header, body, columns=columns, label_width=None if fits else 20, gaps=not fits,
                           title=title)]
    out += [""] + textwrap.wrap("noise: the 90% interval of the difference includes zero, so the draws alone could "
                                "explain it. Differences of shares are in percentage points (pts).", columns)
    return "\n".join(out).lstrip("\n")


def name_cell(name: str, width: int = 10) -> str:
    """A scenario name as a column heading, broken after underscores so that no line is much wider than `width`."""
    lines, current = [], ""
    for part in name.split("_"):
        piece = part if not current else "_" + part
        if current and len(current) + len(piece) > width:
            lines.append(current + "_")
            piece = part
            current = ""
        current += piece
    return "\n".join(lines + [current])


def _body(rows: list[dict], sep: str) -> list[list[str]]:
    """Table rows: headline (unit), both means, the difference and its interval, the reading; `sep` joins the two
    lines of a cell (a line break when narrow)."""
    body = []
    for r in rows:
        unit = r["unit"]
        shown = "" if is_share(unit) else f" ({unit})" if sep == "  " else f"\n{unit}"
        reading = "noise" if not r["distinguishable"] else r["verdict"].replace(" (rounds", "\n(rounds")
        body.append([f"{r['label']}{shown}", fmt(r["baseline_value"], unit), fmt(r["scenario_value"], unit),
                     fmt_difference(r["mean_difference"], r["ci90_low"], r["ci90_high"], unit, sep),
                     f"{reading}{sep}{fmt(r['share_higher'], 'share')} / {fmt(r['share_lower'], 'share')}"])
    return body
