"""The class's predictions in a comparison: each scenario's predictions revealed against its worlds, and, where a
student or group predicted both sides of a comparison, the difference they expected against the paired one."""

from __future__ import annotations

from pathlib import Path

from ..errors import UserError
from ..model.units import fmt, fmt_difference


def gather(files, names: list[str], defaults: bool = True) -> dict[str, dict]:
    """Scenario name -> predictions (from `sim predict`): the files given, else predictions/<scenario>.json where
    it exists. Checked before anything is simulated."""
    from ..output import predictions

    found: dict[str, dict] = {}
    for file in files:
        data = predictions.load(file)
        scenario = data["scenario"]
        if scenario not in names:
            raise UserError(f"--predictions {file}: these predictions are for scenario {scenario!r}, which is not "
                            f"in this comparison ({', '.join(names)}). Expected a file from `sim predict` for one "
                            f"of them.")
        if scenario in found:
            raise UserError(f"--predictions {file}: a second file for scenario {scenario!r} (the first was "
                            f"{found[scenario]['file']}). Expected one file per scenario.")
        found[scenario] = {**data, "file": str(file)}
    for name in names if defaults else []:
        file = predictions.default_file(name)
        if name not in found and file.is_file():
            data = predictions.load(file)
            if data["scenario"] != name:
                raise UserError(f"{file}: holds predictions for scenario {data['scenario']!r}, not {name!r}. "
                                f"Expected the file `sim predict {name}` writes; pass another with --predictions.")
            found[name] = {**data, "file": str(file)}
    return {name: found[name] for name in names if name in found}


def reveal(found: dict[str, dict], runs: dict, rows: list[dict]) -> dict:
    """predictions.json of a comparison: every entry and reveal row tagged with its scenario, and the predicted
    differences against the paired ones."""
    from ..output import predictions

    entries, revealed = [], []
    for name, data in found.items():
        entries += [{**e, "scenario": name} for e in data["entries"]]
        revealed += [{**r, "scenario": name} for r in predictions.reveal(runs[name].model, data)]
    return {"scenario": ", ".join(found), "files": {n: d["file"] for n, d in found.items()}, "entries": entries,
            "reveal": revealed, "differences": differences(found, rows)}


def differences(found: dict[str, dict], rows: list[dict]) -> list[dict]:
    """For each comparison and each student or group who predicted both its scenario and its reference: their
    predicted difference against the model's paired difference (their latest entry for each scenario)."""
    from ..output.predictions import QUESTIONS

    def latest(name):
        return {e["name"]: e["predictions"] for e in found.get(name, {}).get("entries", [])}

    out = []
    for row in rows:
        scenario, reference = row["scenario"], row.get("reference")
        mine, theirs = latest(scenario), latest(reference)
        for who in [w for w in mine if w in theirs]:
            for key, q in QUESTIONS.items():
                if q.outcome != row["key"] or key not in mine[who] or key not in theirs[who]:
                    continue
                predicted = (mine[who][key] - theirs[who][key]) / (100 if q.share else 1)
                out.append({"name": who, "outcome": key, "label": q.label, "unit": row["unit"],
                            "scenario": scenario, "reference": reference, "predicted": predicted,
                            "model": row["mean_difference"], "low": row["ci90_low"], "high": row["ci90_high"],
                            "reading": reading(predicted, row)})
    return out


def reading(predicted: float, row: dict) -> str:
    """Whether the predicted difference points the way the model's does ('no clear difference' where the model's
    interval includes zero)."""
    if not row["distinguishable"]:
        return "right: no clear difference" if predicted == 0 else "model: no clear difference"
    if predicted == 0:
        return "model: a difference"
    same = (predicted > 0) == (row["mean_difference"] > 0)
    return "right direction" if same else "wrong direction"


def text(revealed: dict, columns: int | None = None) -> str:
    """The reveal and the predicted differences as terminal tables."""
    import textwrap

    from ..model.outcomes import OUTCOMES
    from ..output.predictions import QUESTIONS, reveal_text
    from ..output.tables import render, width

    out = []
    for scenario in dict.fromkeys(r["scenario"] for r in revealed["reveal"]):
        out.append(reveal_text([r for r in revealed["reveal"] if r["scenario"] == scenario], columns,
                               title=f"Predictions for {scenario} against its worlds (median [5-95%]; for a share "
                                     f"of worlds, its 90% interval):"))
    for scenario, reference in dict.fromkeys((d["scenario"], d["reference"]) for d in revealed["differences"]):
        body = []
        for d in revealed["differences"]:
            if (d["scenario"], d["reference"]) != (scenario, reference):
                continue
            unit = d["unit"]
            model = fmt_difference(d["model"], d["low"], d["high"], unit, sep="\n")
            body.append([d["name"], OUTCOMES[QUESTIONS[d["outcome"]].outcome].description,
                         fmt(d["predicted"], unit, signed=True), model, d["reading"].replace(" clear ", " clear\n")])
        out.append(render(["who", "question", "predicted\ndifference", "model\n[90% interval]", "reading"], body,
                          left=2, columns=columns, label_width=20, gaps=True,
                          title=f"Predicted differences {scenario} - {reference} against the paired ones:"))
    files = ", ".join(f"{Path(f)}" for f in revealed["files"].values())
    out.append("\n".join(textwrap.wrap(f"(predictions from {files})", columns or width(), break_long_words=False)))
    return "\n\n".join(out)
