"""Which kind of folder a report is built from: a run folder (`sim run`) or a comparison folder (`sim compare`).

Reading and checking belong to the folders' owner modules (simulator/output/run_folder.py and
simulator/comparison/folder.py); this only tells the two apart, so a missing path, a file, or a folder of neither
kind becomes one clear UserError before any HTML is written.
"""

from __future__ import annotations

from pathlib import Path

from ...comparison.folder import ComparisonFolder, read
from ...errors import UserError
from ...output.run_folder import ORIGIN, RunFolder, read_run


def load(folder) -> RunFolder | ComparisonFolder:
    """The run or comparison in `folder`, read by the module that owns its format (predictions included)."""
    folder = Path(folder)
    if not folder.exists():
        raise UserError(f"{folder}: no such folder. {ORIGIN}.")
    if not folder.is_dir():
        raise UserError(f"{folder}: this is a file, not a folder. {ORIGIN}.")
    if (folder / "comparison.json").is_file():
        return read(folder)
    if (folder / "manifest.json").is_file() or (folder / "summary.json").is_file():
        return read_run(folder)
    found = sorted(p.name for p in folder.iterdir())[:8]
    raise UserError(f"{folder}: not a results folder: it has neither manifest.json and summary.json (a run folder) "
                    f"nor comparison.json (a comparison folder); found "
                    f"{', '.join(found) if found else 'an empty folder'}. {ORIGIN}.")
