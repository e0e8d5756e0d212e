"""Reading a sweep folder into plain tables, and the per-point means every method starts from.

The methods themselves take DataFrames and arrays, not folders, so they work on any sweep results table; this module
is the one place that knows the folder layout (manifest.json, design.parquet, chunks/, failures/).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import UserError, closest

STATS = ("mean", "p5", "p95", "sd", "n", "n_value")
LAYOUT = "manifest.json, design.parquet and chunks/chunk-NNNNNN.parquet, as written by `sim sweep`"


@dataclass
class Sweep:
    """One sweep folder in memory. `worlds` is one row per finished world with the point's parameter values joined."""

    path: Path
    manifest: dict
    design: "pd.DataFrame"  # point, then one column per varied parameter, in the sampler's row order
    worlds: "pd.DataFrame"  # world, point, replication, one column per outcome, then the parameter columns
    chunks: list[int] = field(default_factory=list)  # chunk files found
    failed: dict[int, str] = field(default_factory=dict)  # chunk -> error, from failures/

    @property
    def problem(self) -> dict:
        return self.manifest["problem"]

    @property
    def names(self) -> list[str]:
        return list(self.problem["names"])

    @property
    def outcomes(self) -> list[str]:
        return [o for o in self.manifest["outcomes"] if o in self.worlds.columns]

    @property
    def kind(self) -> str:
        return self.manifest["design"]

    def missing_chunks(self) -> list[int]:
        total = int(self.manifest.get("chunks", 0) or 0)
        return sorted(set(range(total)) - set(self.chunks))

    def missing_points(self) -> list[int]:
        return sorted(set(self.design["point"].tolist()) - set(self.worlds["point"].unique().tolist()))

    def missing_worlds(self) -> int:
        return max(int(self.manifest.get("worlds", len(self.worlds))) - len(self.worlds), 0)

    def resume_command(self) -> str:
        return f"sim sweep {self.manifest.get('sweep_file', 'SWEEP_FILE')} --out {self.path} --resume"

    def gaps(self) -> str:
        """'' when every world finished, else one sentence on what is missing, why, and the command that fixes it."""
        missing = self.missing_worlds()
        if not missing:
            return ""
        chunks = self.missing_chunks()
        failed = [c for c in chunks if c in self.failed]
        why = (f"chunks {_short(failed)} failed (errors in {self.path / 'failures'})" if failed else "")
        not_run = [c for c in chunks if c not in self.failed]
        if not_run:
            why += ("; " if why else "") + f"chunks {_short(not_run)} were never finished (interrupted sweep)"
        return (f"{missing:,} of {int(self.manifest['worlds']):,} worlds are missing ({why or 'unknown cause'}). "
                f"Run the missing chunks with: {self.resume_command()}")


def _short(items, n: int = 8) -> str:
    items = list(items)
    return ", ".join(map(str, items[:n])) + (f" and {len(items) - n} more" if len(items) > n else "")


def load_sweep(sweep_dir) -> Sweep:
    """Manifest, design and every finished chunk (read by pyarrow in one go), or a UserError saying what is wrong."""
    import pandas as pd
    import pyarrow.dataset as ds

    path = Path(sweep_dir)
    if not path.is_dir():
        raise UserError(f"{path}: no such folder. Expected the output folder of a sweep, holding {LAYOUT}.")
    manifest_file = path / "manifest.json"
    if not manifest_file.exists():
        hint = (" It looks like the output of `sim run` (one scenario), which has no design to analyse."
                if (path / "summary.json").exists() else "")
        raise UserError(f"{path}: not a sweep folder, found no manifest.json. Expected {LAYOUT}.{hint}")
    try:
        manifest = json.loads(manifest_file.read_text())
    except (OSError, ValueError) as e:
        raise UserError(f"{manifest_file}: not readable as JSON ({e}). Expected the manifest `sim sweep` wrote.") from e
    missing = [k for k in ("design", "problem", "outcomes") if not isinstance(manifest, dict) or k not in manifest]
    if missing:
        found = ", ".join(sorted(manifest)) if isinstance(manifest, dict) else type(manifest).__name__
        raise UserError(f"{manifest_file}: not a sweep manifest, keys {', '.join(missing)} missing (found: {found}). "
                        f"Expected the folder of a sweep ({LAYOUT}); `sim run` folders cannot be analysed this way.")
    design_file = path / "design.parquet"
    if not design_file.exists():
        raise UserError(f"{path}: design.parquet is missing. Expected {LAYOUT}; the sweep was probably never started "
                        f"properly, so run it again into a new folder.")
    design = pd.read_parquet(design_file)
    names = list(manifest["problem"].get("names", []))
    absent = [c for c in ["point", *names] if c not in design.columns]
    if absent:
        raise UserError(f"{design_file}: columns {', '.join(absent)} missing. Expected 'point' and one column per "
                        f"parameter in manifest.json problem.names ({', '.join(names)}); found {', '.join(design.columns)}.")
    design = design[["point", *names]].sort_values("point", ignore_index=True)
    failed = {}
    for file in sorted((path / "failures").glob("chunk-*.json")):
        try:
            failed[int(file.stem.split("-")[1])] = str(json.loads(file.read_text()).get("error", "unknown error"))
        except (OSError, ValueError, AttributeError):
            failed[int(file.stem.split("-")[1])] = "unreadable failure record"
    files = sorted((path / "chunks").glob("chunk-*.parquet"))
    if not files:
        why = f" {len(failed)} chunks failed (errors in {path / 'failures'})." if failed else ""
        raise UserError(f"{path}: no results yet, chunks/ holds no finished chunk.{why} Expected at least one "
                        f"chunks/chunk-NNNNNN.parquet; run or finish the sweep with: "
                        f"sim sweep {manifest.get('sweep_file', 'SWEEP_FILE')} --out {path} --resume")
    worlds = ds.dataset([str(f) for f in files], format="parquet").to_table().to_pandas()
    absent = [c for c in ("world", "point") if c not in worlds.columns]
    if absent:
        raise UserError(f"{path / 'chunks'}: columns {', '.join(absent)} missing from the chunk files. Expected world, "
                        f"point, replication and one column per outcome.")
    clash = sorted(set(names) & (set(worlds.columns) - {"point"}))
    if clash:
        raise UserError(f"{manifest_file}: {', '.join(clash)} is both a parameter and an outcome; expected distinct "
                        f"names. Rename the outcome in the sweep file.")
    worlds = worlds.sort_values("world", ignore_index=True).merge(design, on="point", how="left", validate="many_to_one")
    chunks = [int(f.stem.split("-")[1]) for f in files]
    return Sweep(path, manifest, design, worlds, chunks, failed)


def resolve_outcome(sweep: Sweep, outcome: str | None) -> str:
    """The outcome to analyse: the given one if the sweep recorded it, else the manifest's first."""
    names = sweep.outcomes
    if not names:
        raise UserError(f"{sweep.path / 'manifest.json'}: no outcome of the manifest is in the chunk files. Expected "
                        f"columns {', '.join(sweep.manifest['outcomes'])}; found {', '.join(sweep.worlds.columns)}.")
    if outcome is None:
        return names[0]
    if outcome not in names:
        raise UserError(f"{sweep.path}: unknown outcome {outcome!r}.{closest(outcome, names)} Expected one of the "
                        f"sweep's outcomes: {', '.join(names)}.")
    return outcome


def is_binary(values) -> bool:
    """True for 0/1 outcomes, whose mean is a probability."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    return v.size > 0 and bool(np.all((v == 0) | (v == 1)))


def point_means(source, outcome: str, design=None):
    """Per design point: mean (a probability for 0/1 outcomes), p5, p95 and sd over its worlds, n (worlds that
    finished) and n_value (worlds with a value; a 'first week' outcome is empty when it never happened).

    `source` is a Sweep, a per-world DataFrame with 'point' and the outcome column, or a (design, worlds) pair.
    With a design, every design point gets a row (n = 0 and empty statistics where no world finished), ordered
    by point, so the rows line up with the sampler's order.
    """
    import pandas as pd

    if isinstance(source, Sweep):
        design, worlds = source.design, source.worlds
    elif isinstance(source, tuple):
        design, worlds = source
    else:
        worlds = source
    if outcome not in worlds.columns:
        raise UserError(f"results table: unknown outcome {outcome!r}.{closest(outcome, worlds.columns)} Expected a "
                        f"column of the table: {', '.join(map(str, worlds.columns))}.")
    g = worlds.groupby("point", sort=True)[outcome]
    q = g.quantile([0.05, 0.95]).unstack()
    table = pd.DataFrame({"mean": g.mean(), "p5": q[0.05], "p95": q[0.95], "sd": g.std(ddof=1),
                          "n": g.size(), "n_value": g.count()})
    table.index.name = "point"
    table = table.reset_index()
    if design is not None:
        clash = sorted(set(design.columns) & set(STATS))
        if clash:
            raise UserError(f"design: parameter {', '.join(map(repr, clash))} has the name of a statistic column "
                            f"({', '.join(STATS)}); expected other parameter names, so rename it in the design table.")
        table = design.merge(table, on="point", how="left")
        table[["n", "n_value"]] = table[["n", "n_value"]].fillna(0)
    table[["n", "n_value"]] = table[["n", "n_value"]].astype("int64")
    return table.sort_values("point", ignore_index=True)


def noise_share(means) -> float:
    """How much of the spread of point means is replication noise: mean(sd^2 / n) / var(means); NaN if unknown."""
    m = means[means["n_value"] > 1]
    if len(m) < 2:
        return float("nan")
    spread = float(np.var(m["mean"], ddof=1))
    noise = float(np.mean(m["sd"] ** 2 / m["n_value"]))
    return noise / spread if spread > 0 else float("nan")


def require_finite(y, method: str) -> None:
    """Refuse outputs with empty or infinite values: variance-based methods need a number at every design point."""
    bad = int(np.count_nonzero(~np.isfinite(y)))
    if bad:
        raise UserError(f"{method} analysis: {bad:,} of {y.size:,} outputs are empty or not finite; expected a number "
                        f"at every design point (a 'first week' outcome is empty where it never happened, so analyse a "
                        f"0/1 or numeric outcome instead).")
