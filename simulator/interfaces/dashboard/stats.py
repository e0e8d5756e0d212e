"""Numbers the dashboard shows, computed from the model's recorder and event log (no Solara, no plotting)."""

from __future__ import annotations

import re
from typing import NamedTuple

import numpy as np

from ...model.metrics import LEVERAGE_METRICS, METRICS
from ...output.bands import first_week, quantiles
from ...output.summary import OUTCOMES, fmt
from .levers import ACTOR

MATRIX = {  # (row: who holds the leverage, column: over whom) -> metric
    ("US", "Iraq"): "leverage_us_over_iraq", ("US", "Iran"): "leverage_us_over_iran",
    ("Iran", "Iraq"): "leverage_iran_over_iraq", ("Iran", "US"): "leverage_iran_over_us",
}
assert sorted(MATRIX.values()) == sorted(LEVERAGE_METRICS)
_COUNT = re.compile(r"\s*\(\d+\)$")  # "US strikes militia targets in Iraq (3)" -> one row for all counts


def fan(model, name: str):
    """(weeks shown, quantiles) of a metric so far, through the shared band statistics."""
    return quantiles(model.recorder.series(name), first_week(METRICS[name].unit))


class Cell(NamedTuple):
    holder: str
    target: str
    metric: str
    median: float
    p5: float
    p95: float
    history: np.ndarray  # median by week so far


def leverage_matrix(model) -> list[Cell]:
    """The four leverage indices now: median and 5-95% band over worlds, and the median's history."""
    cells = []
    for (holder, target), name in MATRIX.items():
        series = model.recorder.series(name).astype(float)
        p5, median, p95 = np.quantile(series[-1], [0.05, 0.5, 0.95])
        cells.append(Cell(holder, target, name, float(median), float(p5), float(p95), np.median(series, axis=1)))
    return cells


class FeedRow(NamedTuple):
    week: int
    date: str
    actor: str
    description: str
    worlds: int
    share: float


def feed(model, limit: int = 30, weeks: int = 4, min_share: float = 0.05) -> list[FeedRow]:
    """The events of the latest weeks, newest week first; within a week classroom levers first, then by how many
    worlds saw it. Events seen in fewer than min_share of the worlds are left out (levers never are)."""
    events = model.events_frame()
    if events.empty:
        return []
    recent = events[events["week"] > events["week"].max() - weeks].copy()
    recent["what"] = recent["description"].str.replace(_COUNT, "", regex=True)
    groups = recent.groupby(["week", "actor", "what"], sort=False)["world"].nunique().reset_index()
    groups["mine"] = groups["actor"] == ACTOR
    groups = groups[groups["mine"] | (groups["world"] >= min_share * model.worlds)]
    groups = groups.sort_values(["week", "mine", "world"], ascending=[False, False, False], kind="stable")
    return [FeedRow(int(r.week), model.calendar.date(int(r.week)).isoformat(), str(r.actor), str(r.what),
                    int(r.world), float(r.world) / model.worlds) for r in groups.head(limit).itertuples()]


# --------------------------------------------------------------------------------------------- predict, reveal
class Question(NamedTuple):
    label: str
    unit: str
    hint: str


QUESTIONS: dict[str, Question] = {
    "us_left_iraq": Question("Share of worlds where US forces leave Iraq", "%", "0-100"),
    "peak_parallel_rate": Question("Peak parallel rate", "IQD per USD", "e.g. 1500"),
    "mean_attacks": Question("Mean attacks per week", "attacks per week", "e.g. 2"),
}


class Answer(NamedTuple):
    median: float
    p5: float
    p95: float
    text: str  # "median [p5-p95]" formatted for the unit


def _band(values: np.ndarray, name: str) -> Answer:
    p5, median, p95 = (float(v) for v in np.quantile(values.astype(float), [0.05, 0.5, 0.95]))
    return Answer(median, p5, p95, f"{fmt(name, median)} [{fmt(name, p5)}-{fmt(name, p95)}]")


def _share_band(hits: np.ndarray) -> Answer:
    """A share of worlds (in %) with its 90% Wilson interval: how sure the ensemble's estimate is."""
    n, share, z = hits.size, float(hits.mean()), 1.6449
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    lo, hi = 100 * max(0.0, float(centre - half)), 100 * min(1.0, float(centre + half))
    return Answer(100 * share, lo, hi, f"{100 * share:.0f}% [{lo:.0f}-{hi:.0f}%]")


def answers(model) -> dict[str, Answer | None]:
    """The model's answers to QUESTIONS as of the current week (None before the first week)."""
    if model.week < 1:
        return {key: None for key in QUESTIONS}
    series = model.recorder.series
    return {
        "us_left_iraq": _share_band(OUTCOMES["us_left_iraq"].happened(series)),
        "peak_parallel_rate": _band(series("parallel_rate").max(axis=0), "parallel_rate"),
        "mean_attacks": _band(series("attacks_per_week")[1:].mean(axis=0), "attacks_per_week"),
    }


def verdict(prediction: float | None, answer: Answer | None) -> str:
    if prediction is None or answer is None:
        return ""
    if prediction < answer.p5:
        return "below the band"
    if prediction > answer.p95:
        return "above the band"
    return "inside the band"
