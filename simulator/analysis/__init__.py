"""Analysis of sweep results: summaries and outcome maps, Sobol indices, Morris screening and PRIM scenario discovery.

Each method lives in its own module and works on plain tables (design values, per-point or per-world outcomes), so
it can be used on any sweep results table; `analyze` is the glue that reads a sweep folder, runs one method and
writes its tables (CSV) and figures (PNG) without overwriting anything.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

from ..errors import UserError, closest
from ..files import check_writable
from ..sweeps.folder import Sweep
from ..sweeps.folder import read as load_sweep
from .results import point_means, resolve_outcome

METHODS = ("summary", "sobol", "morris", "prim")
NEEDS_DESIGN = {"sobol": "sobol", "morris": "morris"}

__all__ = ["METHODS", "Sweep", "analyze", "load_sweep", "point_means"]


def analyze(sweep_dir, method: str = "summary", outcome: str | None = None, threshold: float | None = None,
            out_dir=None) -> tuple[str, list[Path]]:
    """Run one method on a sweep folder; write its CSV tables and PNG figures into SWEEP_DIR/analysis/ (or out_dir),
    never overwriting a file (a re-run gets a numeric suffix: sobol_x-2.csv). Returns the terminal text and the
    files written. outcome: the manifest's first if None. threshold: PRIM only, cases are outcome > threshold (0.5)."""
    if method not in METHODS:
        raise UserError(f"analysis method {method!r} is unknown.{closest(method, METHODS)} Expected one of: "
                        f"{', '.join(METHODS)}.")
    if threshold is not None and not math.isfinite(threshold):
        raise UserError(f"command line, option --threshold: expected a finite number, found {threshold}.")
    if threshold is not None and method != "prim":
        raise UserError(f"threshold {threshold}: only the prim method uses a threshold (cases are outcome > "
                        f"threshold); expected no threshold with --method {method}.")
    sweep = load_sweep(sweep_dir)
    outcome = resolve_outcome(sweep, outcome)
    if method in NEEDS_DESIGN:
        _require_design(sweep, method)
    folder = Path(out_dir) if out_dir is not None else sweep.path / "analysis"
    if folder.exists() and not folder.is_dir():
        raise UserError(f"output folder {folder}: this is a file; expected a folder (new or existing) for the "
                        f"analysis tables and figures.")
    check_writable(folder, "--out" if out_dir is not None else "the analysis folder")
    try:
        tables, figures, lines = _RUNNERS[method](sweep, outcome, threshold)
    except UserError as e:  # the method modules know only tables; say which sweep and outcome
        if str(e).startswith(str(sweep.path)):
            raise
        raise UserError(f"{sweep.path}, outcome {outcome!r}: {e}") from None
    written = _write(folder, tables, figures)
    m = sweep.manifest
    r = int(m.get("replications", 1))
    head = (f"{m.get('sweep', sweep.path.name)}: {sweep.kind} design, {len(sweep.design):,} points x {r:,} "
            f"replication{'s' if r != 1 else ''}; {len(sweep.worlds):,} of {int(m.get('worlds', len(sweep.worlds))):,}"
            f" worlds finished.")
    gaps = sweep.gaps()
    text = [head] + ([gaps] if gaps else []) + [""] + lines
    text += ["", f"Written to {folder}/: {', '.join(p.name for p in written)}"]
    return "\n".join(text), written


def _require_design(sweep: Sweep, method: str) -> None:
    kind = NEEDS_DESIGN[method]
    if sweep.kind != kind:
        why = {"sobol": "Sobol indices read the outputs in the block order of Saltelli's sample",
               "morris": "Morris elementary effects need trajectories that move one parameter at a time"}[method]
        raise UserError(f"{sweep.path / 'manifest.json'}, key design: the {method} method needs a {kind} design, "
                        f"found {sweep.kind!r} ({why}). Expected a sweep run with `design: {kind}` (for example "
                        f"configs/sweeps/{'sobol_exit_currency' if kind == 'sobol' else 'morris_all'}.yaml); "
                        f"this sweep can be analysed with --method summary or --method prim.")


def _require_all_points(sweep: Sweep, means, method: str) -> None:
    empty = means.loc[means["n"] == 0, "point"].tolist()
    if empty:
        chunks = sweep.missing_chunks()
        failed = [c for c in chunks if c in sweep.failed]
        cause = (f"chunks {', '.join(map(str, failed[:8]))} failed (errors in {sweep.path / 'failures'})" if failed
                 else f"chunks {', '.join(map(str, chunks[:8]))} are missing (the sweep was interrupted)")
        raise UserError(f"{sweep.path}: the {method} method needs a result at every design point, but {len(empty):,} "
                        f"of {len(means):,} points have no finished world (points {', '.join(map(str, empty[:8]))}"
                        f"{' ...' if len(empty) > 8 else ''}) because {cause}. Expected a complete sweep: "
                        f"fix the cause, run the missing chunks with `{sweep.resume_command()}`, then analyse again "
                        f"(summary and prim work on incomplete sweeps).")


def _seed(sweep: Sweep) -> int:
    return int(sweep.manifest.get("seed") or 1)


def _noise_line(means) -> list[str]:
    from .results import noise_share

    share = noise_share(means)
    if share != share:  # NaN: one world a point, noise unknown
        return []
    return [f"Replication noise is about {share:.0%} of the variance of the point means "
            f"({int(means['n'].median())} worlds a point)"
            f"{'; add replications to sharpen the indices' if share > 0.2 else ''}."]


def _label(sweep: Sweep, outcome: str) -> str:
    from .results import is_binary

    return f"probability of {outcome}" if is_binary(sweep.worlds[outcome]) else f"mean {outcome}"


def _summary(sweep: Sweep, outcome: str, threshold):
    from . import plots
    from .summary import heatmap_lines, heatmap_table, outcome_overview, overview_lines, point_lines, point_summary

    outcomes = sweep.outcomes
    overview = outcome_overview(sweep.worlds, outcomes)
    tables = {"summary_points.csv": point_summary(sweep.worlds, outcomes, sweep.design),
              "summary_outcomes.csv": overview}
    figures = {}
    means = point_means(sweep, outcome)
    lines = ["Outcomes over all worlds:"] + overview_lines(overview) + [""]
    if len(sweep.names) == 2:
        x, y = sweep.names
        table = heatmap_table(means, x, y, bounds=dict(zip(sweep.names, map(tuple, sweep.problem["bounds"]))))
        tables[f"heatmap_{outcome}.csv"] = table.rename_axis(index=f"{y} (rows) / {x} (columns)",
                                                             columns=None).reset_index()
        title = f"{_label(sweep, outcome).capitalize()} over {x} and {y}"
        figures[f"heatmap_{outcome}.png"] = lambda p: plots.heatmap(table, x, y, _label(sweep, outcome), title, p)
        lines += heatmap_lines(table, outcome, x, y)
    else:
        lines += point_lines(means, outcome, sweep.names)
    return tables, figures, lines


def _sobol(sweep: Sweep, outcome: str, threshold):
    from . import plots, sobol

    means = point_means(sweep, outcome)
    _require_all_points(sweep, means, "sobol")
    second = bool(sweep.manifest.get("calc_second_order", True))
    result = sobol.analyze(sweep.problem, sweep.design[sweep.names], means["mean"].to_numpy(), seed=_seed(sweep),
                           second_order=second)
    tables = {f"sobol_{outcome}.csv": result["indices"], f"point_means_{outcome}.csv": means}
    if second:
        tables[f"sobol_{outcome}_S2.csv"] = result["S2"]
    title = f"Sobol indices of {outcome} (95% intervals)"
    figures = {f"sobol_{outcome}.png": lambda p: plots.sobol_bars(result["indices"], title, p)}
    return tables, figures, sobol.report(result, outcome) + _noise_line(means)


def _morris(sweep: Sweep, outcome: str, threshold):
    from . import morris, plots

    means = point_means(sweep, outcome)
    _require_all_points(sweep, means, "morris")
    result = morris.analyze(sweep.problem, sweep.design[sweep.names].to_numpy(), means["mean"].to_numpy(),
                            seed=_seed(sweep), num_levels=int(sweep.manifest.get("morris_levels", 4)))
    tables = {f"morris_{outcome}.csv": result["indices"], f"point_means_{outcome}.csv": means}
    title = f"Morris screening of {outcome}"
    figures = {f"morris_{outcome}.png": lambda p: plots.morris_chart(result["indices"], title, p)}
    return tables, figures, morris.report(result, outcome) + _noise_line(means)


def _prim(sweep: Sweep, outcome: str, threshold):
    from . import plots, prim

    threshold = 0.5 if threshold is None else float(threshold)
    result = prim.analyze(sweep.problem, sweep.worlds[sweep.names], sweep.worlds[outcome].to_numpy(),
                          threshold=threshold)
    tables = {f"prim_{outcome}_limits.csv": result["limits"], f"prim_{outcome}_trajectory.csv": result["trajectory"],
              f"prim_{outcome}_box.csv": result["box"]}
    title = f"PRIM: where {outcome} > {threshold:g}"
    figures = {f"prim_{outcome}_tradeoff.png": lambda p: plots.prim_tradeoff(result["trajectory"], title, p),
               f"prim_{outcome}_limits.png": lambda p: plots.prim_limits(result["limits"], title, p)}
    return tables, figures, prim.report(result, outcome, threshold)


_RUNNERS = {"summary": _summary, "sobol": _sobol, "morris": _morris, "prim": _prim}


def _suffixed(name: str, i: int) -> str:
    if i == 1:
        return name
    stem, dot, ext = name.rpartition(".")
    return f"{stem}-{i}.{ext}" if dot else f"{name}-{i}"


def _claim(folder: Path, name: str, start: int) -> Path:
    """Create the file exclusively (so nothing existing is ever replaced, even by a concurrent run)."""
    i = start
    while True:
        path = folder / _suffixed(name, i)
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            return path
        except FileExistsError:
            i += 1


def _write(folder: Path, tables: dict, figures: dict) -> list[Path]:
    """Write every table and figure with one shared suffix: the first under which none of the names exists yet."""
    folder.mkdir(parents=True, exist_ok=True)
    names = list(tables) + list(figures)
    i = 1
    while any((folder / _suffixed(n, i)).exists() for n in names):
        i += 1
    written = []
    for name in names:
        path = _claim(folder, name, i)
        try:
            if name in tables:
                tables[name].to_csv(path, index=False)
            else:
                figures[name](path)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        written.append(path)
    return written
