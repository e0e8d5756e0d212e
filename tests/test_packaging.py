"""The package installs anywhere: build a wheel, install it (core only, no extras) into a fresh virtual environment
and use it from an empty folder, far from the source tree.

Dependencies come from the package index (pip's cache makes this quick after the first time). Marked `slow` so it
can be deselected locally with `-m "not slow"`; plain `pytest` (what CI runs) includes it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SKIP = shutil.ignore_patterns(".git", ".venv", "outputs", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache",
                              ".hypothesis", "predictions", "node_modules")
NESTED = "history/zz_packaging_check"  # added to the copy only: proves scenario subfolders are shipped

pytestmark = pytest.mark.slow


def _run(args, cwd, timeout=600, check=True):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env["MPLBACKEND"] = "Agg"
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, args))} exited {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(bin folder of a fresh venv with the core wheel installed, the wheel, an empty working folder)."""
    tmp = tmp_path_factory.mktemp("packaging")
    src = tmp / "src"  # build from a copy, so the source tree gets no build/ folder and a subfolder can be added
    shutil.copytree(ROOT, src, ignore=SKIP)
    nested = src / "scenarios" / f"{NESTED}.yaml"
    nested.parent.mkdir(parents=True, exist_ok=True)
    nested.write_text("extends: ../baseline.yaml\nname: zz_packaging_check\ntitle: Packaging check\n")

    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", tmp / "wheels", src], cwd=tmp)
    (wheel,) = (tmp / "wheels").glob("leverage_sim-*.whl")

    # a venv without its own pip (saves ~10 s), filled by this interpreter's pip; --no-compile saves ~20 s
    venv.EnvBuilder(with_pip=False).create(tmp / "venv")
    bin_dir = tmp / "venv" / ("Scripts" if os.name == "nt" else "bin")
    _run([sys.executable, "-m", "pip", "--python", bin_dir / "python", "install", "-q", "--no-compile",
          "--disable-pip-version-check", wheel], cwd=tmp)
    empty = tmp / "empty"
    empty.mkdir()
    return bin_dir, wheel, empty


def test_wheel_carries_the_shipped_data(installed):
    _, wheel, _ = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {"simulator/py.typed", "simulator/_shipped/configs/parameters.yaml",
                "simulator/interfaces/dashboard/fan_chart.vue",  # the dashboard's charts, drawn by the browser
                *(f"simulator/interfaces/report/templates/{p.name}"
                  for p in (ROOT / "simulator" / "interfaces" / "report" / "templates").glob("*.j2")),
                f"simulator/_shipped/scenarios/{NESTED}.yaml",
                *(f"simulator/_shipped/scenarios/{p.relative_to(ROOT / 'scenarios').as_posix()}"
                  for p in (ROOT / "scenarios").rglob("*.yaml")),
                *(f"simulator/_shipped/configs/sweeps/{p.name}" for p in (ROOT / "configs" / "sweeps").glob("*.yaml"))}
    assert expected <= names, sorted(expected - names)
    assert not any(n.startswith(("tests/", "scenarios/", "configs/")) for n in names)


def test_core_install_runs_a_shipped_scenario_from_an_empty_folder(installed):
    bin_dir, _, empty = installed
    extras = _run([bin_dir / "python", "-c", "import importlib.util as u; "
                   "print([m for m in ('dask', 'SALib', 'solara', 'altair') if u.find_spec(m)])"], cwd=empty)
    assert extras.stdout.strip() == "[]", "the core install pulled in an extra"

    _run([bin_dir / "sim", "run", "withdrawal", "--worlds", 50, "--no-figures"], cwd=empty)
    runs = sorted((empty / "outputs" / "withdrawal").iterdir())
    assert len(runs) == 1 and (runs[0] / "summary.json").is_file() and not (runs[0] / "figures").exists()

    _run([bin_dir / "sim", "run", "withdrawal", "--worlds", 50], cwd=empty)  # figures on: matplotlib is core
    runs = sorted((empty / "outputs" / "withdrawal").iterdir())
    assert len(runs) == 2 and any((runs[1] / "figures").glob("*.png"))

    validated = _run([bin_dir / "sim", "validate", NESTED, "baseline"], cwd=empty)
    assert f"{NESTED}: OK" in validated.stdout
    assert set(p.name for p in empty.iterdir()) == {"outputs"}  # nothing else written into the folder


def test_missing_extras_name_the_pip_command(installed):
    bin_dir, _, empty = installed
    for args, extra in ((["sweep", "exit_map"], "sweeps"), (["analyze", "somewhere"], "sweeps"),
                        (["dashboard"], "dashboard")):
        result = _run([bin_dir / "sim", *args], cwd=empty, check=False)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert f"sim {args[0]} needs the {extra} extra" in result.stderr
        assert f"pip install 'leverage-sim[{extra}]'" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_version_of_the_installed_package(installed):
    bin_dir, _, empty = installed
    from simulator import __version__

    assert _run([bin_dir / "sim", "--version"], cwd=empty).stdout.strip() == f"sim, version {__version__}"
