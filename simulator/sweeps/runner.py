"""Run a sweep into its folder: plan chunks, skip finished ones on --resume, run the rest, report what failed."""

from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UserError
from .folder import SweepFolder, short_list
from .worker import ChunkTask

# What a --resume may change, by manifest key -> the sweep file's key it comes from. The rule: a finished chunk is never
# mixed with results of other inputs. HARMLESS keys change no result. A change in PARAMETERS changes only the design
# points whose values differ: allowed when none of their worlds is in a finished chunk (the usual fix: a value whose
# chunks all failed). Any other change alters every world, so it is allowed only while no chunk has finished.
HARMLESS = {"sweep": "name", "description": "description", "allow_outside_range": "allow_outside_range"}
PARAMETERS = {"parameters": "parameters"}
EVERY_WORLD = {"scenario_sha256": "scenario", "design": "design", "samples": "samples",
               "replications": "replications", "seed": "seed", "weeks": "weeks", "outcomes": "outcomes",
               "timeseries": "timeseries", "chunk_worlds": "chunk_worlds"}


@dataclass
class SweepReport:
    folder: Path
    chunks: int
    ran: int = 0
    skipped: int = 0
    worlds: int = 0
    seconds: float = 0.0
    failed: dict = field(default_factory=dict)


def manifest_for(spec, chunk_worlds: int) -> dict:
    from ..output.run_folder import versions

    points = spec.points
    return {
        "sweep": spec.name, "description": spec.description, "sweep_file": str(spec.path),
        "sweep_sha256": spec.digest(), "scenario": spec.scenario.name, "scenario_sha256": spec.scenario.digest(),
        "scenario_files": [str(f) for f in spec.scenario.files], "design": spec.design, "problem": spec.problem,
        "samples": spec.samples, "replications": spec.replications, "seed": spec.seed, "weeks": spec.weeks,
        "points": points, "worlds": points * spec.replications, "chunk_worlds": chunk_worlds,
        "chunks": -(-points * spec.replications // chunk_worlds), "calc_second_order": True, "morris_levels": 4,
        "outcomes": {n: o.spec() for n, o in spec.outcomes.items()},
        "timeseries": spec.timeseries, "allow_outside_range": spec.allow_outside_range,
        "parameters": spec.parameters, "versions": versions(),
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def prepare(spec, out, resume: bool, chunk_worlds: int | None):
    """The folder, manifest and design of a new or resumed sweep, a notice ('' or the changes a resume accepted),
    and the folder's lock, to be closed when the sweep ends (SweepFolder.lock)."""
    import json

    from ..files import check_writable

    folder = SweepFolder(out)
    manifest = json.loads(json.dumps(manifest_for(spec, chunk_worlds or spec.chunk_worlds)))  # as stored
    if resume:
        existing = folder.manifest()
        if existing is None:
            raise UserError(f"--resume {folder.path}: no sweep was started there (no manifest.json). Expected the "
                            f"folder of an interrupted sweep; drop --resume to start a new one.")
        held = folder.lock()
        try:
            if chunk_worlds is None:  # the folder's chunking, unless --chunk-worlds asks for another
                manifest["chunk_worlds"] = existing["chunk_worlds"]
                manifest["chunks"] = -(-manifest["worlds"] // manifest["chunk_worlds"])
            notice = _accept_changes(spec, folder, existing, manifest)
        except BaseException:
            held.close()
            raise
        return folder, (manifest if notice else existing), notice, held
    if folder.path.exists():
        raise folder.exists()
    check_writable(folder.path)
    return folder, manifest, "", folder.create(manifest, _design_frame(spec))


def _design_frame(spec):
    import pandas as pd

    design = spec.sample()
    return pd.DataFrame({"point": range(len(design)), **{n: design[:, j] for j, n in enumerate(spec.problem["names"])}})


def _changed(existing: dict, manifest: dict, keys: dict) -> list[str]:
    """The sweep file's keys (with the parameters named) whose values differ between two manifests."""
    out = []
    for key, file_key in keys.items():
        legacy = key == "scenario_sha256" and key not in existing  # an older folder: compare the whole sweep file
        old, new = (existing.get("sweep_sha256"), manifest["sweep_sha256"]) if legacy else \
            (existing.get(key), manifest.get(key))
        if old == new:
            continue
        if key == "parameters" and isinstance(old, dict):
            out += [f"parameters.{n}" for n in dict.fromkeys([*old, *new]) if old.get(n) != new.get(n)]
        elif key == "scenario_sha256":
            out.append(f"scenario (the text of {', '.join(Path(f).name for f in manifest['scenario_files'])})")
        else:
            out.append(f"{file_key} ({_short_value(old)} -> {_short_value(new)})")
    return out


def _short_value(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:30] + "..."


def _accept_changes(spec, folder: SweepFolder, existing: dict, manifest: dict) -> str:
    """'' if the sweep is unchanged; else, when the change touches no finished chunk, rewrite the folder's manifest
    and design for it and return a notice naming the changed keys; else refuse, naming them."""
    harmless = _changed(existing, manifest, HARMLESS)
    every = _changed(existing, manifest, EVERY_WORLD)
    params = _changed(existing, manifest, PARAMETERS)
    if not (harmless or every or params):
        return ""
    finished = folder.finished(existing["chunks"])
    design = _design_frame(spec) if (every or params) else None
    if every or params:
        touched = set(range(existing["chunks"])) if every else _chunks_of_changed_points(
            folder.design(existing), design, existing)
        clash = sorted(touched & finished)
        if clash:
            raise UserError(f"--resume {folder.path}: the sweep file {spec.path} has changed since this folder was "
                            f"started ({'; '.join(every + params)}), and finished chunks {short_list(clash)} were "
                            f"computed with the old values; resuming would mix results of two different sweeps. "
                            f"Expected those keys as they were (a resume may change only the inputs of unfinished "
                            f"chunks, such as a parameter value whose chunks all failed), or a new --out folder; "
                            f"nothing was changed.")
    manifest["created"] = existing.get("created")
    manifest["changes"] = [*existing.get("changes", []), {"keys": every + params + harmless,
                                                         "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}]
    if design is not None:
        folder.write_design(design)
    folder.write_manifest(manifest)
    folder.forget_failures(beyond=manifest["chunks"])
    kept = f"the {len(finished)} finished chunks are kept" if finished else "no chunk had finished"
    return (f"The sweep file has changed since {folder.path} was started: {'; '.join(every + params + harmless)}. "
            f"No finished chunk used the changed inputs ({kept}), so the sweep resumes with the new values.")


def _chunks_of_changed_points(old, new, manifest: dict) -> set[int]:
    """The chunks holding a world of a design point whose parameter values differ between two designs."""
    import numpy as np

    if list(old.columns) != list(new.columns) or len(old) != len(new):
        return set(range(manifest["chunks"]))
    names = [c for c in new.columns if c != "point"]
    points = np.flatnonzero((old[names].to_numpy() != new[names].to_numpy()).any(axis=1))
    r, size = manifest["replications"], manifest["chunk_worlds"]
    return {c for p in points.tolist() for c in range(p * r // size, ((p + 1) * r - 1) // size + 1)}


def plan(spec, folder: SweepFolder, manifest: dict) -> list[ChunkTask]:
    """Tasks for the chunks not finished yet."""
    design = folder.design(manifest)[spec.problem["names"]].to_numpy()
    size, total, r = manifest["chunk_worlds"], manifest["worlds"], spec.replications
    finished = folder.finished(manifest["chunks"])
    scenario = spec.scenario
    tasks = []
    for index in range(manifest["chunks"]):
        if index in finished:
            continue
        start, stop = index * size, min(total, (index + 1) * size)
        first, last = start // r, (stop - 1) // r
        tasks.append(ChunkTask(index, start, stop, r, spec.seed, spec.weeks, scenario.start_date, scenario.events,
                               scenario.parameters, spec.problem["names"], design[first:last + 1], first,
                               spec.outcomes, spec.timeseries, spec.allow_outside_range))
    return tasks


def run_sweep(spec, out, workers: int | None = None, scheduler: str | None = None, local_cluster: int | None = None,
              resume: bool = False, chunk_worlds: int | None = None, progress=None, on_notice=None,
              worker_timeout: float | None = None) -> SweepReport:
    """Run every unfinished chunk; progress(worlds_done_now, worlds_total_now) is called as chunks finish, and
    on_notice(text) with the changes a --resume accepted."""
    import contextlib

    from . import executors

    with executors.connect(scheduler) if scheduler else contextlib.nullcontext() as client:  # refused before any work
        return _run(spec, out, workers, client, local_cluster, resume, chunk_worlds, progress, on_notice,
                    worker_timeout)


def _run(spec, out, workers, client, local_cluster, resume, chunk_worlds, progress, on_notice, worker_timeout):
    folder, manifest, notice, held = prepare(spec, out, resume, chunk_worlds)
    with held:
        return _run_chunks(spec, folder, manifest, notice, workers, client, local_cluster, progress, on_notice,
                           worker_timeout)


def _run_chunks(spec, folder, manifest, notice, workers, client, local_cluster, progress, on_notice, worker_timeout):
    from . import executors

    if notice and on_notice is not None:
        on_notice(notice)
    tasks = plan(spec, folder, manifest)
    report = SweepReport(folder.path, manifest["chunks"], skipped=manifest["chunks"] - len(tasks))
    todo = sum(t.stop - t.start for t in tasks)
    processed = [0]
    started = time.perf_counter()

    def done(task, result, error, trace):
        if error is None:
            index, table, timeseries = result
            if table is not None:  # else the worker saved it
                folder.write_chunk(index, table, timeseries)
            report.worlds += task.stop - task.start
        else:
            folder.write_failure(task.index, error, trace)
            report.failed[task.index] = error
        report.ran += 1
        processed[0] += task.stop - task.start
        if progress is not None:
            progress(processed[0], todo)

    workers = workers or os.cpu_count() or 1
    if client is not None or local_cluster:
        executors.run_dask(tasks, done, client=client, local_workers=local_cluster or workers,
                           worker_timeout=worker_timeout or executors.WORKER_LOSS_SECONDS)
    elif workers == 1 or len(tasks) <= 1:
        executors.run_in_process(tasks, done)
    else:
        for task in tasks:
            task.write_to = str(folder.path)  # local workers share this disk
        executors.run_local_pool(tasks, done, workers)
    report.seconds = time.perf_counter() - started
    report.failed.update({i: e for i, e in folder.failed().items() if i not in report.failed})
    return report
