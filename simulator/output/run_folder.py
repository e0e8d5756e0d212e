"""The run folder: the one place that writes and reads what a run produced.

Written once into a new folder that never overwrites anything: assembled under a hidden temporary name beside its
destination and renamed into place at the end, so a crash never leaves a half-written run that looks complete.
The manifest records everything a reader needs, so nothing is reconstructed or re-parsed later: the resolved
scenario with its title and description, the parameter values at week 0 and those changed by the end, seed and
versions, and the story of the typical world as records (story.txt is rendered from them).

    folder/
      manifest.json        what ran, with what, and the story records
      summary.json/.csv    per metric and per outcome, over worlds
      story.txt            the story, rendered for reading
      timeseries.parquet   one row per (world, week), week 0 first
      events.parquet       what happened, per world and week
      predictions.json     predictions revealed against the run (sim run --predictions)
      figures/*.png        median and bands over time
      figures.pending      while the figures are still being drawn after `sim run` returned (process id inside)
      figures.failed       instead of figures/, if drawing them failed after `sim run` returned (the reason inside)

`sim run` in a terminal returns once the tables are in place and its figure process adds figures/ a few seconds
later, itself renamed into place whole (`place_figures`); readers wait for it (`wait_for_figures`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import UserError
from ..files import check_parquet, check_writable, read_json, read_parquet
from .figure_worker import TIMEOUT_SECONDS, DetachedFigures, FiguresFailed

DEFAULT_ROOT = Path("outputs")  # relative to where `sim` is run, like any CLI output
VERSIONED = ("numpy", "pandas", "pyarrow", "mesa", "matplotlib", "yaml", "click")
REQUIRED = ("manifest.json", "summary.json", "timeseries.parquet", "events.parquet", "story.txt")
EVENT_COLUMNS = ["world", "week", "actor", "kind", "description"]
MANIFEST_KEYS = ("scenario", "seed", "worlds", "weeks", "start_date", "parameters", "story")
PENDING, FAILED = "figures.pending", "figures.failed"
ORIGIN = "Expected a folder written by `sim run` (manifest.json, summary.json, ...) or by `sim compare` " \
         "(comparison.json and runs/)"


# ------------------------------------------------------------------------------------------------------ writing
def choose_folder(scenario_name: str, out: str | None) -> Path:
    """The run folder: `out` if given and new, else outputs/<scenario>/<timestamp>[-n]/."""
    if out is not None:
        folder = Path(out)
        if folder.exists():
            raise UserError(f"--out {folder}: this path already exists. Runs never overwrite earlier results; expected "
                            f"a new folder name, found an existing {'folder' if folder.is_dir() else 'file'}.")
        check_writable(folder)
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


def _plain(value):
    return value.tolist() if isinstance(value, np.ndarray) else value


def manifest(run, story: dict) -> dict:
    scenario, model = run.scenario, run.model
    start = {k: _plain(v) for k, v in model.initial_parameters.items()}
    changed = {k: _plain(v) for k, v in model.p.items()
               if not np.array_equal(np.asarray(v), np.asarray(model.initial_parameters[k]))}
    return {
        "scenario": scenario.name,
        "title": scenario.title,
        "description": scenario.description,
        "scenario_files": [{"path": str(f), "sha256": _sha256(f)} for f in scenario.files],
        "scenario_sha256": scenario.digest(),
        "resolved_scenario": scenario.to_dict(),
        "seed": model.seed,
        "worlds": model.worlds,
        "weeks": model.weeks,
        "start_date": model.calendar.start.isoformat(),
        "parameters": start,
        "parameters_at_end": changed,
        "parameter_overrides": {k: _plain(v) for k, v in scenario.parameters.items()},
        "story": story,
        "versions": versions(),
        "run_seconds": round(run.seconds, 4),
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": sys.argv,
        "platform": platform.platform(),
    }


def write_run(run, folder: Path, summary: dict, story: dict, events, csv: bool = False, figures=True,
              predictions: dict | None = None) -> Path:
    """Write the run into `folder` (which must not exist yet) and return it (see RunWriter.finish)."""
    return RunWriter(run, folder, events, csv).finish(summary, story, figures, predictions)


class RunWriter:
    """One run folder being written, under a hidden name beside it: the tables start at once, in a thread (pyarrow
    writes without holding the GIL, so they take little from the summary and story computed meanwhile: 0.1 s of
    `sim run` here), and `finish` adds the rest and renames the folder into place; `abandon` if there is no rest."""

    def __init__(self, run, folder: Path, events, csv: bool = False):
        import threading

        self.run, self.folder = run, Path(folder)
        self.staging = self.folder.parent / f".{self.folder.name}.partial-{os.getpid()}"
        self.staging.mkdir(parents=True)
        self.error = None
        self.thread = threading.Thread(target=self._tables, args=(events, csv), name="sim-tables", daemon=True)
        self.thread.start()

    def _tables(self, events, csv: bool) -> None:
        from .columns import write_parquet

        try:
            model = self.run.model
            series = model.recorder.columns(model.world_ids, model.calendar)
            # numbers only: dictionary pages would cost 3x the writing time and 25% more bytes (1,000 worlds x 104
            # weeks: 0.40 s and 14.8 MB with them, 0.12 s and 11.8 MB without)
            write_parquet(self.staging / "timeseries.parquet", series, use_dictionary=False)
            write_parquet(self.staging / "events.parquet", events)
            if csv:
                import pandas as pd

                pd.DataFrame(series).to_csv(self.staging / "timeseries.csv", index=False)
                pd.DataFrame(events).to_csv(self.staging / "events.csv", index=False)
        except Exception as err:  # noqa: BLE001 - raised again by finish()
            self.error = err

    def finish(self, summary: dict, story: dict, figures=True, predictions: dict | None = None) -> Path:
        """Write the rest, rename the folder into place and return it. `figures`: True draws them here, a
        `figure_worker.BackgroundFigures` started for this run collects them from its processes, a
        `figure_worker.DetachedFigures` hands them to a process that adds them after this returns, False skips
        them.
        If the figures cannot be drawn, the folder is written without them and FiguresFailed is raised afterwards."""
        from .story import render

        run, folder, staging = self.run, self.folder, self.staging
        try:
            self.thread.join()
            if self.error is not None:
                raise self.error
            (staging / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
            _write_summary_csv(staging / "summary.csv", summary)
            (staging / "story.txt").write_text(render(story) + "\n")
            (staging / "manifest.json").write_text(json.dumps(manifest(run, story), indent=2, default=str) + "\n")
            if predictions is not None:
                (staging / "predictions.json").write_text(json.dumps(predictions, indent=2) + "\n")
            failed = None
            if isinstance(figures, DetachedFigures):
                mark_figures_pending(staging, os.getpid(), figures.token)  # until the figure process takes over
            elif figures:
                failed = _draw_figures(figures, staging / "figures", run)
            if folder.exists():
                raise UserError(f"{folder}: appeared while the run was being written; nothing was overwritten.")
            staging.rename(folder)
        finally:
            self.abandon()
        if isinstance(figures, DetachedFigures):
            figures.start(folder)
        if failed is not None:
            raise FiguresFailed(f"{folder}/ is written, but without its figures: they could not be drawn "
                                f"({failed}).") from failed
        return folder

    def abandon(self) -> None:
        """Remove what was written, unless it is in place already."""
        self.thread.join()
        if self.staging.exists():
            shutil.rmtree(self.staging)


def _draw_figures(figures, target: Path, run):
    """Draw the run's figures into `target` here (figures=True) or collect them from a BackgroundFigures; the
    FiguresFailed if they could not be drawn, else None."""
    try:
        if figures is True:
            from .figures import write_figures

            write_figures(run.model, target, f"{run.scenario.name}: {run.scenario.title}")
        else:
            figures.finish(target)
    except FiguresFailed as err:
        return err
    except Exception as err:  # noqa: BLE001 - the tables are kept; the user is told
        failed = FiguresFailed(f"{type(err).__name__}: {err}")
        failed.__cause__ = err
        return failed
    return None


def _write_summary_csv(path: Path, summary: dict) -> None:
    """summary.csv: summary.json flattened (summary.summary_rows)."""
    from .columns import write_csv
    from .summary import summary_rows

    write_csv(path, summary_rows(summary))


def _sha256(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# ------------------------------------------------------------------------------------------------------ reading
@dataclass
class RunFolder:
    """A run folder read back: manifest, summary and figures at once; the Parquet tables when asked for."""

    folder: Path
    manifest: dict
    summary: dict
    figures: dict = field(default_factory=dict)  # file name -> Path
    predictions: dict | None = None
    figures_problem: str | None = None  # why figures/ is missing although it was to be drawn

    @property
    def name(self) -> str:
        return str(self.manifest["scenario"])

    @property
    def title(self) -> str:
        return str(self.manifest.get("title") or "")

    @property
    def description(self) -> str:
        return str(self.manifest.get("description") or "")

    @property
    def story(self) -> dict:
        return self.manifest["story"]

    @property
    def events_declared(self) -> list[dict]:
        """The scenario's events as resolved for the run (parents first)."""
        return list((self.manifest.get("resolved_scenario") or {}).get("events") or [])

    @property
    def start(self) -> dt.date:
        return dt.date.fromisoformat(str(self.manifest["start_date"]))

    def timeseries(self, columns: list[str] | None = None):
        """timeseries.parquet (only `columns`, with world and week, if given)."""
        wanted = None if columns is None else ["world", "week", *columns]
        return read_parquet(self.folder / "timeseries.parquet", wanted or ["world", "week"], all_columns=wanted is None)

    def events(self):
        """events.parquet (every run writes it, with no rows when nothing happened)."""
        return read_parquet(self.folder / "events.parquet", EVENT_COLUMNS)


def read_run(folder, inside: str = "") -> RunFolder:
    """The run folder at `folder`, checked; `inside` names the comparison folder it belongs to, for messages."""
    folder = Path(folder)
    origin = f"the comparison folder {inside} (written by `sim compare`)" if inside else "`sim run` or `sim compare`"
    for name in REQUIRED:
        if not (folder / name).is_file():
            raise UserError(f"{folder}: the file {name} is missing. Expected a complete run folder "
                            f"({', '.join(REQUIRED)}) as written by {origin}; point to the folder it created or run "
                            f"the scenario again.")
    manifest = read_json(folder / "manifest.json", MANIFEST_KEYS)
    summary = read_json(folder / "summary.json", ("metrics", "outcomes"))
    _check_manifest(folder / "manifest.json", manifest)
    weeks, worlds = int(manifest["weeks"]), int(manifest["worlds"])
    check_parquet(folder / "timeseries.parquet", ["world", "week"], rows=worlds * (weeks + 1))
    check_parquet(folder / "events.parquet", EVENT_COLUMNS)
    predictions = read_predictions(folder / "predictions.json") if (folder / "predictions.json").is_file() else None
    problem = wait_for_figures(folder)
    return RunFolder(folder, manifest, summary, read_figures(folder / "figures"), predictions, problem)


def _check_manifest(path: Path, manifest: dict) -> None:
    """The manifest values a reader relies on have their written types (a hand-edited or damaged file may not)."""
    def whole(value) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0

    problems = [k for k in ("worlds", "weeks", "seed") if not whole(manifest[k])]
    problems += [k for k in ("parameters", "story") if not isinstance(manifest[k], dict)]
    try:
        start = dt.date.fromisoformat(str(manifest["start_date"]))
    except ValueError:
        problems.append("start_date")
    else:
        if not problems:
            from ..scenario.loader import check_dates

            check_dates(start, manifest["weeks"], f"{path}: damaged, start_date and weeks")
    if problems:
        raise UserError(f"{path}: damaged, the value{'s' if len(problems) > 1 else ''} of {', '.join(problems)} "
                        f"{'are' if len(problems) > 1 else 'is'} not what `sim run` writes (whole numbers for "
                        f"worlds, weeks and seed, objects for parameters and story, an ISO date for start_date). "
                        f"Expected the manifest as written by `sim run`; produce the folder again.")


# ---------------------------------------------------------------------------------- figures drawn after `sim run`
def mark_figures_pending(folder: Path, pid: int, token: str) -> None:
    """Say in the run folder that process `pid` is drawing its figures for the hand-over `token`, to add them as
    figures/ (the mark replaced whole: a reader never sees half of it). The process's start time goes with its id, so
    a later process given the same id is not taken for it."""
    partial = Path(folder) / f".{PENDING}.{os.getpid()}"
    partial.write_text(json.dumps({"pid": pid, "started": _started(pid), "token": token}) + "\n")
    os.replace(partial, Path(folder) / PENDING)


def _pending_mark(folder: Path) -> dict | None:
    """The figures.pending mark, None if there is none; {} if it is not one that `sim run` writes."""
    try:
        mark = json.loads((Path(folder) / PENDING).read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {}
    ok = (isinstance(mark, dict) and type(mark.get("pid")) is int and 0 < mark["pid"] < 2**31
          and isinstance(mark.get("token"), str))
    return mark if ok else {}


def place_figures(folder: Path, drawn: Path, token: str) -> None:
    """Rename `drawn`, a folder of PNGs inside the run folder, to figures/ and remove the pending mark; only while
    the folder carries this hand-over's `token` (one deleted meanwhile is not made again, nor one put in its place
    written into)."""
    folder = Path(folder)
    if (_pending_mark(folder) or {}).get("token") != token:
        return
    os.rename(drawn, folder / "figures")
    (folder / PENDING).unlink(missing_ok=True)


def figures_failed(folder: Path, reason: str, token: str) -> None:
    """Record in the run folder why its figures were not drawn, in place of the pending mark (only while it carries
    this hand-over's `token`)."""
    folder = Path(folder)
    if (_pending_mark(folder) or {}).get("token") != token:
        return
    (folder / FAILED).write_text(reason.rstrip() + "\n")
    (folder / PENDING).unlink(missing_ok=True)


def wait_for_figures(folder: Path, timeout: float = TIMEOUT_SECONDS) -> str | None:
    """Wait while the run's figures are still being drawn (saying so on stderr after a second); None once they are
    there (or were never to be drawn), else why they are missing."""
    import time

    folder = Path(folder)
    started, told = time.monotonic(), False
    while (mark := _pending_mark(folder)) is not None:
        if not mark:
            return f"{folder / PENDING} is damaged (expected the id of the process drawing them, as sim run writes it)"
        pid = mark["pid"]
        if not _running(pid, mark.get("started")):
            if _pending_mark(folder) is None:  # placed just now
                break
            return (f"the process drawing them (process {pid}) stopped before it had finished (interrupted or "
                    f"killed); run the scenario again to have them")
        if time.monotonic() - started > timeout:
            return f"they were still being drawn (by process {pid}) after {timeout:.0f} s"
        if not told and time.monotonic() - started > 1.0:
            print(f"Waiting for the figures of {folder} (being drawn by process {pid})...", file=sys.stderr)
            told = True
        time.sleep(0.05)
    if (folder / FAILED).is_file():
        return (folder / FAILED).read_text().strip()
    return None


def _running(pid: int, started=None) -> bool:
    """Whether process `pid` is alive and the one that started at `started` (if known): an exited child not yet
    reaped by its parent counts as gone, and so does a later process given the same id."""
    if os.name != "posix":
        return True  # no cheap check elsewhere: the wait's timeout applies
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError, ValueError):
        return False
    except PermissionError:
        pass
    stat = _stat(pid)
    if stat is None:
        return True  # no /proc: alive as far as can be told
    return stat[0] != "Z" and (started is None or stat[19] == started)


def _stat(pid: int) -> list[str] | None:
    """Fields 3 onwards of /proc/<pid>/stat (state first; the start time is [19]), None without /proc."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def _started(pid: int) -> str | None:
    stat = _stat(pid)
    return stat[19] if stat is not None and len(stat) > 19 else None


def read_figures(folder: Path) -> dict:
    if not folder.is_dir():
        return {}
    return {p.name: p for p in sorted(folder.glob("*.png")) if _is_png(p)}


def _is_png(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(8) == b"\x89PNG\r\n\x1a\n"


def read_predictions(path: Path) -> dict:
    data = read_json(path)
    for key in ("entries", "reveal"):
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(x, dict) for x in value):
            raise UserError(f"{path}: expected '{key}' to be a list of objects, found {value!r:.80}. Expected a "
                            f"predictions file as written by `sim predict` and `sim run --predictions`.")
        data[key] = value
    return data
