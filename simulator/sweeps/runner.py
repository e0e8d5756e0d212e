"""Run a sweep into its folder: plan chunks, skip finished ones on --resume, run the rest, report what failed."""

from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UserError
from .folder import SweepFolder
from .worker import ChunkTask

# Settings that must match between a sweep folder and a --resume of it.
RESUME_KEYS = ("sweep_sha256", "design", "samples", "replications", "seed", "weeks", "points", "chunk_worlds")


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
        "sweep_sha256": spec.digest(), "scenario": spec.scenario.name,
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
    """The folder, manifest and design of a new or resumed sweep."""
    import pandas as pd

    folder = SweepFolder(out)
    manifest = manifest_for(spec, chunk_worlds or spec.chunk_worlds)
    existing = folder.manifest()
    if resume:
        if existing is None:
            raise UserError(f"--resume {folder.path}: no sweep was started there (no manifest.json). Expected the "
                            f"folder of an interrupted sweep; drop --resume to start a new one.")
        if chunk_worlds is None:
            manifest["chunk_worlds"], manifest["chunks"] = existing["chunk_worlds"], existing["chunks"]
        changed = [k for k in RESUME_KEYS if existing.get(k) != manifest.get(k)]
        if changed:
            raise UserError(f"--resume {folder.path}: the sweep has changed since this folder was started "
                            f"({', '.join(changed)} differ); resuming would mix results. Expected the same sweep file "
                            f"and options, or a new --out folder.")
        return folder, existing
    if folder.path.exists():
        raise UserError(f"--out {folder.path}: this folder already exists. Expected a new folder, or --resume "
                        f"to finish the sweep that was started there; nothing was overwritten.")
    design = spec.sample()
    frame = pd.DataFrame({"point": range(len(design)),
                          **{n: design[:, j] for j, n in enumerate(spec.problem["names"])}})
    folder.create(manifest, frame)
    return folder, manifest


def plan(spec, folder: SweepFolder, manifest: dict) -> list[ChunkTask]:
    """Tasks for the chunks not finished yet."""
    design = folder.design()[spec.problem["names"]].to_numpy()
    size, total, r = manifest["chunk_worlds"], manifest["worlds"], spec.replications
    finished = folder.finished()
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
              resume: bool = False, chunk_worlds: int | None = None, progress=None) -> SweepReport:
    """Run every unfinished chunk; progress(worlds_done_now, worlds_total_now) is called as chunks finish."""
    from . import executors

    folder, manifest = prepare(spec, out, resume, chunk_worlds)
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
    if scheduler or local_cluster:
        executors.run_dask(tasks, done, address=scheduler, local_workers=local_cluster or workers)
    elif workers == 1 or len(tasks) <= 1:
        executors.run_in_process(tasks, done)
    else:
        for task in tasks:
            task.write_to = str(folder.path)  # local workers share this disk
        executors.run_local_pool(tasks, done, workers)
    report.seconds = time.perf_counter() - started
    report.failed.update({i: e for i, e in folder.failed().items() if i not in report.failed})
    return report
