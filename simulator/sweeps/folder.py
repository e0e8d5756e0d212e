"""The sweep folder: the one place that writes and reads a sweep's results.

    folder/
      manifest.json                    the sweep as run (design, problem, outcomes, seed, chunking, versions)
      design.parquet                   one row per design point, in the sampler's order
      chunks/chunk-NNNNNN.parquet      per-world outcomes of one contiguous range of world ids
      timeseries/chunk-NNNNNN.parquet  the weekly series kept on request
      failures/chunk-NNNNNN.json       the error of a chunk that failed

A file appears under its final name only once complete (written beside it, then renamed), so a sweep killed at any
moment leaves finished chunks intact and never a half file; `--resume` runs only the chunks that are missing.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UserError

if TYPE_CHECKING:
    import pandas as pd

MANIFEST = "manifest.json"
CHUNK = "chunk-{index:06d}"


def _atomic_write(path: Path, write) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    write(tmp)
    os.replace(tmp, path)


def chunk_index(path: Path) -> int:
    """The chunk number in a file name like chunk-000012.parquet."""
    return int(path.stem.split("-")[1])


class SweepFolder:
    def __init__(self, path):
        self.path = Path(path)
        self.chunks = self.path / "chunks"
        self.failures = self.path / "failures"
        self.timeseries = self.path / "timeseries"

    def chunk_file(self, index: int) -> Path:
        return self.chunks / f"{CHUNK.format(index=index)}.parquet"

    def create(self, manifest: dict, design) -> None:
        for folder in (self.chunks, self.failures):
            folder.mkdir(parents=True, exist_ok=True)
        _atomic_write(self.path / "design.parquet", lambda p: design.to_parquet(p, index=False))
        _atomic_write(self.path / MANIFEST, lambda p: p.write_text(json.dumps(manifest, indent=2) + "\n"))

    def manifest(self) -> dict | None:
        file = self.path / MANIFEST
        return json.loads(file.read_text()) if file.exists() else None

    def design(self):
        import pandas as pd

        return pd.read_parquet(self.path / "design.parquet")

    def chunk_files(self) -> list[Path]:
        return sorted(self.chunks.glob("chunk-*.parquet"))

    def finished(self) -> set[int]:
        return {chunk_index(f) for f in self.chunk_files()}

    def write_chunk(self, index: int, table, timeseries=None) -> None:
        if timeseries is not None:
            self.timeseries.mkdir(exist_ok=True)
            _atomic_write(self.timeseries / f"{CHUNK.format(index=index)}.parquet",
                          lambda p: timeseries.to_parquet(p, index=False))
        _atomic_write(self.chunk_file(index), lambda p: table.to_parquet(p, index=False))
        (self.failures / f"{CHUNK.format(index=index)}.json").unlink(missing_ok=True)

    def write_failure(self, index: int, error: str, trace: str) -> None:
        record = {"chunk": index, "error": error, "traceback": trace}
        _atomic_write(self.failures / f"{CHUNK.format(index=index)}.json",
                      lambda p: p.write_text(json.dumps(record, indent=2)))

    def failed(self) -> dict[int, str]:
        """Chunk -> error of every recorded failure (an unreadable record still counts as a failure)."""
        out = {}
        for file in sorted(self.failures.glob("chunk-*.json")):
            try:
                out[chunk_index(file)] = str(json.loads(file.read_text()).get("error", "unknown error"))
            except (OSError, ValueError, AttributeError):
                out[chunk_index(file)] = "unreadable failure record"
        return out


# ------------------------------------------------------------------------------------------------------ reading
LAYOUT = "manifest.json, design.parquet and chunks/chunk-NNNNNN.parquet, as written by `sim sweep`"


@dataclass
class Sweep:
    """One sweep folder in memory. `worlds` is one row per finished world with the point's parameter values joined."""

    path: Path
    manifest: dict
    design: pd.DataFrame  # point, then one column per varied parameter, in the sampler's row order
    worlds: pd.DataFrame  # world, point, replication, one column per outcome, then the parameter columns
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


def read(sweep_dir) -> Sweep:
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
                        f"parameter in manifest.json problem.names ({', '.join(names)}); "
                        f"found {', '.join(design.columns)}.")
    design = design[["point", *names]].sort_values("point", ignore_index=True)
    folder = SweepFolder(path)
    failed = folder.failed()
    files = folder.chunk_files()
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
    worlds = worlds.sort_values("world", ignore_index=True).merge(design, on="point", how="left",
                                                                  validate="many_to_one")
    chunks = [chunk_index(f) for f in files]
    return Sweep(path, manifest, design, worlds, chunks, failed)


