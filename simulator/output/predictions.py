"""Predict, then reveal: students commit to numbers for a scenario's headline outcomes before it runs, and the reveal
sets each prediction against the model's distribution over worlds.

Predictions live in a JSON file (by default predictions/<scenario>.json) that collects one entry per student or
group; a run given that file reveals them and keeps a copy with the reveal in its run folder, where `sim report`
picks it up.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import UserError
from ..model.metrics import METRICS
from ..model.outcomes import OUTCOMES, band, from_series, resolve, share_interval
from ..model.units import PERCENT, fmt, fmt_band


@dataclass(frozen=True)
class Question:
    outcome: str  # a name in the outcome vocabulary (simulator/model/outcomes.py)
    label: str  # the question as a student reads it
    low: float
    high: float
    anchor: str = ""  # the metric whose value today anchors a guess
    anchor_text: str = "{}"  # how that value reads, e.g. "{} US troops in Iraq"
    example: str = ""  # an answer as a student may type it

    @property
    def share(self) -> bool:
        """An event outcome: the answer is a share of worlds, asked and shown in percent."""
        return OUTCOMES[self.outcome].is_event

    @property
    def unit(self) -> str:
        return PERCENT if self.share else OUTCOMES[self.outcome].unit

    @property
    def hint(self) -> str:
        return f"{self.low:g}-{self.high:g}"

    def expected(self) -> str:
        if self.share:
            return f"a share of worlds from {fmt(self.low, PERCENT)} to {fmt(self.high, PERCENT)} (for example " \
                   f"40%, 0.4 or 40)"
        return f"a number of {self.unit} from {self.low:,g} to {self.high:,g} (for example {self.example})"

    def parse(self, text: str, key: str) -> float:
        """A typed answer as stored: a share in percent ('5%', '0.05' and '5' all mean 5%; a bare number below 1 is
        a fraction), other values as numbers with optional thousands separators ('1,600'). A UserError of one
        sentence for anything else."""
        raw = str(text).strip()
        number = raw[:-1].strip() if raw.endswith("%") else raw
        if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?", number):
            number = number.replace(",", "")
        try:
            value = float(number)
        except ValueError:
            value = math.nan
        if self.share and not raw.endswith("%") and 0 <= value < 1:
            value *= 100
        if not math.isfinite(value) or (raw.endswith("%") and not self.share) or not self.low <= value <= self.high:
            raise UserError(f"{key}: expected {self.expected()}, found {raw!r}.")
        return value


QUESTIONS = {
    "us_left_iraq": Question("us_left_iraq", "In what share of worlds have US forces left Iraq at the end", 0, 100,
                             "us_troops_iraq", "{} US troops in Iraq"),
    "peak_parallel_rate": Question("peak_parallel_rate", "Highest parallel exchange rate in a typical world", 1000,
                                   10000, "parallel_rate", "{} IQD per USD", "1,600"),
    "mean_attacks_per_week": Question("mean_attacks_per_week", "Attacks on US forces per week, on average over the "
                                      "run", 0, 100, "attacks_per_week", "{} attacks in the first week", "2.5"),
    "iran_revenue": Question("mean_iran_revenue", "Iran's revenue from Iraq, average over the run", 0, 40,
                             "iran_revenue_from_iraq", "{} USD bn a year", "12"),
}
ANCHOR_WORLDS = 200


def anchors(spec) -> dict[str, str]:
    """Today's value of what each question asks about, to anchor a guess: the scenario's median at week 0 (for
    weekly counts, over its first week)."""
    from ..model import LeverageModel

    return anchors_of(LeverageModel.from_spec(spec.with_overrides(worlds=min(spec.worlds, ANCHOR_WORLDS))))


def anchors_of(model) -> dict[str, str]:
    """`anchors` of an unrun model (stepped once here; the dashboard's twin of its own model)."""
    from .bands import first_week

    model.step()
    out = {}
    for key, q in QUESTIONS.items():
        unit = METRICS[q.anchor].unit
        median = band(model.recorder.series(q.anchor)[first_week(unit)])[0]
        out[key] = q.anchor_text.format(fmt(median, unit))
    return out


ORIGIN = "`sim predict`"


def default_file(scenario_name: str) -> Path:
    return Path("predictions") / f"{scenario_name}.json"


def record(file: Path, scenario_name: str, name: str, answers: dict) -> dict:
    """Add one student's (or group's) predictions to the file, creating it if needed; returns the entry."""
    for key, value in answers.items():
        q = QUESTIONS.get(key)
        if q is None:
            raise UserError(f"prediction {key!r} is unknown. Expected one of: {', '.join(QUESTIONS)}.")
        if not q.low <= value <= q.high:
            raise UserError(f"prediction {key}={value:g}: expected {q.expected()}.")
    data = load(file) if file.exists() else {"scenario": scenario_name, "entries": []}
    if data["scenario"] != scenario_name:
        raise UserError(f"{file}: holds predictions for scenario {data['scenario']!r}, not {scenario_name!r}. Expected "
                        f"a file per scenario; choose another with --file.")
    entry = {"name": name, "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
             "predictions": answers}
    data["entries"].append(entry)
    tmp = file.with_name(f".{file.name}.tmp")
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(data, indent=2) + "\n")
        os.replace(tmp, file)  # the class's earlier predictions are never lost to a half-written file
    except OSError as err:
        if tmp.parent.is_dir():
            tmp.unlink(missing_ok=True)
        raise UserError(f"{file}: the predictions could not be saved ({err.strerror or err}). Expected a file you "
                        f"can write; choose another with --file.") from None
    return entry


def load(file: Path) -> dict:
    """A predictions file, checked entry by entry, so a bad one is refused before anything is simulated."""
    from ..files import read_json

    file = Path(file)
    if not file.is_file():
        raise UserError(f"{file}: no such predictions file. Record predictions first with `sim predict SCENARIO`.")
    data = read_json(file, ("scenario", "entries"), ORIGIN)
    if not isinstance(data["scenario"], str) or not isinstance(data["entries"], list):
        raise UserError(f"{file}: expected 'scenario' to be text and 'entries' a list, found "
                        f"{type(data['scenario']).__name__} and {type(data['entries']).__name__}. Expected a "
                        f"predictions file written by {ORIGIN}.")
    for i, entry in enumerate(data["entries"]):
        _check_entry(file, i, entry)
    return data


def _check_entry(file: Path, i: int, entry) -> None:
    where = f"{file}, entries[{i}]"
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) \
            or not isinstance(entry.get("predictions"), dict):
        raise UserError(f"{where}: expected an object with 'name' (text) and 'predictions' (an object of numbers), "
                        f"found {str(entry)[:80]}. Expected a predictions file written by {ORIGIN}.")
    for key, value in entry["predictions"].items():
        q = QUESTIONS.get(key)
        if q is None:
            raise UserError(f"{where}.predictions.{str(key)[:60]}: unknown prediction. Expected one of: "
                            f"{', '.join(QUESTIONS)}.")
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if not number or not q.low <= value <= q.high:  # False for NaN
            raise UserError(f"{where}.predictions.{key}: expected a number from {q.low:g} to {q.high:g} ({q.unit}), "
                            f"found {str(value)[:60]}.")


def reveal(model, data: dict) -> list[dict]:
    """Each prediction against the model: median and 5-95% band over worlds (for a share: the share itself with a
    90% interval), the prediction's percentile among worlds, and whether it falls inside the band."""
    values = from_series(model.recorder.series, resolve(q.outcome for q in QUESTIONS.values()))
    rows = []
    for entry in data["entries"]:
        for key, predicted in entry["predictions"].items():
            q = QUESTIONS[key]
            if q.share:
                median, p5, p95 = (100 * v for v in share_interval(values[q.outcome]))
                percentile = None
            else:
                median, p5, p95 = band(values[q.outcome])
                percentile = float(np.mean(values[q.outcome] <= predicted) * 100)
            rows.append({"name": entry["name"], "outcome": key, "label": q.label, "unit": q.unit,
                         "predicted": float(predicted), "median": median, "p5": p5, "p95": p95,
                         "percentile": percentile, "inside_band": bool(p5 <= predicted <= p95)})
    return rows


def band_position(predicted: float, p5: float, p95: float) -> str:
    """Where a prediction falls against the model's 5-95% band: 'inside', 'above' or 'below' (the one reading of
    `sim run --predictions`, `sim compare`, the report and the dashboard)."""
    if p5 <= predicted <= p95:
        return "inside"
    return "above" if predicted > p95 else "below"


def reveal_text(rows: list[dict], columns: int | None = None, title: str | None = None) -> str:
    """The reveal as a terminal table: each prediction against the model's median and band, and for a value the
    share of worlds below it."""
    from .tables import render

    body = []
    for r in rows:
        unit = r["unit"]
        rank = f"\n{r['percentile']:.0f}% of worlds\nat or below" if r.get("percentile") is not None else ""
        body.append([r["name"], OUTCOMES[QUESTIONS[r["outcome"]].outcome].description, fmt(r["predicted"], unit),
                     fmt_band(r["median"], r["p5"], r["p95"], unit, sep="\n"),
                     band_position(r["predicted"], r["p5"], r["p95"]) + rank])
    return render(["who", "question", "predicted", "model", "against\nthe band"], body, left=2, columns=columns,
                  label_width=20, gaps=True, title=title or "Predictions against the model (median [5-95% of worlds]; "
                                                            "for a share of worlds, its 90% interval):")
