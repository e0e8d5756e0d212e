"""The sweep folder: manifest, design and one Parquet file per finished chunk, each written atomically.

A file appears under its final name only once complete (written beside it, then renamed), so a sweep killed at any
moment leaves finished chunks intact and never a half file; `--resume` runs only the chunks that are missing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

MANIFEST = "manifest.json"


def _atomic_write(path: Path, write) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    write(tmp)
    os.replace(tmp, path)


class SweepFolder:
    def __init__(self, path):
        self.path = Path(path)
        self.chunks = self.path / "chunks"
        self.failures = self.path / "failures"
        self.timeseries = self.path / "timeseries"

    def chunk_file(self, index: int) -> Path:
        return self.chunks / f"chunk-{index:06d}.parquet"

    def create(self, manifest: dict, design) -> None:
        for folder in (self.chunks, self.failures):
            folder.mkdir(parents=True, exist_ok=True)
        _atomic_write(self.path / "design.parquet", lambda p: design.to_parquet(p, index=False))
        _atomic_write(self.path / MANIFEST, lambda p: p.write_text(json.dumps(manifest, indent=2) + "\n"))

    def manifest(self) -> dict | None:
        file = self.path / MANIFEST
        return json.loads(file.read_text()) if file.exists() else None

    def finished(self) -> set[int]:
        return {int(f.stem.split("-")[1]) for f in self.chunks.glob("chunk-*.parquet")}

    def write_chunk(self, index: int, table, timeseries=None) -> None:
        if timeseries is not None:
            self.timeseries.mkdir(exist_ok=True)
            _atomic_write(self.timeseries / f"chunk-{index:06d}.parquet", lambda p: timeseries.to_parquet(p, index=False))
        _atomic_write(self.chunk_file(index), lambda p: table.to_parquet(p, index=False))
        (self.failures / f"chunk-{index:06d}.json").unlink(missing_ok=True)

    def write_failure(self, index: int, error: str, trace: str) -> None:
        record = {"chunk": index, "error": error, "traceback": trace}
        _atomic_write(self.failures / f"chunk-{index:06d}.json", lambda p: p.write_text(json.dumps(record, indent=2)))

    def failed(self) -> dict[int, str]:
        return {int(f.stem.split("-")[1]): json.loads(f.read_text())["error"] for f in self.failures.glob("chunk-*.json")}
