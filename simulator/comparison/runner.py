"""`sim compare`: run a baseline and scenarios on the same seed and worlds, compare them and write the folder."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..errors import UserError
from ..files import check_writable


def run_comparison(baseline_file: str, scenario_files, worlds=None, seed=None, out=None, figures=True):
    """Returns (folder, terminal text)."""
    from .. import scenario as scenarios
    from ..output.run import simulate
    from .folder import write
    from .statistics import compare, text_table

    base = scenarios.load(baseline_file).with_overrides(worlds=worlds, seed=seed)
    specs = [scenarios.load(f).with_overrides(worlds=base.worlds, seed=base.seed, weeks=base.weeks)
             for f in scenario_files]
    names = [base.name] + [s.name for s in specs]
    if len(set(names)) != len(names):
        raise UserError(f"sim compare: scenario names must differ to label the results, found {', '.join(names)}. "
                        f"Expected distinct 'name:' keys in the files.")
    folder = Path(out) if out else Path("outputs") / "compare" / f"{base.name}-vs-{'-'.join(names[1:])}" / \
        dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    if folder.exists():
        raise UserError(f"--out {folder}: this path already exists. Expected a new folder; nothing was overwritten.")
    check_writable(folder)

    runs = {spec.name: simulate(spec) for spec in [base] + specs}
    rows = [row for spec in specs for row in compare(runs[base.name].model, runs[spec.name].model, spec.name)]
    write(folder, runs, rows, base.name, figures=figures)
    text = (f"Baseline {base.name} against {', '.join(names[1:])}: {base.worlds:,} paired worlds x {base.weeks} weeks, "
            f"seed {base.seed}\n\n" + text_table(rows, base.name) + f"\n\nResults written to {folder}/ "
            f"(comparison.csv, comparison.json, runs/, figures/)")
    return folder, text
