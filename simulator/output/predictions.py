"""Predict, then reveal: students commit to numbers for a scenario's headline outcomes before it runs, and the reveal
sets each prediction against the model's distribution over worlds.

Predictions live in a JSON file (by default predictions/<scenario>.json) that collects one entry per student or
group; a run given that file reveals them and keeps a copy with the reveal in its run folder, where `sim report`
picks it up.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from ..errors import UserError


@dataclass(frozen=True)
class Question:
    label: str
    unit: str
    low: float
    high: float
    per_world: Callable  # model -> values per world (a share question uses 0/1 per world)
    share: bool = False


QUESTIONS = {
    "us_left_iraq": Question("In what share of worlds have US forces left Iraq after two years", "% of worlds", 0, 100,
                             lambda m: (m.recorder.series("us_troops_iraq")[-1] <= 0).astype(float), share=True),
    "peak_parallel_rate": Question("Highest parallel exchange rate in a typical world", "IQD per USD", 1000, 10000,
                                   lambda m: m.recorder.series("parallel_rate")[1:].max(0)),
    "mean_attacks_per_week": Question("Attacks on US forces per week, on average over the run", "attacks per week",
                                      0, 100, lambda m: m.recorder.series("attacks_per_week")[1:].mean(0)),
    "iran_revenue": Question("Iran's revenue from Iraq, average over the run", "USD bn per year", 0, 40,
                             lambda m: m.recorder.series("iran_revenue_from_iraq")[1:].mean(0)),
}


def default_file(scenario_name: str) -> Path:
    return Path("predictions") / f"{scenario_name}.json"


def record(file: Path, scenario_name: str, name: str, answers: dict) -> dict:
    """Add one student's (or group's) predictions to the file, creating it if needed; returns the entry."""
    for key, value in answers.items():
        q = QUESTIONS.get(key)
        if q is None:
            raise UserError(f"prediction {key!r} is unknown. Expected one of: {', '.join(QUESTIONS)}.")
        if not q.low <= value <= q.high:
            raise UserError(f"prediction {key}={value:g}: expected {q.unit} from {q.low:g} to {q.high:g}.")
    data = load(file) if file.exists() else {"scenario": scenario_name, "entries": []}
    if data["scenario"] != scenario_name:
        raise UserError(f"{file}: holds predictions for scenario {data['scenario']!r}, not {scenario_name!r}. Expected "
                        f"a file per scenario; choose another with --file.")
    entry = {"name": name, "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
             "predictions": answers}
    data["entries"].append(entry)
    file.parent.mkdir(parents=True, exist_ok=True)
    tmp = file.with_name(f".{file.name}.tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n")
    os.replace(tmp, file)  # the class's earlier predictions are never lost to a half-written file
    return entry


def load(file: Path) -> dict:
    file = Path(file)
    try:
        data = json.loads(file.read_text())
    except FileNotFoundError:
        raise UserError(f"{file}: no such predictions file. Record predictions first with `sim predict SCENARIO`.") \
            from None
    except json.JSONDecodeError as err:
        raise UserError(f"{file}, line {err.lineno}: not valid JSON ({err.msg}); expected a predictions file "
                        f"written by `sim predict`.") from None
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list) or "scenario" not in data:
        raise UserError(f"{file}: expected a predictions file with 'scenario' and 'entries', found something else.")
    return data


def reveal(model, data: dict) -> list[dict]:
    """Each prediction against the model: median and 5-95% band over worlds (for a share: the share itself with a
    90% interval), the prediction's percentile among worlds, and whether it falls inside the band."""
    rows = []
    for entry in data["entries"]:
        for key, predicted in entry["predictions"].items():
            q = QUESTIONS[key]
            values = np.asarray(q.per_world(model), dtype=float)
            if q.share:
                p = values.mean()
                half = 1.6449 * np.sqrt(p * (1 - p) / values.size)
                median, p5, p95 = 100 * p, 100 * max(0.0, p - half), 100 * min(1.0, p + half)
                percentile = None
            else:
                p5, median, p95 = np.quantile(values, [0.05, 0.5, 0.95])
                percentile = float(np.mean(values <= predicted) * 100)
            rows.append({"name": entry["name"], "outcome": key, "label": q.label, "unit": q.unit,
                         "predicted": float(predicted), "median": float(median), "p5": float(p5), "p95": float(p95),
                         "percentile": percentile, "inside_band": bool(p5 <= predicted <= p95)})
    return rows


def reveal_text(rows: list[dict]) -> str:
    lines = ["Predictions against the model (5-95% of worlds; for a share, its 90% interval):"]
    for r in rows:
        where = "inside the band" if r["inside_band"] else ("above the band" if r["predicted"] > r["p95"]
                                                            else "below the band")
        rank = f", higher than {r['percentile']:.0f}% of worlds" if r["percentile"] is not None else ""
        lines.append(f"  {r['name']}: {r['label']}: predicted {r['predicted']:,.1f}, model {r['median']:,.1f} "
                     f"[{r['p5']:,.1f}-{r['p95']:,.1f}] {r['unit']} -> {where}{rank}")
    return "\n".join(lines)
