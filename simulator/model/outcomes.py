"""The outcome vocabulary: what every named outcome of a world means, and the one interval for a share of worlds.

An outcome reduces one recorded metric of one world over weeks 1..T to a number:
  * a value: its `final` value, `mean`, `max`, `min` or `sum` over the run;
  * an event (0 or 1): whether the metric crossed a threshold during the run, `ever` or by the `final` week
    (`ever_above`, `ever_below`, `final_above`, `final_below`), or the first week it did (`first_week_above`,
    `first_week_below`; empty when it never did).
An event counts only a crossing: the world must start on the other side of the threshold at week 0, so "US forces
left Iraq" is false where there were none to begin with. A threshold is absolute, or `relative` to the world's own
week-0 value ("fell below 90% of where it started"), never to a constant that assumes the default initial state.

Every consumer computes outcomes here: run summaries, sweeps (week by week, without keeping the series),
`sim compare`, predictions and the dashboard. One accumulator serves both a running model and a recorded series, so
they agree value for value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

VALUE_STATS = ("final", "mean", "max", "min", "sum")
EVENT_STATS = ("ever_above", "ever_below", "final_above", "final_below")
WEEK_STATS = ("first_week_above", "first_week_below")
STATS = VALUE_STATS + EVENT_STATS + WEEK_STATS
LEVEL = 0.90  # the level of every interval the project reports (a share of worlds, a paired difference)
Z = {0.90: 1.6448536269514722, 0.95: 1.959963984540054}  # two-sided normal quantiles


@dataclass(frozen=True)
class Outcome:
    metric: str
    stat: str
    threshold: float | None = None
    relative: bool = False  # threshold is a multiple of the world's week-0 value
    description: str = ""

    @property
    def is_event(self) -> bool:
        return self.stat in EVENT_STATS

    @property
    def unit(self) -> str:
        from .metrics import METRICS

        if self.is_event:
            return "share of worlds"
        if self.stat in WEEK_STATS:
            return "week"
        unit = METRICS[self.metric].unit
        if self.stat == "sum" and unit.endswith(" per week"):
            return unit[: -len(" per week")]
        return unit

    def spec(self) -> dict:
        """A plain mapping (for manifests and sweep files)."""
        return {"metric": self.metric, "stat": self.stat, "threshold": self.threshold, "relative": self.relative}


def _event(metric, stat, threshold, description, relative=False) -> Outcome:
    return Outcome(metric, stat, threshold, relative, description)


def _value(metric, stat, description) -> Outcome:
    return Outcome(metric, stat, None, False, description)


OUTCOMES: dict[str, Outcome] = {
    # events: the share of worlds in which they happened
    "us_left_iraq": _event("us_troops_iraq", "final_below", 0.5, "US forces left Iraq by the end"),
    "us_withdrawal_began": _event("us_troops_iraq", "ever_below", 1.0, "A US withdrawal from Iraq began",
                                  relative=True),
    "iraq_requested_withdrawal": _event("iraq_exit_request", "ever_above", 0.5,
                                        "Baghdad formally requested a US withdrawal"),
    "us_used_dollar_cudgel": _event("us_cudgel", "ever_above", 0.5, "The US used the dollar cudgel"),
    "dollar_access_restricted": _event("dollar_access", "ever_below", 0.9,
                                       "Dollar access fell below 90% of its starting level", relative=True),
    "waiver_lapsed": _event("waiver_active", "ever_below", 0.5, "The energy waiver lapsed at some point",
                            relative=True),
    "iran_cut_power": _event("iran_power_share", "ever_below", 0.8,
                             "Iran's share of Iraqi power fell by a fifth or more", relative=True),
    "parallel_rate_jumped": _event("parallel_rate", "ever_above", 1.3,
                                   "The parallel rate rose 30% or more above its starting level", relative=True),
    "salaries_cut": _event("salary_coverage", "ever_below", 0.8,
                           "Real salary coverage fell below 80% of its starting level", relative=True),
    "iran_escalated": _event("iran_escalating", "ever_above", 0.5, "Iran directed an escalation"),
    "us_casualties": _event("us_casualties_per_week", "ever_above", 0.0,
                            "US personnel were killed or seriously wounded"),
    # values: a number per world, summarised by its median and 5-95% band
    "mean_attacks_per_week": _value("attacks_per_week", "mean", "Attacks on US forces, mean per week"),
    "total_us_casualties": _value("us_casualties_per_week", "sum", "US killed or seriously wounded, total"),
    "peak_parallel_rate": _value("parallel_rate", "max", "Peak parallel exchange rate"),
    "lowest_salary_coverage": _value("salary_coverage", "min", "Lowest real salary coverage"),
    "worst_power_shortfall": _value("power_shortfall", "max", "Worst power shortfall"),
    "mean_public_discontent": _value("public_discontent", "mean", "Public discontent, mean"),
    "mean_iran_revenue": _value("iran_revenue_from_iraq", "mean", "Iran's revenue from Iraq, mean"),
    "mean_exit_pressure": _value("exit_pressure", "mean", "Baghdad's exit pressure, mean"),
    "final_exit_pressure": _value("exit_pressure", "final", "Baghdad's exit pressure at the end"),
    "final_pmu_fighters": _value("pmu_fighters", "final", "PMU fighters at the end"),
    "final_us_troops_iraq": _value("us_troops_iraq", "final", "US troops in Iraq at the end"),
    "final_leverage_us_over_iraq": _value("leverage_us_over_iraq", "final", "US leverage over Iraq at the end"),
    "final_leverage_iran_over_iraq": _value("leverage_iran_over_iraq", "final",
                                            "Iran's leverage over Iraq at the end"),
    "final_leverage_iran_over_us": _value("leverage_iran_over_us", "final", "Iran's leverage over the US at the end"),
    "final_leverage_us_over_iran": _value("leverage_us_over_iran", "final", "US leverage over Iran at the end"),
}
EVENTS = [name for name, o in OUTCOMES.items() if o.is_event]
PROPER = ("US", "Iran", "Iran's", "Iraq", "Iraq's", "Baghdad", "Erbil", "Kata'ib", "PMU")  # keep their capital


def clause(description: str) -> str:
    """An event's description as it reads inside a sentence: 'The US used...' -> 'the US used...'."""
    first = description.split(" ", 1)[0]
    return description if first in PROPER else description[:1].lower() + description[1:]


def share_sentence(description: str, share: float, low: float, high: float) -> str:
    """'In 37% of worlds, Iran directed an escalation [35%-40%].': an event outcome as a share of worlds, with its
    90% interval in brackets (left out where it reads the same as the share)."""
    from .units import fmt

    shown, lo, hi = (fmt(v, "share of worlds") for v in (share, low, high))
    interval = "" if lo == hi == shown else f" [{lo}\u2013{hi}]"
    return f"In {shown} of worlds, {clause(description)}{interval}."


class OutcomeTracker:
    """Running per-world statistics of some outcomes, fed one week at a time, so a sweep never keeps the series.

    `initial` maps each needed metric to its week-0 values; `update(values, week)` takes this week's values of the
    same metrics (weeks 1, 2, ...); `results()` gives one array per outcome.
    """

    def __init__(self, outcomes: dict[str, Outcome], initial: dict[str, np.ndarray]):
        self.outcomes = outcomes
        self.weeks = 0
        self.thresholds, self.armed, self.state = {}, {}, {}
        for name, o in outcomes.items():
            start = np.asarray(initial[o.metric], dtype=float)
            if o.threshold is not None:
                t = o.threshold * start if o.relative else np.full(start.shape, float(o.threshold))
                self.thresholds[name] = t
                # a crossing needs the world to start on the other side (NaN compares false: never armed)
                self.armed[name] = start <= t if o.stat.endswith("above") else start >= t
            fill = {"max": -np.inf, "min": np.inf}.get(o.stat, np.nan if o.stat in WEEK_STATS else 0.0)
            self.state[name] = np.full(start.shape, fill)

    def update(self, values: dict[str, np.ndarray], week: int) -> None:
        """Take this week's values of the metrics; or, as (weeks, worlds) arrays, those of several weeks ending with
        `week` at once (the same result as one week at a time: sums are still added week by week)."""
        for name, o in self.outcomes.items():
            v = np.asarray(values[o.metric], dtype=float)
            v = v[None] if v.ndim == 1 else v
            s = self.state[name]
            if o.stat in ("final", "final_above", "final_below"):
                s[:] = v[-1]
            elif o.stat in ("mean", "sum"):
                for row in v:  # week after week: v.sum(axis=0) may add pairwise, with other roundings
                    s += row
            elif o.stat == "max":
                np.maximum(s, v.max(axis=0), out=s)
            elif o.stat == "min":
                np.minimum(s, v.min(axis=0), out=s)
            else:
                t = self.thresholds[name]
                hit = (v > t if o.stat.endswith("above") else v < t) & self.armed[name]
                ever = hit.any(axis=0)
                if o.stat.startswith("ever"):
                    s[ever] = 1.0
                else:
                    first = np.isnan(s) & ever
                    s[first] = week - len(v) + 1 + hit.argmax(axis=0)[first]
        self.weeks = week

    def results(self) -> dict[str, np.ndarray]:
        out = {}
        for name, o in self.outcomes.items():
            s = self.state[name]
            if o.stat == "mean":
                s = s / max(self.weeks, 1)
            elif o.stat in ("final_above", "final_below"):
                t = self.thresholds[name]
                s = ((s > t if o.stat == "final_above" else s < t) & self.armed[name]).astype(float)
            elif self.weeks == 0 and o.stat in ("max", "min"):
                s = np.full(s.shape, np.nan)
            out[name] = s.copy()
        return out


def needed_metrics(outcomes: dict[str, Outcome]) -> list[str]:
    return list(dict.fromkeys(o.metric for o in outcomes.values()))


def from_series(series, outcomes: dict[str, Outcome] | None = None) -> dict[str, np.ndarray]:
    """Per-world outcomes from recorded series: `series(metric)` gives a (weeks + 1, worlds) array, week 0 first."""
    outcomes = OUTCOMES if outcomes is None else outcomes
    data = {m: np.asarray(series(m), dtype=float) for m in needed_metrics(outcomes)}
    tracker = OutcomeTracker(outcomes, {m: s[0] for m, s in data.items()})
    weeks = next(iter(data.values())).shape[0] - 1 if data else 0
    if weeks > 0:
        tracker.update({m: s[1:] for m, s in data.items()}, weeks)  # every week at once
    return tracker.results()


def resolve(names) -> dict[str, Outcome]:
    """The named outcomes, in the order given (a UserError suggesting the closest names for an unknown one)."""
    from ..errors import UserError, closest

    names = [names] if isinstance(names, str) else list(names)
    for name in names:
        if name not in OUTCOMES:
            raise UserError(f"outcomes: unknown outcome {name!r}.{closest(name, OUTCOMES)} Expected one of: "
                            f"{', '.join(OUTCOMES)}.")
    return {name: OUTCOMES[name] for name in names}


# ------------------------------------------------------------------------------------------ shares and bands
def share_interval(hits, level: float = LEVEL) -> tuple[float, float, float]:
    """(share, low, high): the share of worlds in which something happened and its Wilson score interval.

    Wilson rather than the normal approximation: it stays inside [0, 1] and is honest when the share is 0 or 1."""
    hits = np.asarray(hits, dtype=float)
    hits = hits[~np.isnan(hits)]
    n = hits.size
    if n == 0:
        return math.nan, math.nan, math.nan
    share, z = float(hits.mean()), Z[level]
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    low = 0.0 if share == 0.0 else max(0.0, centre - half)  # exact ends where every world agrees (no rounding)
    high = 1.0 if share == 1.0 else min(1.0, centre + half)
    return share, low, high


def band(values) -> tuple[float, float, float]:
    """(median, p5, p95) over worlds, ignoring empty values (NaN when every world is empty)."""
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    if v.size == 0:
        return math.nan, math.nan, math.nan
    p5, median, p95 = np.quantile(v, [0.05, 0.5, 0.95])
    return float(median), float(p5), float(p95)


def summarize(outcome: Outcome, values) -> dict:
    """One outcome over worlds: the share of worlds with its interval for an event, else the median and band."""
    if outcome.is_event:
        share, low, high = share_interval(values)
        return {"kind": "event", "share": share, "low": low, "high": high}
    median, p5, p95 = band(values)
    return {"kind": "value", "median": median, "p5": p5, "p95": p95}


def table(model, names=None):
    """Per-world outcomes of a finished, recorded model as a DataFrame: `world`, then one column per outcome."""
    import pandas as pd

    from ..errors import UserError

    if model.recorder is None:
        raise UserError("outcomes: this model was built with record=False, so it kept no series to reduce; build it "
                        "with record=True (the default) to get its outcome table.")
    outcomes = OUTCOMES if names is None else resolve(names)
    values = from_series(model.recorder.series, outcomes)
    return pd.DataFrame({"world": model.world_ids.astype(np.int64), **values})


def to_markdown() -> str:
    """docs/outcomes.md: the vocabulary as tables (a test keeps the file in sync)."""
    from .metrics import METRICS

    def threshold(o: Outcome) -> str:
        if o.threshold is None:
            return ""
        return f"{o.threshold:g} x its week-0 value" if o.relative else f"{o.threshold:g} {METRICS[o.metric].unit}"

    lines = ["# Outcomes", "",
             "Generated from `simulator/model/outcomes.py`, the one definition every summary, sweep, comparison,",
             "prediction and dashboard uses; a test keeps this file in sync.", "",
             "Statistics run over weeks 1 to T. An **event** is 1 in a world where the metric *crossed* the threshold",
             "during the run: it starts on the other side at week 0 and is past it at some week (`ever_*`) or at the",
             "end (`final_*`). A threshold is absolute or a multiple of the world's own week-0 value, so outcomes stay",
             "true to a scenario that starts from another state. A share of worlds is reported with its 90% Wilson",
             "score interval; a value with its median and 5-95% band over worlds.", "",
             "## Events (share of worlds)", "", "| name | meaning | metric | statistic | threshold |",
             "|---|---|---|---|---|"]
    lines += [f"| `{n}` | {o.description} | `{o.metric}` | `{o.stat}` | {threshold(o)} |"
              for n, o in OUTCOMES.items() if o.is_event]
    lines += ["", "## Values (median and 5-95% band over worlds)", "", "| name | meaning | metric | statistic | unit |",
              "|---|---|---|---|---|"]
    lines += [f"| `{n}` | {o.description} | `{o.metric}` | `{o.stat}` | {o.unit} |"
              for n, o in OUTCOMES.items() if not o.is_event]
    lines += ["", "A sweep file may also define its own outcome the same way: `{name, metric, stat, threshold, "
              "relative}` with a statistic from " + ", ".join(f"`{s}`" for s in STATS) + "."]
    return "\n".join(lines) + "\n"
