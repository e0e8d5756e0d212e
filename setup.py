"""Build hook: copy the shipped data into the package, so a wheel (and anything installed from it) carries it.

The files users edit stay at the top of the source tree: configs/parameters.yaml, configs/sweeps/*.yaml and
scenarios/**/*.yaml. `build_py` copies them into simulator/_shipped/ inside the build folder with the same layout,
so relative references between them (a sweep's `scenario: ../../scenarios/x.yaml`) keep working. Editable installs
skip the copy: they read the top-level files directly (see simulator/shipped.py). Everything else is declared in
pyproject.toml; MANIFEST.in puts the same files into the sdist.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
TARGET = ("simulator", "_shipped")
SHIPPED = [("configs", "parameters.yaml"), ("configs/sweeps", "*.yaml"), ("scenarios", "**/*.yaml")]


def shipped_files():
    """(source file, path relative to the project root) of every shipped data file."""
    for folder, pattern in SHIPPED:
        for path in sorted((HERE / folder).glob(pattern)):
            if path.is_file():
                yield path, path.relative_to(HERE)


class BuildPyWithShippedData(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib, *TARGET)
        files = list(shipped_files())
        if not any(rel.as_posix() == "configs/parameters.yaml" for _, rel in files):
            raise RuntimeError(f"configs/parameters.yaml is missing under {HERE}; cannot build leverage-sim")
        for source, rel in files:
            self.mkpath(str((target / rel).parent))
            self.copy_file(str(source), str(target / rel))

    def get_outputs(self, include_bytecode=True):
        outputs = super().get_outputs(include_bytecode)
        if getattr(self, "editable_mode", False):
            return outputs
        return outputs + [str(Path(self.build_lib, *TARGET, rel)) for _, rel in shipped_files()]


setup(cmdclass={"build_py": BuildPyWithShippedData})
