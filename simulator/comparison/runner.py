"""`sim compare`: run a baseline and scenarios on the same seed and worlds, compare them (each with the baseline and,
with pairs, each with every other), reveal the class's predictions, and write the folder."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

from ..errors import UserError


def run_comparison(baseline_file: str, scenario_files, worlds=None, seed=None, out=None, figures=True, pairs=False,
                   prediction_files=(), default_predictions=True, columns=None):
    """Returns (folder, terminal text)."""
    from .. import scenario as scenarios
    from ..output.run import simulate
    from ..output.tables import width
    from .folder import write
    from .guesses import gather, reveal, text
    from .statistics import compare, text_table

    base = scenarios.load(baseline_file).with_overrides(worlds=worlds, seed=seed)
    specs = [scenarios.load(f).with_overrides(worlds=base.worlds, seed=base.seed, weeks=base.weeks)
             for f in scenario_files]
    names = [base.name] + [s.name for s in specs]
    if len(set(names)) != len(names):
        raise UserError(f"sim compare: scenario names must differ to label the results, found {', '.join(names)}. "
                        f"Expected distinct 'name:' keys in the files.")
    if pairs and len(specs) < 2:
        raise UserError(f"--pairs compares the scenarios after the baseline with each other, but only "
                        f"{', '.join(names[1:])} follows {base.name}. Expected two or more scenarios after the "
                        f"baseline, or compare the two directly: sim compare FIRST SECOND.")
    folder = Path(out) if out else Path("outputs") / "compare" / f"{base.name}-vs-{'-'.join(names[1:])}" / \
        dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    if folder.exists():
        raise UserError(f"--out {folder}: this path already exists. Expected a new folder; nothing was overwritten.")
    guesses = gather(prediction_files, names, default_predictions)

    runs = {spec.name: simulate(spec) for spec in [base] + specs}
    comparisons = [(s, base.name) for s in names[1:]]
    if pairs:
        comparisons += [(later, earlier) for i, earlier in enumerate(names[1:], 1) for later in names[i + 1:]]
    rows = [row for scenario, reference in comparisons
            for row in compare(runs[reference].model, runs[scenario].model, scenario, reference)]
    revealed = reveal(guesses, runs, rows) if guesses else None
    write(folder, runs, rows, base.name, figures=figures, predictions=revealed)
    against = ", ".join(names[1:]) + (" (and with each other)" if pairs else "")
    heading = (f"Baseline {base.name} against {against}: {base.worlds:,} paired worlds x {base.weeks} weeks, seed "
               f"{base.seed}")
    out_text = "\n".join(textwrap.wrap(heading, columns or width())) + "\n\n" + text_table(rows, base.name, columns)
    if revealed:
        out_text += "\n\n" + text(revealed, columns)
    written = "comparison.csv, comparison.json, runs/" + (", predictions.json" if revealed else "") + \
        (", figures/" if figures else "")
    done = textwrap.wrap(f"Results written to {folder}/ ({written})", columns or width(), break_long_words=False)
    return folder, out_text + "\n\n" + "\n".join(done)
