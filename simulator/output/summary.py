"""Ensemble summaries: median and 5-95% band per metric, and the probability of headline outcomes."""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from ..model.metrics import KEY_METRICS, LEVERAGE_METRICS, METRICS

QUANTILES = {"median": 0.5, "p5": 0.05, "p95": 0.95}
COUNT_METRICS = ("attacks_per_week", "us_strikes_per_week", "us_casualties_per_week")


class Outcome(NamedTuple):
    description: str
    happened: Callable  # series(name) -> bool per world


OUTCOMES: dict[str, Outcome] = {
    "us_left_iraq": Outcome("US forces left Iraq by the end", lambda s: s("us_troops_iraq")[-1] <= 0),
    "us_withdrawal_began": Outcome("A US withdrawal from Iraq began", lambda s: s("us_troops_iraq")[-1] < s("us_troops_iraq")[0]),
    "iraq_requested_withdrawal": Outcome("Baghdad formally requested a US withdrawal",
                                         lambda s: s("iraq_exit_request")[1:].max(0) > 0),
    "us_used_dollar_cudgel": Outcome("The US used the dollar cudgel", lambda s: s("us_cudgel")[1:].max(0) > 0),
    "dollar_access_restricted": Outcome("Dollar access fell below 90% of normal",
                                        lambda s: s("dollar_access").min(0) < 0.9),
    "waiver_lapsed": Outcome("The energy waiver lapsed at some point", lambda s: s("waiver_active").min(0) < 0.5),
    "iran_cut_power": Outcome("Iran's share of Iraqi power fell by a fifth or more",
                              lambda s: s("iran_power_share").min(0) < 0.8 * s("iran_power_share")[0]),
    "parallel_rate_above_2000": Outcome("The parallel rate passed 2,000 IQD/USD", lambda s: s("parallel_rate").max(0) > 2000),
    "salaries_cut": Outcome("Real salary coverage fell below 80%", lambda s: s("salary_coverage").min(0) < 0.8),
    "iran_escalated": Outcome("Iran directed an escalation", lambda s: s("iran_escalating")[1:].max(0) > 0),
    "us_casualties": Outcome("US personnel were killed or seriously wounded",
                             lambda s: s("us_casualties_per_week")[1:].sum(0) > 0),
}


def _stats(values: np.ndarray) -> dict:
    q = np.quantile(values.astype(float), list(QUANTILES.values()))
    return {k: float(v) for k, v in zip(QUANTILES, q)}


def summarize(model) -> dict:
    """Per metric: the final week, the mean over the run and the peak, each as median/p5/p95 over worlds."""
    series = model.recorder.series
    metrics = {}
    for name in METRICS:
        s = series(name)
        run = s[1:] if len(s) > 1 else s
        entry = {"unit": METRICS[name].unit, "final": _stats(s[-1]), "run_mean": _stats(run.mean(0)),
                 "run_max": _stats(run.max(0))}
        if name in COUNT_METRICS:
            entry["run_total"] = _stats(run.sum(0))
        metrics[name] = entry
    outcomes = {name: {"description": o.description, "probability": float(np.mean(o.happened(series)))}
                for name, o in OUTCOMES.items()}
    return {"worlds": model.worlds, "weeks": model.week, "seed": model.seed, "metrics": metrics, "outcomes": outcomes}


def summary_rows(summary: dict) -> list[dict]:
    """summary.json flattened for summary.csv: one row per (metric, statistic) and one per outcome."""
    rows = []
    for name, entry in summary["metrics"].items():
        for stat, values in entry.items():
            if stat != "unit":
                rows.append({"kind": "metric", "name": name, "statistic": stat, "unit": entry["unit"], **values})
    for name, entry in summary["outcomes"].items():
        p = entry["probability"]
        rows.append({"kind": "outcome", "name": name, "statistic": "probability", "unit": "share of worlds",
                     "median": p, "p5": np.nan, "p95": np.nan})
    return rows


def fmt(name: str, value: float) -> str:
    """A metric value in the form a reader expects for its unit."""
    unit = METRICS[name].unit
    if unit in ("share", "share of normal", "share of supply", "share of demand", "share of factions", "flag"):
        return f"{value:.0%}"
    if unit.startswith("index"):
        return f"{value:.2f}"
    if unit in ("troops", "fighters", "IQD per USD"):
        return f"{value:,.0f}"
    return f"{value:.1f}"


def band_at(model, name: str, week: int) -> str:
    """'median [p5-p95]' of a metric at a week, formatted for its unit."""
    v = model.recorder.series(name)[week]
    lo, mid, hi = np.quantile(v.astype(float), [0.05, 0.5, 0.95])
    if np.isclose(lo, hi):
        return fmt(name, mid)
    return f"{fmt(name, mid)} [{fmt(name, lo)}-{fmt(name, hi)}]"


def text_table(model, summary: dict) -> str:
    """The terminal summary: key metrics at a few weeks, then headline outcomes."""
    weeks = sorted({w for w in (1, 13, 52, model.week) if w <= model.week})
    names = KEY_METRICS + LEVERAGE_METRICS
    header = ["metric (unit)"] + [f"week {w}" for w in weeks]
    rows = [[f"{METRICS[n].description} [{METRICS[n].unit}]"] + [band_at(model, n, w) for w in weeks] for n in names]
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(len(header))]
    line = lambda r: "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
    out = ["Key metrics, median [5%-95% of worlds]:", line(header)] + [line(r) for r in rows]
    out += ["", "Outcomes (share of worlds):"]
    for entry in summary["outcomes"].values():
        out.append(f"  {entry['probability']:>5.0%}  {entry['description']}")
    return "\n".join(out)
