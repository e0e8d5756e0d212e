"""The comparison folder: the one place that writes and reads what `sim compare` produced.

    folder/
      comparison.json    baseline, scenarios, seed, worlds, weeks and one row per comparison (scenario against
                         reference: the baseline, or another scenario with --pairs) and headline
      comparison.csv     the same rows as a table
      predictions.json   the class's predictions revealed against each scenario, and predicted differences (if any)
      runs/<scenario>/   each scenario's run folder (simulator/output/run_folder.py), the baseline included
      figures/*.png      overlays of all scenarios
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UserError
from ..files import read_json
from ..output.run_folder import ORIGIN, RunFolder, read_figures, read_predictions, read_run
from ..scenario.loader import show_value


def write(folder: Path, runs: dict, rows: list[dict], baseline: str, figures: bool = True,
          predictions: dict | None = None) -> Path:
    """Write a comparison of `runs` (name -> output.run.Run, the baseline first) into the new `folder`, with the
    class's predictions revealed (comparison/guesses.py) if given."""
    import pandas as pd

    from ..output.run_folder import write_run
    from ..output.story import tell
    from ..output.summary import summarize

    first = runs[baseline]
    folder.mkdir(parents=True)
    for name, run in runs.items():
        events = run.model.event_columns()
        write_run(run, folder / "runs" / name, summarize(run.model), tell(run.model, events), events, figures=False)
    pd.DataFrame(rows).to_csv(folder / "comparison.csv", index=False)
    meta = {"baseline": baseline, "scenarios": [n for n in runs if n != baseline], "seed": first.model.seed,
            "worlds": first.model.worlds, "weeks": first.model.weeks, "rows": rows}
    (folder / "comparison.json").write_text(json.dumps(meta, indent=2) + "\n")
    if predictions is not None:
        (folder / "predictions.json").write_text(json.dumps(predictions, indent=2) + "\n")
    if figures:
        from ..output.figures import write_overlays

        write_overlays({n: r.model for n, r in runs.items()}, folder / "figures",
                       f"{' vs '.join(runs)} ({first.model.worlds} paired worlds, seed {first.model.seed})")
    return folder


@dataclass
class ComparisonFolder:
    folder: Path
    data: dict  # comparison.json
    runs: dict  # scenario name -> RunFolder, the baseline first
    figures: dict = field(default_factory=dict)
    predictions: dict | None = None

    @property
    def baseline(self) -> str:
        return self.data["baseline"]

    @property
    def scenarios(self) -> list[str]:
        return list(self.data["scenarios"])


NUMBERS = ("baseline_value", "scenario_value", "mean_difference", "ci90_low", "ci90_high", "share_higher",
           "share_lower")  # of each row of comparison.json


def _check_numbers(file: Path, rows: list) -> None:
    """The numbers of each row are numbers (the report formats them); a missing one shows as 'n/a'."""
    for i, row in enumerate(rows):
        for key in NUMBERS if isinstance(row, dict) else ():
            value = row.get(key)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
                raise UserError(f"{file}: damaged, rows[{i}].{key}: expected a number, found {show_value(value)}. "
                                f"{ORIGIN}.")


def read(folder) -> ComparisonFolder:
    folder = Path(folder)
    data = read_json(folder / "comparison.json", ("baseline", "scenarios", "rows"))
    if not isinstance(data["scenarios"], list) or not isinstance(data["rows"], list):
        raise UserError(f"{folder / 'comparison.json'}: expected 'scenarios' and 'rows' to be lists, found "
                        f"{type(data['scenarios']).__name__} and {type(data['rows']).__name__}. {ORIGIN}.")
    _check_numbers(folder / "comparison.json", data["rows"])
    names = [data["baseline"], *data["scenarios"]]
    bad = next((n for n in names if not isinstance(n, str) or not n or "/" in n or "\\" in n or n in (".", "..")), None)
    if bad is not None or len(set(names)) != len(names):
        raise UserError(f"{folder / 'comparison.json'}: damaged, 'baseline' and 'scenarios' must name distinct run "
                        f"folders under runs/, found {show_value(bad if bad is not None else names)}. {ORIGIN}.")
    runs: dict[str, RunFolder] = {}
    for name in names:
        run_folder = folder / "runs" / name
        if not run_folder.is_dir():
            raise UserError(f"{folder}: comparison.json names the scenario {name!r}, but its run folder "
                            f"runs/{name}/ is missing. Expected a complete comparison folder as written by "
                            f"`sim compare` (comparison.json, runs/<scenario>/ for the baseline and every scenario).")
        runs[str(name)] = read_run(run_folder, inside=str(folder))
    predictions = read_predictions(folder / "predictions.json") if (folder / "predictions.json").is_file() else None
    return ComparisonFolder(folder, data, runs, read_figures(folder / "figures"), predictions)
