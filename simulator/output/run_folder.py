"""Run folders: everything a run produced, written once into a new folder that never overwrites anything.

The folder is assembled under a hidden temporary name beside its destination and renamed into place at the end,
so a crash never leaves a half-written run that looks complete.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import sys
from pathlib import Path

import numpy as np

from ..errors import UserError

DEFAULT_ROOT = Path("outputs")  # relative to where `sim` is run, like any CLI output
VERSIONED = ("numpy", "pandas", "pyarrow", "mesa", "matplotlib", "yaml", "click")


def choose_folder(scenario_name: str, out: str | None) -> Path:
    """The run folder: `out` if given and new, else outputs/<scenario>/<timestamp>[-n]/."""
    if out is not None:
        folder = Path(out)
        if folder.exists():
            raise UserError(f"--out {folder}: this path already exists. Runs never overwrite earlier results; expected "
                            f"a new folder name, found an existing {'folder' if folder.is_dir() else 'file'}.")
        return folder
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    folder = DEFAULT_ROOT / scenario_name / stamp
    n = 2
    while folder.exists():
        folder = DEFAULT_ROOT / scenario_name / f"{stamp}-{n}"
        n += 1
    return folder


def versions() -> dict:
    from importlib import metadata

    from .. import __version__

    out = {"simulator": __version__, "python": platform.python_version()}
    for module in VERSIONED:
        dist = {"yaml": "pyyaml"}.get(module, module)
        try:
            out[module] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[module] = "not installed"
    return out


def manifest(run) -> dict:
    scenario, model = run.scenario, run.model
    return {
        "scenario": scenario.name,
        "title": scenario.title,
        "scenario_files": [{"path": str(f), "sha256": _sha256(f)} for f in scenario.files],
        "scenario_sha256": scenario.digest(),
        "seed": model.seed,
        "worlds": model.worlds,
        "weeks": model.weeks,
        "start_date": model.calendar.start.isoformat(),
        "parameters": {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in model.p.items()},
        "parameter_overrides": {k: (v.tolist() if isinstance(v, np.ndarray) else v)
                                for k, v in scenario.parameters.items()},
        "events": [{"name": e.name, "description": e.description, "action": e.action, "week": e.week,
                    "repeat": e.repeat, "every": e.every,
                    "when": None if e.when is None else vars(e.when), "options": e.options} for e in scenario.events],
        "versions": versions(),
        "run_seconds": round(run.seconds, 4),
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "command": sys.argv,
        "platform": platform.platform(),
    }


def write_run(run, folder: Path, summary: dict, story: str, events, csv: bool = False, figures: bool = True,
              predictions: dict | None = None) -> Path:
    """Write the run into `folder` (which must not exist yet) and return it."""
    import pandas as pd

    from .summary import summary_rows

    folder = Path(folder)
    staging = folder.parent / f".{folder.name}.partial-{os.getpid()}"
    staging.mkdir(parents=True)
    try:
        model = run.model
        series = model.timeseries()
        series.to_parquet(staging / "timeseries.parquet", index=False)
        events.to_parquet(staging / "events.parquet", index=False)
        if csv:
            series.to_csv(staging / "timeseries.csv", index=False)
            events.to_csv(staging / "events.csv", index=False)
        (staging / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
        pd.DataFrame(summary_rows(summary)).to_csv(staging / "summary.csv", index=False)
        (staging / "story.txt").write_text(story + "\n")
        (staging / "manifest.json").write_text(json.dumps(manifest(run), indent=2, default=str) + "\n")
        if predictions is not None:
            (staging / "predictions.json").write_text(json.dumps(predictions, indent=2) + "\n")
        if figures:
            from .figures import write_figures

            write_figures(model, staging / "figures", f"{run.scenario.name}: {run.scenario.title}")
        if folder.exists():
            raise UserError(f"{folder}: appeared while the run was being written; nothing was overwritten.")
        staging.rename(folder)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return folder


def _sha256(path) -> str:
    import hashlib

    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
