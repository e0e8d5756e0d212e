"""Numbers the dashboard shows, computed from the model's recorder and event log (no Solara, no plotting)."""

from __future__ import annotations

import re
from typing import NamedTuple

import numpy as np

from ...errors import UserError
from ...model.metrics import LEVERAGE_MATRIX, METRICS
from ...model.narrative import FACTION_NAMES
from ...model.outcomes import band, from_series, resolve, share_interval
from ...model.units import fmt_band
from ...output.bands import first_week, quantiles
from ...output.predictions import QUESTIONS, band_position
from .levers import ACTOR

ACTORS = {"us": "US", "iran": "Iran", "iraq": "Iraq", **FACTION_NAMES}  # names in code -> as the story says them


def actor(code: str) -> str:
    """An actor's name as shown in the event feed: 'us' -> 'US', 'state_aligned' -> 'State-aligned PMU factions'."""
    return ACTORS.get(code, code.replace("_", " ").capitalize())


MATRIX = {(holder, target): metric for holder, row in LEVERAGE_MATRIX for target, metric in row}
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


def leverage_matrix(model) -> list[Cell]:
    """The leverage indices now: median and 5-95% band over worlds."""
    cells = []
    for (holder, target), name in MATRIX.items():
        p5, median, p95 = np.quantile(model.recorder.series(name)[-1].astype(float), [0.05, 0.5, 0.95])
        cells.append(Cell(holder, target, name, float(median), float(p5), float(p95)))
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
    texts = recent["description"].unique()  # the few distinct texts, not the many rows
    recent["what"] = recent["description"].map(dict(zip(texts, (_COUNT.sub("", t) for t in texts))))
    groups = recent.groupby(["week", "actor", "what"], sort=False)["world"].nunique().reset_index()
    groups["mine"] = groups["actor"] == ACTOR
    groups = groups[groups["mine"] | (groups["world"] >= min_share * model.worlds)]
    groups = groups.sort_values(["week", "mine", "world"], ascending=[False, False, False], kind="stable")
    return [FeedRow(int(r.week), model.calendar.date(int(r.week)).isoformat(), str(r.actor), str(r.what),
                    int(r.world), float(r.world) / model.worlds) for r in groups.head(limit).itertuples()]


# --------------------------------------------------------------------------------------------- predict, reveal
class Answer(NamedTuple):
    median: float
    p5: float
    p95: float
    text: str  # "median [p5-p95]" formatted for the unit


def answers(model) -> dict[str, Answer | None]:
    """The model's answers to the prediction questions as of the current week (None before the first week): the
    same questions, outcomes and intervals as `sim predict` and `sim run --predictions`."""
    if model.week < 1:
        return {key: None for key in QUESTIONS}
    values = from_series(model.recorder.series, resolve(q.outcome for q in QUESTIONS.values()))
    out = {}
    for key, q in QUESTIONS.items():
        if q.share:
            share, low, high = share_interval(values[q.outcome])
            out[key] = Answer(100 * share, 100 * low, 100 * high, fmt_band(share, low, high, "share of worlds"))
        else:
            median, p5, p95 = band(values[q.outcome])
            out[key] = Answer(median, p5, p95, fmt_band(median, p5, p95, q.unit))
    return out


def read_guesses(typed: dict[str, str]) -> tuple[dict[str, float | None], dict[str, str]]:
    """The predictions typed in the boxes, read as `sim predict` reads them ('5%', '0.05' and '5' are 5% of worlds;
    '1,600' is 1600): ({key: value, None when empty or refused}, {key: the sentence refusing it})."""
    guesses, errors = {}, {}
    for key, question in QUESTIONS.items():
        text = typed.get(key, "").strip()
        guesses[key] = None
        if text:
            try:
                guesses[key] = question.parse(text, "Your answer")
            except UserError as refused:
                errors[key] = str(refused)
    return guesses, errors


def verdict(prediction: float | None, answer: Answer | None) -> str:
    if prediction is None or answer is None:
        return ""
    return f"{band_position(prediction, answer.p5, answer.p95)} the band"
