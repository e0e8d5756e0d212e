"""Tables of {column: numpy array} written to Parquet and CSV without pandas: importing pandas costs 0.4 s of every
`sim run` here, and a run's tables are plain numpy columns. Each writer gives the file pandas would write from the
same columns (tested against pandas)."""

from __future__ import annotations

import numbers
from pathlib import Path

import numpy as np


def write_parquet(path: Path, columns, **options) -> None:
    """A table of {column: array} (or a DataFrame) as Parquet, the same table pandas' to_parquet writes (strings as
    large strings, dates as microsecond timestamps, NaN as null, no index) without importing pandas (0.4 s)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    names = list(columns)
    pq.write_table(pa.Table.from_arrays([_arrow_array(columns[name]) for name in names], names=names), path,
                   **options)


def _arrow_array(values):
    """A numpy column as an Arrow array built from its buffers: pa.array would import pandas to check for a Series."""
    import pyarrow as pa

    values = np.asarray(values)
    n = len(values)
    if values.dtype == object or values.dtype.kind == "U":
        items = values.tolist()
        if set(map(type, items)) <= {str}:  # the usual case, at C speed: no missing values
            valid = np.ones(n, bool)
            joined = "".join(items)
            data = joined.encode()
            pieces = items if len(data) == len(joined) else [s.encode() for s in items]  # ASCII: chars are bytes
        else:
            valid = np.array([not (v is None or (isinstance(v, float) and v != v)) for v in items], bool)
            pieces = [str(v).encode() if ok else b"" for v, ok in zip(items, valid)]
            data = b"".join(pieces)
        offsets = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.fromiter(map(len, pieces), np.int64, n), out=offsets[1:])
        return pa.Array.from_buffers(pa.large_string(), n, [_validity(valid), pa.py_buffer(offsets),
                                                           pa.py_buffer(data)], null_count=int(n - valid.sum()))
    if values.dtype.kind == "M":  # microseconds, the resolution of the run's dates (as pandas makes them)
        return pa.Array.from_buffers(pa.timestamp("us"), n,
                                     [None, pa.py_buffer(values.astype("datetime64[us]").view(np.int64))])
    if values.dtype.kind == "b":
        return pa.Array.from_buffers(pa.bool_(), n, [None, pa.py_buffer(np.packbits(values, bitorder="little"))])
    if values.dtype.kind not in "iuf":
        raise TypeError(f"cannot write a column of {values.dtype} to Parquet")
    values = np.ascontiguousarray(values)
    valid = ~np.isnan(values) if values.dtype.kind == "f" else np.ones(n, bool)
    return pa.Array.from_buffers(pa.from_numpy_dtype(values.dtype), n, [_validity(valid), pa.py_buffer(values)],
                                 null_count=int(n - valid.sum()))


def _validity(valid: np.ndarray):
    """Arrow's validity bitmap for a column with missing values (None when every value is there)."""
    import pyarrow as pa

    return None if valid.all() else pa.py_buffer(np.packbits(valid, bitorder="little"))


def write_csv(path: Path, rows: list[dict]) -> None:
    """Rows of dicts as CSV, as pandas' DataFrame(rows).to_csv(index=False) writes them, without pandas: the columns
    in order of first appearance, an empty cell where a row has no value, numbers in a float column as floats."""
    import csv

    names = list(dict.fromkeys(key for row in rows for key in row))
    floats = {name for name in names if _float_column([row.get(name) for row in rows])}
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(names)
        for row in rows:
            writer.writerow([_cell(row.get(name), name in floats) for name in names])


def _float_column(values: list) -> bool:
    """Whether pandas would make the column float64: numbers only, and a float among them or a missing cell."""
    present = [v for v in values if v is not None and not isinstance(v, bool)]
    if not present or not all(isinstance(v, numbers.Real) for v in present):
        return False
    return any(isinstance(v, float) for v in present) or len(present) < len(values)


def _cell(value, numeric: bool) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if numeric and isinstance(value, numbers.Real) and not isinstance(value, bool):
        return repr(float(value))
    return str(value)
