"""Where the data shipped with the simulator lives: the parameter registry, the scenarios and the sweep files.

The files users edit stay at the top of the source tree (configs/parameters.yaml, configs/sweeps/, scenarios/).
A wheel carries a copy of them in simulator/_shipped/ with the same layout (setup.py copies them at build time), so
relative references such as `../../scenarios/baseline.yaml` in a sweep file work in both places. A source checkout
or an editable install reads the top-level files themselves, so edits take effect without reinstalling.

Every reader of shipped data goes through this module. It imports nothing heavy.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .errors import UserError, closest

PACKAGE_DIR = Path(__file__).resolve().parent
INSTALLED_DIR = PACKAGE_DIR / "_shipped"  # filled by setup.py's build_py in a wheel; absent in the source tree
SUFFIXES = (".yaml", ".yml")


@lru_cache(maxsize=1)
def data_root() -> Path:
    """The folder holding configs/ and scenarios/: the source tree if this is a checkout, else the installed copy."""
    source = PACKAGE_DIR.parent
    if (source / "pyproject.toml").is_file() and (source / "configs" / "parameters.yaml").is_file():
        return source
    if (INSTALLED_DIR / "configs" / "parameters.yaml").is_file():
        return INSTALLED_DIR
    raise RuntimeError(f"the shipped data (configs/parameters.yaml, scenarios/) is missing: neither {source} nor "
                       f"{INSTALLED_DIR} holds it. Reinstall leverage-sim from a wheel or the source tree.")


def registry_file() -> Path:
    """configs/parameters.yaml: every parameter's default, range, unit and provenance."""
    return data_root() / "configs" / "parameters.yaml"


def scenarios_dir() -> Path:
    """The folder of shipped scenarios (subfolders such as history/ included)."""
    return data_root() / "scenarios"


def sweeps_dir() -> Path:
    """The folder of shipped sweep files."""
    return data_root() / "configs" / "sweeps"


def _names(folder: Path) -> dict[str, Path]:
    """'name' or 'sub/name' (no suffix, forward slashes) -> file, for every YAML file below folder."""
    if not folder.is_dir():
        return {}
    files = sorted(p for p in folder.rglob("*") if p.suffix in SUFFIXES and p.is_file())
    return {p.relative_to(folder).with_suffix("").as_posix(): p for p in files}


def scenario_names() -> list[str]:
    """Names of the shipped scenarios, e.g. 'baseline' or 'history/2023_attack_wave', sorted."""
    return list(_names(scenarios_dir()))


def sweep_names() -> list[str]:
    """Names of the shipped sweep files, e.g. 'exit_map', sorted."""
    return list(_names(sweeps_dir()))


def _lookup(given, folder: Path, prefix: str) -> Path | None:
    """The shipped file called `given` ('withdrawal', 'withdrawal.yaml', 'scenarios/withdrawal.yaml'), or None."""
    name = str(given).replace("\\", "/").strip()
    if name.startswith("./"):
        name = name[2:]
    if name.startswith(prefix):
        name = name[len(prefix):]
    for suffix in SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return _names(folder).get(name)


def shipped_scenario(name) -> Path | None:
    """The shipped scenario file for a name, or None (never looks at the current folder)."""
    return _lookup(name, scenarios_dir(), "scenarios/")


def shipped_sweep(name) -> Path | None:
    """The shipped sweep file for a name, or None (never looks at the current folder)."""
    return _lookup(name, sweeps_dir(), "configs/sweeps/")


def _existing_file(name_or_path, what: str) -> Path | None:
    """The path when a file is there (it takes precedence over a shipped name), else None; a UserError when the
    system refuses the path itself (e.g. a name too long)."""
    path = Path(name_or_path)
    try:
        return path if path.is_file() else None
    except OSError as err:
        from .scenario.yaml_source import shown_path

        raise UserError(f"{shown_path(path)}: the file cannot be read ({err.strerror or err}). Expected the path of "
                        f"a YAML file that the system accepts, or the name of a shipped {what}.") from None


def find_scenario(name_or_path) -> Path:
    """A scenario file: the path itself when that file exists (it takes precedence), else the shipped scenario of
    that name; a UserError when it is neither."""
    path = _existing_file(name_or_path, "scenario")
    if path is not None:
        return path
    found = shipped_scenario(name_or_path)
    if found is not None:
        return found
    names = scenario_names()
    key = str(name_or_path).replace("\\", "/").removeprefix("scenarios/").removesuffix(".yaml")
    hint = closest(key, names) or closest(Path(key).name, names)
    raise UserError(f"{name_or_path}: no such file, and no shipped scenario has that name.{hint} "
                    f"Expected a YAML file or the name of a shipped scenario: {', '.join(names)} (listed by "
                    f"`sim scenarios`; the files are in {scenarios_dir()}).")


def find_sweep(name_or_path) -> Path:
    """A sweep file: the path itself when it exists, else the shipped sweep of that name, else the path unchanged
    (the sweep loader then reports it)."""
    return _existing_file(name_or_path, "sweep") or shipped_sweep(name_or_path) or Path(name_or_path)
