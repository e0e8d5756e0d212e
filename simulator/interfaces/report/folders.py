"""Reading the folders a report is built from: a run folder (`sim run`) or a comparison folder (`sim compare`).

Everything the report needs is read and checked here, so a missing or broken file becomes one UserError that names
the folder, the file, and what was expected, before any HTML is written.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import UserError
from ...model.metrics import LEVERAGE_METRICS

RUN_FILES = ("manifest.json", "summary.json", "timeseries.parquet", "story.txt")
ORIGIN = "Expected a folder written by `sim run` (manifest.json, summary.json, ...) or by `sim compare` " \
         "(comparison.json and runs/)"


@dataclass
class Run:
    """One run folder: its manifest, summary, story, the leverage indices per world and week, and its figures."""

    folder: Path
    manifest: dict
    summary: dict
    story: str
    leverage: "object"  # pandas DataFrame: world, week and the four leverage metrics
    events: "object | None" = None  # pandas DataFrame of events.parquet, or None if absent
    figures: dict = field(default_factory=dict)  # file name -> Path

    @property
    def name(self) -> str:
        return str(self.manifest.get("scenario", self.folder.name))


@dataclass
class Comparison:
    folder: Path
    data: dict  # comparison.json
    runs: dict  # scenario name -> Run, the baseline first
    figures: dict = field(default_factory=dict)

    @property
    def baseline(self) -> str:
        return self.data["baseline"]

    @property
    def scenarios(self) -> list[str]:
        return list(self.data["scenarios"])


def load(folder) -> tuple[Run | Comparison, dict | None]:
    """The run or comparison in `folder`, and its predictions.json (or None)."""
    folder = Path(folder)
    if not folder.exists():
        raise UserError(f"{folder}: no such folder. {ORIGIN}.")
    if not folder.is_dir():
        raise UserError(f"{folder}: this is a file, not a folder. {ORIGIN}.")
    if (folder / "comparison.json").is_file():
        result = load_comparison(folder)
    elif (folder / "manifest.json").is_file() or (folder / "summary.json").is_file():
        result = load_run(folder)
    else:
        found = sorted(p.name for p in folder.iterdir())[:8]
        raise UserError(f"{folder}: not a results folder: it has neither manifest.json and summary.json (a run folder) "
                        f"nor comparison.json (a comparison folder); found "
                        f"{', '.join(found) if found else 'an empty folder'}. {ORIGIN}.")
    predictions_file = folder / "predictions.json"
    predictions = _predictions(predictions_file) if predictions_file.is_file() else None
    return result, predictions


def load_run(folder: Path, inside: str = "") -> Run:
    """A run folder; `inside` names the comparison folder it belongs to, for messages."""
    origin = f"the comparison folder {inside} (written by `sim compare`)" if inside else "`sim run` or `sim compare`"
    for name in RUN_FILES:
        if not (folder / name).is_file():
            raise UserError(f"{folder}: the file {name} is missing. A report needs a complete run folder "
                            f"({', '.join(RUN_FILES)}) as written by {origin}; point to the folder it created "
                            f"or run the scenario again.")
    manifest = _json(folder / "manifest.json", dict, ("scenario", "seed", "worlds", "weeks", "start_date"))
    summary = _json(folder / "summary.json", dict, ("metrics", "outcomes"))
    story = (folder / "story.txt").read_text(encoding="utf-8", errors="replace").rstrip()
    leverage = _parquet(folder / "timeseries.parquet", ["world", "week", *LEVERAGE_METRICS])
    events = None
    if (folder / "events.parquet").is_file():
        try:
            events = _parquet(folder / "events.parquet", ["world", "week", "actor", "kind", "description"])
        except UserError:
            events = None  # optional: only used to say how often a triggered lever fired
    return Run(folder, manifest, summary, story, leverage, events, _figures(folder / "figures"))


def load_comparison(folder: Path) -> Comparison:
    data = _json(folder / "comparison.json", dict, ("baseline", "scenarios", "rows"))
    if not isinstance(data["scenarios"], list) or not isinstance(data["rows"], list):
        raise UserError(f"{folder / 'comparison.json'}: expected 'scenarios' and 'rows' to be lists, found "
                        f"{type(data['scenarios']).__name__} and {type(data['rows']).__name__}. {ORIGIN}.")
    runs = {}
    for name in [data["baseline"], *data["scenarios"]]:
        run_folder = folder / "runs" / str(name)
        if not run_folder.is_dir():
            raise UserError(f"{folder}: comparison.json names the scenario {name!r}, but its run folder "
                            f"runs/{name}/ is missing. Expected a complete comparison folder as written by "
                            f"`sim compare` (comparison.json, runs/<scenario>/ for the baseline and every scenario).")
        runs[str(name)] = load_run(run_folder, inside=str(folder))
    return Comparison(folder, data, runs, _figures(folder / "figures"))


def scenario_text(run: Run) -> dict:
    """Title and description of the scenario, read from its files if they still exist.

    Returns {"title", "description", "note"}; the note says when the files are gone or changed since the run.
    """
    manifest = run.manifest
    title, description, notes = manifest.get("title") or "", "", []
    entries = manifest.get("scenario_files") or []
    # The scenario's own file comes last; a key it does not set is inherited from the files it extends.
    for entry in reversed(entries):
        path = _find_scenario_file(entry, run.folder)
        shown = entry.get("path") if isinstance(entry, dict) else entry
        if path is None:
            notes.append(f"the scenario file {shown} no longer exists")
            continue
        if isinstance(entry, dict) and entry.get("sha256") and _sha256(path) != entry["sha256"]:
            notes.append(f"{shown} has changed since the run (its SHA-256 differs); its text is shown as it reads now")
        try:
            import yaml

            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except Exception as err:  # a broken file here only costs the description, not the report
            notes.append(f"{shown} could not be read ({type(err).__name__})")
            continue
        if isinstance(data, dict):
            if not description and isinstance(data.get("description"), str):
                description = data["description"].strip()
            if not title and isinstance(data.get("title"), str):
                title = data["title"].strip()
    return {"title": title, "description": description, "note": "; ".join(notes)}


def _find_scenario_file(entry, folder: Path) -> Path | None:
    from ...shipped import data_root

    raw = entry.get("path") if isinstance(entry, dict) else entry
    if not raw:
        return None
    p = Path(raw)
    candidates = [p] if p.is_absolute() else [Path.cwd() / p, data_root() / p, *(a / p for a in folder.parents)]
    existing = [c for c in candidates if c.is_file()]
    wanted = entry.get("sha256") if isinstance(entry, dict) else None
    for c in existing:  # prefer the file the run actually read
        if wanted and _sha256(c) == wanted:
            return c
    return existing[0] if existing else None


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _json(path: Path, kind: type, keys: tuple = ()) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise UserError(f"{path}, line {err.lineno}: not valid JSON ({err.msg}). Expected the file as written by "
                        f"`sim run` or `sim compare`; produce the folder again.") from None
    except (OSError, UnicodeDecodeError) as err:
        raise UserError(f"{path}: could not be read ({err}). Expected the file as written by `sim run` or "
                        f"`sim compare`.") from None
    if not isinstance(data, kind):
        raise UserError(f"{path}: expected a JSON {'object' if kind is dict else 'list'}, found "
                        f"{type(data).__name__}. Expected the file as written by `sim run` or `sim compare`.")
    missing = [k for k in keys if k not in data]
    if missing:
        raise UserError(f"{path}: the key{'s' if len(missing) > 1 else ''} {', '.join(repr(k) for k in missing)} "
                        f"{'are' if len(missing) > 1 else 'is'} missing; found {', '.join(map(repr, data)) or 'none'}. "
                        f"Expected the file as written by `sim run` or `sim compare`.")
    return data


def _parquet(path: Path, columns: list[str]):
    import pandas as pd
    import pyarrow.parquet as pq

    try:
        present = set(pq.read_schema(path).names)
    except Exception as err:
        raise UserError(f"{path}: not a readable Parquet file ({type(err).__name__}: {err}). Expected the file as "
                        f"written by `sim run` or `sim compare`.") from None
    missing = [c for c in columns if c not in present]
    if missing:
        raise UserError(f"{path}: the column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
                        f"{'are' if len(missing) > 1 else 'is'} missing. Expected a time series as written by "
                        f"`sim run` or `sim compare` (one row per world and week, one column per metric).")
    return pd.read_parquet(path, columns=columns)


def _figures(folder: Path) -> dict:
    if not folder.is_dir():
        return {}
    return {p.name: p for p in sorted(folder.glob("*.png")) if _is_png(p)}


def _is_png(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(8) == b"\x89PNG\r\n\x1a\n"


def _predictions(path: Path) -> dict:
    data = _json(path, dict)
    for key in ("entries", "reveal"):
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(x, dict) for x in value):
            raise UserError(f"{path}: expected '{key}' to be a list of objects, found {value!r:.80}. Expected a "
                            f"predictions file as written by `sim predict` and `sim run --predictions`.")
        data[key] = value
    return data
