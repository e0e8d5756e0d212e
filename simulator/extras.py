"""Optional parts of leverage-sim and the check that their dependencies are installed.

`pip install leverage-sim` gives the core (sim run, validate, params, compare, report, predict); sweeps and the
dashboard need extras. `require` turns a missing extra into one sentence naming the pip command (a UserError, so
the CLI exits with status 2). It only asks importlib where modules are; it imports nothing.
"""

from __future__ import annotations

from importlib.util import find_spec

from .errors import UserError

# extra -> top-level modules it provides (checked without importing them)
EXTRAS = {
    "sweeps": ("dask", "distributed", "SALib", "prim"),
    "dashboard": ("solara", "ipyvuetify"),
}


def missing(extra: str) -> list[str]:
    """The modules of `extra` that cannot be found."""
    out = []
    for module in EXTRAS[extra]:
        try:
            found = find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            out.append(module)
    return out


def require(extra: str, command: str) -> None:
    """Raise a UserError if `extra` is not installed; `command` is what the user ran, e.g. 'sim sweep'."""
    absent = missing(extra)
    if absent:
        raise UserError(f"{command} needs the {extra} extra, which is not installed (missing: {', '.join(absent)}): "
                        f"pip install 'leverage-sim[{extra}]'")
