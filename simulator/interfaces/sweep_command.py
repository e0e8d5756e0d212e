"""What `sim sweep` does around the runner: checks, a progress bar with worlds per second, and the closing lines."""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

import click

from ..errors import UserError


def _check_count(value, option: str) -> None:
    if value is not None and value < 1:
        raise UserError(f"command line, option {option}: expected a whole number of at least 1, found {value}.")


def _resume_command(sweep_file, out, workers, scheduler, local_cluster) -> str:
    """The command that finishes this sweep, with the options that chose where it runs."""
    where = (f" --scheduler {scheduler}" if scheduler else f" --local-cluster {local_cluster}" if local_cluster
             else f" --workers {workers}" if workers else "")
    return f"sim sweep {sweep_file} --out {out} --resume{where}"


def run_sweep_command(sweep_file, out, workers, scheduler, local_cluster, resume, chunk_worlds,
                      worker_timeout=None) -> int:
    from ..sweeps import spec as specs
    from ..sweeps.executors import ClusterLost
    from ..sweeps.runner import run_sweep

    for value, option in ((workers, "--workers"), (local_cluster, "--local-cluster"), (chunk_worlds, "--chunk-worlds")):
        _check_count(value, option)
    if worker_timeout is not None and not 0 < worker_timeout < 1e9:  # NaN fails too
        raise UserError(f"command line, option --worker-timeout: expected a number of seconds above 0, found "
                        f"{worker_timeout}.")
    if scheduler and local_cluster:
        raise UserError("command line: --scheduler and --local-cluster both given; expected one of them (an existing "
                        "Dask cluster, or a local one started for this run).")
    if resume and out is None:
        raise UserError("command line, option --resume: expected --out DIR naming the folder of the interrupted sweep.")
    spec = specs.load(sweep_file)
    if out is None:
        out = Path("outputs") / "sweeps" / spec.name / dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    if not resume and not Path(out).exists():
        from ..files import check_writable

        check_writable(Path(out))  # before anything is printed (the runner checks again, for library callers)
    where = f"Dask scheduler {scheduler}" if scheduler else (
        f"a local Dask cluster of {local_cluster} workers" if local_cluster else f"{workers or 'all'} local cores")
    click.echo(f"{spec.name}: {spec.design} design, {spec.points:,} points x {spec.replications:,} replications = "
               f"{spec.worlds:,} worlds of {spec.weeks} weeks, on {where}")
    try:
        with _Progress(spec.name) as progress:
            report = run_sweep(spec, out, workers, scheduler, local_cluster, resume, chunk_worlds, progress=progress,
                               on_notice=lambda text: click.echo(text, err=True), worker_timeout=worker_timeout)
    except (KeyboardInterrupt, ClusterLost) as stop:
        from ..sweeps.folder import SweepFolder

        saved = SweepFolder(out).saved()
        why = "Interrupted" if isinstance(stop, KeyboardInterrupt) else f"Stopped: {stop}"
        click.echo(f"{why}. {saved} finished chunks are saved in {out}/. Finish with: "
                   f"{_resume_command(sweep_file, out, workers, scheduler, local_cluster)}", err=True)
        return 130 if isinstance(stop, KeyboardInterrupt) else 1
    rate = report.worlds / report.seconds if report.seconds else 0.0
    click.echo(f"{report.ran} chunks run, {report.skipped} already finished, {report.worlds:,} worlds in "
               f"{report.seconds:.1f} s ({rate:,.0f} worlds/s). Results: {report.folder}/")
    if report.failed:
        first = sorted(report.failed)[:5]
        click.echo(f"{len(report.failed)} chunks failed (errors in {report.folder}/failures/), e.g. chunk {first[0]}: "
                   f"{report.failed[first[0]]}", err=True)
        click.echo(f"Fix the cause, then retry only the missing chunks: "
                   f"{_resume_command(sweep_file, report.folder, workers, scheduler, local_cluster)}", err=True)
        return 1
    click.echo(f"Analyse with: sim analyze {report.folder} --method summary")
    return 0


class _Progress:
    """A rich progress bar on stderr showing worlds done, worlds per second and time remaining."""

    def __init__(self, name: str):
        self.name = name
        self.bar = None

    def __enter__(self):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                            TextColumn("worlds, {task.fields[rate]} worlds/s"), TimeRemainingColumn(),
                            console=Console(file=sys.stderr), transient=True, refresh_per_second=2)
        self.bar.start()
        self.task = None
        self.started = time.perf_counter()
        return self

    def __call__(self, done: int, total: int) -> None:
        if self.task is None:
            self.task = self.bar.add_task(self.name, total=total, rate="-")
        rate = done / max(time.perf_counter() - self.started, 1e-9)
        self.bar.update(self.task, completed=done, rate=f"{rate:,.0f}")

    def __exit__(self, *exc):
        self.bar.stop()
        return False
