"""The sweep folder: the one place that writes and reads a sweep's results.

    folder/
      manifest.json                    the sweep as run (design, problem, outcomes, seed, chunking, versions)
      design.parquet                   one row per design point, in the sampler's order
      chunks/chunk-NNNNNN.parquet      per-world outcomes of one contiguous range of world ids
      timeseries/chunk-NNNNNN.parquet  the weekly series kept on request
      failures/chunk-NNNNNN.json       the error of a chunk that failed
      .lock                            held by the `sim sweep` writing the folder (see SweepFolder.lock)

A file appears under its final name only once complete (written beside it, then renamed), so a sweep killed at any
moment leaves finished chunks intact and never a half file; `--resume` runs only the chunks that are missing.
"""

from __future__ import annotations

import errno
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UserError
from ..files import check_parquet, read_json, require_keys

if TYPE_CHECKING:
    import pandas as pd

MANIFEST = "manifest.json"
CHUNK = "chunk-{index:06d}"
CHUNK_FILE = re.compile(r"chunk-(\d{6,})\.parquet")
ORIGIN = "`sim sweep`"
LAYOUT = "manifest.json, design.parquet and chunks/chunk-NNNNNN.parquet, as written by `sim sweep`"


def _atomic_write(path: Path, write) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    write(tmp)
    os.replace(tmp, path)


def chunk_index(path: Path) -> int:
    """The chunk number in a file name like chunk-000012.parquet."""
    return int(path.stem.split("-")[1])


def _in_flight(name: str) -> bool:
    """A file being written (or left by a sweep killed while writing it): hidden, renamed into place when done."""
    return name.startswith(".") and name.endswith(".tmp")


class SweepFolder:
    def __init__(self, path):
        self.path = Path(path)
        self.chunks = self.path / "chunks"
        self.failures = self.path / "failures"
        self.timeseries = self.path / "timeseries"

    def chunk_file(self, index: int) -> Path:
        return self.chunks / f"{CHUNK.format(index=index)}.parquet"

    def lock(self):
        """An open file holding an exclusive lock on the folder until it is closed or this process ends (the
        operating system drops it then, so a killed sweep leaves no stale lock). A second `sim sweep` on the same
        folder (a --resume while the first still runs) is refused: it would rewrite the design under the first and
        mix chunks of both. Where the platform has no file locks, nothing is locked."""
        try:
            import fcntl
        except ImportError:  # Windows: no advisory locks through fcntl
            return open(os.devnull, "w")
        try:
            handle = open(self.path / ".lock", "a+")
        except OSError as err:
            raise UserError(f"--out {self.path}: this folder cannot be written ({err.strerror or err}). Expected a "
                            f"folder this user can write, since a sweep saves its chunks there; nothing was "
                            f"changed.") from None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as err:
            if err.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):  # a file system without locks
                return handle  # (NFS without lockd, some network mounts): nothing is locked, as on Windows
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            raise UserError(f"--out {self.path}: another `sim sweep` (process {holder}) is writing this folder. "
                            f"Expected one sweep per folder: wait for it to finish, or stop it and run this again "
                            f"with --resume; nothing was changed.") from None
        handle.truncate(0)
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        return handle

    def create(self, manifest: dict, design):
        """Make the folder (refused if it exists: two new sweeps on one --out cannot both start), lock it and
        write the manifest and design; returns the lock (see lock)."""
        try:
            self.path.mkdir(parents=True)
        except FileExistsError:
            raise self.exists() from None
        held = self.lock()
        try:
            for folder in (self.chunks, self.failures):
                folder.mkdir()
            self.write_design(design)
            self.write_manifest(manifest)
        except BaseException:
            held.close()
            raise
        return held

    def exists(self) -> UserError:
        return UserError(f"--out {self.path}: this folder already exists. Expected a new folder, or --resume to "
                         f"finish the sweep that was started there; nothing was overwritten.")

    def write_design(self, design) -> None:
        _atomic_write(self.path / "design.parquet", lambda p: design.to_parquet(p, index=False))

    def write_manifest(self, manifest: dict) -> None:
        _atomic_write(self.path / MANIFEST, lambda p: p.write_text(json.dumps(manifest, indent=2) + "\n"))

    def forget_failures(self, beyond: int) -> None:
        """Remove failure records of chunks that no longer exist (a resume changed the number of chunks)."""
        for index in self.failed():
            if index >= beyond:
                (self.failures / f"{CHUNK.format(index=index)}.json").unlink(missing_ok=True)

    def saved(self) -> int:
        """How many chunk files are saved (for messages after a failure; nothing is checked)."""
        return len(list(self.chunks.glob("chunk-*.parquet"))) if self.chunks.is_dir() else 0

    def manifest(self) -> dict | None:
        """The checked manifest, or None when the folder has none (no sweep was started there)."""
        file = self.path / MANIFEST
        if not file.exists():
            return None
        manifest = read_json(file, (), ORIGIN)
        missing = [k for k in ("design", "problem", "outcomes") if k not in manifest]
        if missing:
            raise UserError(f"{file}: not a sweep manifest, keys {', '.join(missing)} missing (found: "
                            f"{', '.join(list(manifest)[:20])}). Expected the folder of a sweep ({LAYOUT}); "
                            f"`sim run` folders cannot be analysed this way.")
        require_keys(file, manifest, MANIFEST_KEYS, ORIGIN)
        _check_manifest(file, manifest)
        return manifest

    def design(self, manifest: dict):
        """design.parquet, checked against the manifest: a row per point, a column per varied parameter."""
        import pandas as pd

        from ..files import read_parquet

        file = self.path / "design.parquet"
        names = list(manifest["problem"]["names"])
        check_parquet(file, ["point", *names], rows=int(manifest["points"]), origin=ORIGIN)
        design = read_parquet(file, ["point", *names], origin=ORIGIN)
        if not design["point"].sort_values(ignore_index=True).equals(pd.Series(range(len(design)), dtype="int64")):
            raise UserError(f"{file}: damaged, the column 'point' should number the design points 0 to "
                            f"{len(design) - 1} once each. Expected the design as written by {ORIGIN}.")
        return design.sort_values("point", ignore_index=True)

    def chunk_files(self, chunks: int) -> list[Path]:
        """The finished chunk files, checked by name: anything else in chunks/ (but a file being written) is refused,
        so no stray or copied file is ever read as results."""
        if not self.chunks.is_dir():
            return []
        files = []
        for entry in sorted(self.chunks.iterdir()):
            if _in_flight(entry.name):
                continue
            match = CHUNK_FILE.fullmatch(entry.name)
            if not entry.is_file() or match is None or int(match.group(1)) >= chunks:
                raise UserError(f"{entry}: a {'folder' if entry.is_dir() else 'file'} that `sim sweep` did not write "
                                f"is in chunks/. Expected only chunk-NNNNNN.parquet files for chunks 0 to {chunks - 1} "
                                f"(the manifest's 'chunks'); move it out of {self.chunks}, then try again.")
            files.append(entry)
        return files

    def finished(self, chunks: int) -> set[int]:
        return {chunk_index(f) for f in self.chunk_files(chunks)}

    def write_chunk(self, index: int, table, timeseries=None) -> None:
        self.chunks.mkdir(exist_ok=True)  # (a resumed folder may have lost it)
        if timeseries is not None:
            self.timeseries.mkdir(exist_ok=True)
            _atomic_write(self.timeseries / f"{CHUNK.format(index=index)}.parquet",
                          lambda p: timeseries.to_parquet(p, index=False, use_dictionary=False))  # numbers only
        _atomic_write(self.chunk_file(index), lambda p: table.to_parquet(p, index=False))
        (self.failures / f"{CHUNK.format(index=index)}.json").unlink(missing_ok=True)

    def write_failure(self, index: int, error: str, trace: str) -> None:
        record = {"chunk": index, "error": error, "traceback": trace}
        self.failures.mkdir(exist_ok=True)
        _atomic_write(self.failures / f"{CHUNK.format(index=index)}.json",
                      lambda p: p.write_text(json.dumps(record, indent=2)))

    def failed(self) -> dict[int, str]:
        """Chunk -> error of every recorded failure (an unreadable record still counts as a failure)."""
        out = {}
        for file in sorted(self.failures.glob("chunk-*.json")):
            if not re.fullmatch(r"chunk-\d{6,}\.json", file.name):
                continue
            try:
                out[chunk_index(file)] = str(json.loads(file.read_text()).get("error", "unknown error"))
            except (OSError, ValueError, AttributeError):
                out[chunk_index(file)] = "unreadable failure record"
        return out


# ------------------------------------------------------------------------------------------------------ reading
MANIFEST_KEYS = ("design", "problem", "outcomes", "points", "worlds", "replications", "chunk_worlds", "chunks")


def _check_manifest(file: Path, manifest: dict) -> None:
    """The manifest values readers rely on have the types `sim sweep` writes."""
    problem = manifest["problem"]
    names = problem.get("names") if isinstance(problem, dict) else None
    bad = [] if isinstance(names, list) and all(isinstance(n, str) for n in names) else ["problem.names"]
    bad += [k for k in ("points", "worlds", "replications", "chunk_worlds", "chunks")
            if isinstance(manifest[k], bool) or not isinstance(manifest[k], int) or manifest[k] < 1]
    if not bad and (manifest["worlds"] != manifest["points"] * manifest["replications"]
                    or manifest["chunks"] != -(-manifest["worlds"] // manifest["chunk_worlds"])):
        bad.append("worlds or chunks (they do not add up)")
    if not isinstance(manifest["outcomes"], (dict, list)) or not isinstance(manifest["design"], str):
        bad.append("outcomes or design")
    if bad:
        raise UserError(f"{file}: damaged, the value of {', '.join(bad)} is not what {ORIGIN} writes. Expected the "
                        f"manifest as written by {ORIGIN}; it cannot be repaired by hand, so run the sweep again into "
                        f"a new folder.")


def chunk_range(manifest: dict, index: int) -> tuple[int, int]:
    """(first world id, one past the last) of chunk `index`."""
    size, total = manifest["chunk_worlds"], manifest["worlds"]
    return index * size, min(total, (index + 1) * size)


def _check_chunk(file: Path, manifest: dict, columns: list[str]) -> None:
    """From the footer alone: the file is complete, has the columns, and holds exactly its chunk's worlds."""
    start, stop = chunk_range(manifest, chunk_index(file))
    meta = check_parquet(file, columns, rows=stop - start, origin=ORIGIN)
    column = meta.schema.names.index("world")
    for group in range(meta.num_row_groups):
        stats = meta.row_group(group).column(column).statistics
        if stats is not None and stats.has_min_max and not start <= stats.min <= stats.max < stop:
            raise UserError(f"{file}: damaged, it holds worlds {stats.min} to {stats.max}; expected worlds {start} to "
                            f"{stop - 1} (chunk {chunk_index(file)} of {manifest['chunk_worlds']:,} worlds), as "
                            f"written by {ORIGIN}. Delete it and run the missing chunk with --resume.")


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
        why = (f"chunks {short_list(failed)} failed (errors in {self.path / 'failures'})" if failed else "")
        not_run = [c for c in chunks if c not in self.failed]
        if not_run:
            why += ("; " if why else "") + f"chunks {short_list(not_run)} were never finished (interrupted sweep)"
        return (f"{missing:,} of {int(self.manifest['worlds']):,} worlds are missing ({why or 'unknown cause'}). "
                f"Run the missing chunks with: {self.resume_command()}")


def short_list(items, n: int = 8) -> str:
    """'1, 2, 3' or '1, 2, ... and 12 more': a list of chunks or points for a message."""
    items = list(items)
    return ", ".join(map(str, items[:n])) + (f" and {len(items) - n} more" if len(items) > n else "")


def read(sweep_dir) -> Sweep:
    """Manifest, design and every finished chunk (read by pyarrow in one go), each checked, or a UserError naming the
    file and what is wrong with it."""
    import pyarrow.dataset as ds

    path = Path(sweep_dir)
    if not path.is_dir():
        raise UserError(f"{path}: no such folder. Expected the output folder of a sweep, holding {LAYOUT}.")
    folder = SweepFolder(path)
    manifest_file = path / MANIFEST
    if not manifest_file.exists():
        hint = (" It looks like the output of `sim run` (one scenario), which has no design to analyse."
                if (path / "summary.json").exists() else "")
        raise UserError(f"{path}: not a sweep folder, found no manifest.json. Expected {LAYOUT}.{hint}")
    manifest = folder.manifest()
    design = folder.design(manifest)
    names = list(manifest["problem"]["names"])
    failed = folder.failed()
    files = folder.chunk_files(manifest["chunks"])
    if not files:
        why = f" {len(failed)} chunks failed (errors in {path / 'failures'})." if failed else ""
        raise UserError(f"{path}: no results yet, chunks/ holds no finished chunk.{why} Expected at least one "
                        f"chunks/chunk-NNNNNN.parquet; run or finish the sweep with: "
                        f"sim sweep {manifest.get('sweep_file', 'SWEEP_FILE')} --out {path} --resume")
    for file in files:
        _check_chunk(file, manifest, ["world", "point"])
    try:
        worlds = ds.dataset([str(f) for f in files], format="parquet").to_table().to_pandas()
    except Exception:  # the footers were fine, so a data page is damaged: name the file
        from ..files import read_parquet

        for file in files:
            read_parquet(file, ["world", "point"], all_columns=True, origin=ORIGIN)
        raise
    clash = sorted(set(names) & (set(worlds.columns) - {"point"}))
    if clash:
        raise UserError(f"{manifest_file}: {', '.join(clash)} is both a parameter and an outcome; expected distinct "
                        f"names. Rename the outcome in the sweep file.")
    worlds = worlds.sort_values("world", ignore_index=True).merge(design, on="point", how="left",
                                                                  validate="many_to_one")
    chunks = [chunk_index(f) for f in files]
    return Sweep(path, manifest, design, worlds, chunks, failed)
