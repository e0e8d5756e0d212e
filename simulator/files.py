"""Files and folders the project writes and later reads back (run, comparison and sweep folders, predictions).

One way to fail for all of them: a folder that cannot be written, or a file that is missing, truncated, damaged or
of the wrong shape, becomes a UserError naming the file and what is wrong with it (exit status 2), never a
traceback and never a silently partial result. The folder owners (output/run_folder.py, comparison/folder.py,
sweeps/folder.py) call these with `origin`, the command that writes the file, so the message says how to make it
again.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from .errors import UserError


def check_writable(folder: Path, option: str = "--out") -> None:
    """Refuse, before any work, a folder that could not be created or written into: it (if it exists) or its nearest
    existing ancestor is a file, or cannot be written (permissions, a read-only file system). Tested by creating and
    removing an empty hidden folder there, which is what counts, whoever runs it (root included)."""
    folder = Path(folder)
    ancestor = folder if folder.is_dir() else folder.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise UserError(f"{option} {folder}: {ancestor} is a file, so the folder cannot be created there. Expected a "
                        f"new folder under an existing folder.")
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".sim-write-test-", dir=ancestor))
    except OSError as err:
        raise UserError(f"{option} {folder}: the folder {ancestor} cannot be written to ({err.strerror or err}), so "
                        f"the results could not be saved. Expected a folder you can write to; choose another with "
                        f"{option}. Nothing was run.") from None


def read_json(path: Path, keys: tuple = (), origin: str = "`sim run` or `sim compare`") -> dict:
    """A JSON object with at least `keys`, or a UserError naming the file and what is wrong with it."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"{path}: the file is missing. Expected the file as written by {origin}; produce the folder "
                        f"again.") from None
    except json.JSONDecodeError as err:
        raise UserError(f"{path}, line {err.lineno}: not valid JSON ({err.msg}), so the file is damaged. Expected "
                        f"the file as written by {origin}; produce the folder again.") from None
    except RecursionError:
        raise UserError(f"{path}: damaged, its JSON nests too deeply to read. Expected the file as written by "
                        f"{origin}.") from None
    except (OSError, UnicodeDecodeError) as err:
        raise UserError(f"{path}: could not be read ({err}). Expected the file as written by {origin}.") from None
    if not isinstance(data, dict):
        raise UserError(f"{path}: expected a JSON object, found {type(data).__name__}. Expected the file as written "
                        f"by {origin}.")
    require_keys(path, data, keys, origin)
    return data


def require_keys(path: Path, data: dict, keys, origin: str) -> None:
    """A UserError naming the file and the keys missing from its JSON object, if any."""
    missing = [k for k in keys if k not in data]
    if missing:
        raise UserError(f"{path}: the key{'s' if len(missing) > 1 else ''} {', '.join(repr(k) for k in missing)} "
                        f"{'are' if len(missing) > 1 else 'is'} missing; found "
                        f"{', '.join(map(repr, list(data)[:20])) or 'none'}. Expected the file as written by this "
                        f"version of {origin}.")


def check_parquet(path: Path, columns: list[str], rows: int | None = None, origin: str = "`sim run`"):
    """Check a Parquet file from its footer alone (cheap): it exists, is complete (a truncated file has lost its
    footer), has `columns` and, if given, `rows` rows. Returns its pyarrow metadata, or raises a UserError."""
    import pyarrow.parquet as pq

    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: the file is missing. Expected the table as written by {origin}; produce the folder "
                        f"again.")
    try:
        meta = pq.read_metadata(path)
    except Exception as err:  # pyarrow raises several kinds for a truncated or foreign file
        raise UserError(f"{path}: damaged, not a complete Parquet file ({_reason(err)}). Expected the table as "
                        f"written by {origin}; produce the folder again.") from None
    missing = [c for c in columns if c not in meta.schema.names]
    if missing:
        raise UserError(f"{path}: damaged, the column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
                        f"{'are' if len(missing) > 1 else 'is'} missing. Expected the table as written by {origin}.")
    if rows is not None and meta.num_rows != rows:
        raise UserError(f"{path}: damaged, it holds {meta.num_rows:,} rows; expected {rows:,} as written by "
                        f"{origin}; produce the folder again.")
    return meta


def read_parquet(path: Path, columns: list[str], all_columns: bool = False, origin: str = "`sim run`"):
    """A Parquet table with at least `columns` (only those unless `all_columns`), or a UserError."""
    import pandas as pd

    check_parquet(path, columns, origin=origin)
    try:
        return pd.read_parquet(path, columns=None if all_columns else columns)
    except Exception as err:
        raise UserError(f"{path}: damaged, its data could not be read ({_reason(err)}). Expected the table as "
                        f"written by {origin}; produce the folder again.") from None


def _reason(err: Exception) -> str:
    text = str(err).split("\n")[0]
    return f"{type(err).__name__}: {text[:200]}"
