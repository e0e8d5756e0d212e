"""Ensemble summaries: median and 5-95% band per metric, and every named outcome over worlds.

Both come from the outcome vocabulary (simulator/model/outcomes.py): a metric's "final", "run_mean", "run_max" and
"run_total" are its final/mean/max/sum outcomes; an event outcome is a share of worlds with its 90% interval.
"""

from __future__ import annotations

from ..model import outcomes as vocabulary
from ..model.metrics import KEY_METRICS, LEVERAGE_METRICS, METRICS
from ..model.units import fmt, fmt_band

METRIC_STATS = {"final": "final", "run_mean": "mean", "run_max": "max"}  # summary key -> outcome statistic


def _metric_outcomes() -> dict[tuple[str, str], vocabulary.Outcome]:
    out = {}
    for name, metric in METRICS.items():
        stats = dict(METRIC_STATS, **({"run_total": "sum"} if metric.unit.endswith("per week") else {}))
        for key, stat in stats.items():
            out[(name, key)] = vocabulary.Outcome(name, stat)
    return out


def summarize(model) -> dict:
    """Per metric: the final week, the mean over the run, the peak (and the total of weekly counts), each as
    median/p5/p95 over worlds; per named outcome: a share of worlds with its interval, or a median and band."""
    specs = _metric_outcomes()
    values = vocabulary.from_series(model.recorder.series, {f"{m}:{k}": o for (m, k), o in specs.items()})
    metrics = {}
    for (name, key), _ in specs.items():
        median, p5, p95 = vocabulary.band(values[f"{name}:{key}"])
        metrics.setdefault(name, {"unit": METRICS[name].unit})[key] = {"median": median, "p5": p5, "p95": p95}
    per_world = vocabulary.from_series(model.recorder.series)
    outcomes = {name: {"description": o.description, "unit": o.unit, **vocabulary.summarize(o, per_world[name])}
                for name, o in vocabulary.OUTCOMES.items()}
    return {"worlds": model.worlds, "weeks": model.week, "seed": model.seed, "metrics": metrics, "outcomes": outcomes}


def summary_rows(summary: dict) -> list[dict]:
    """summary.json flattened for summary.csv: one row per (metric, statistic) and one per outcome."""
    rows = []
    for name, entry in summary["metrics"].items():
        for stat, values in entry.items():
            if stat != "unit":
                rows.append({"kind": "metric", "name": name, "statistic": stat, "unit": entry["unit"], **values})
    for name, entry in summary["outcomes"].items():
        if entry["kind"] == "event":
            row = {"statistic": "share", "median": entry["share"], "p5": entry["low"], "p95": entry["high"]}
        else:
            row = {"statistic": vocabulary.OUTCOMES[name].stat, "median": entry["median"], "p5": entry["p5"],
                   "p95": entry["p95"]}
        rows.append({"kind": "outcome", "name": name, "unit": entry["unit"], **row})
    return rows


def band_at(model, name: str, week: int) -> str:
    """'median [p5-p95]' of a metric at a week, formatted for its unit."""
    return fmt_band(*vocabulary.band(model.recorder.series(name)[week]), METRICS[name].unit)


def text_table(model, summary: dict) -> str:
    """The terminal summary: key metrics at a few weeks, then the event outcomes as shares of worlds."""
    from .tables import render

    weeks = sorted({w for w in (1, 13, 52, model.week) if w <= model.week})
    names = KEY_METRICS + LEVERAGE_METRICS
    rows = [[f"{METRICS[n].description} [{METRICS[n].unit}]"] + [band_at(model, n, w) for w in weeks] for n in names]
    out = [render(["metric [unit]"] + [f"week {w}" for w in weeks], rows,
                  title="Key metrics, median [5%-95% of worlds]:")]
    out += ["", "Outcomes (share of worlds, 90% interval):"]
    for entry in summary["outcomes"].values():
        if entry["kind"] == "event":
            interval = f"[{fmt(entry['low'], 'share of worlds')}-{fmt(entry['high'], 'share of worlds')}]"
            out.append(f"  {fmt(entry['share'], 'share of worlds'):>5} {interval:<11} {entry['description']}")
    return "\n".join(out)

