"""Regenerate tests/data/regression_baseline.json, the fixed-seed summary that guards against silent changes.

Run it only when a change to the model's results is intended, and say why in the commit message:
    python scripts/update_regression_baseline.py
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE_FILE = ROOT / "tests" / "data" / "regression_baseline.json"
SCENARIOS = ("baseline", "withdrawal", "dollar_cudgel", "militia_escalation")
WORLDS, SEED = 200, 12345


def compute() -> dict:
    from simulator.output.run import simulate
    from simulator.output.summary import summarize
    from simulator.scenario import load

    out = {}
    for name in SCENARIOS:
        model = simulate(load(ROOT / "scenarios" / f"{name}.yaml").with_overrides(worlds=WORLDS, seed=SEED)).model
        summary = summarize(model)
        flat = {f"{metric}.{stat}.{q}": value for metric, entry in summary["metrics"].items()
                for stat, values in entry.items() if stat != "unit" for q, value in values.items()}
        flat.update({f"outcome.{k}.{stat}": v[stat] for k, v in summary["outcomes"].items()
                     for stat in ("share", "median") if stat in v})
        out[name] = flat
    return out


if __name__ == "__main__":
    BASELINE_FILE.parent.mkdir(parents=True, exist_ok=True)
    BASELINE_FILE.write_text(json.dumps(compute(), indent=1, sort_keys=True) + "\n")
    print(f"wrote {BASELINE_FILE}")
