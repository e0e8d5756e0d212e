"""The story of one typical world: what happened, in order, in plain language, with the numbers that matter."""

from __future__ import annotations

import textwrap

import numpy as np

from ..model.metrics import KEY_METRICS
from ..model.units import fmt

QUIET_KINDS = {"strike", "casualties", "militia.posture.hardline_allies", "militia.posture.state_aligned"}
FLAPPING_KINDS = {"us.retaliation", "iran.direction", "iraq.exit_stance", "militia.posture.kataib_hezbollah", "dollars",
                  "gas_supply"}
MIN_PERSISTENCE = 4  # a change of stance is told only if it lasts at least this many weeks
MAX_LINES = 14


def typical_world(model) -> int:
    """Index of the world whose key-metric paths are closest to the ensemble median (standardised per week)."""
    distance = np.zeros(model.worlds)
    for name in KEY_METRICS:
        s = model.recorder.series(name).astype(float)
        spread = s.std(axis=1, keepdims=True) + 1e-9
        distance += (((s - np.median(s, axis=1, keepdims=True)) / spread) ** 2).mean(axis=0)
    return int(np.argmin(distance))


def tell(model, events) -> dict:
    """The story of the typical world as records: which world, the happenings in order (week, date, actor, text),
    whether more were left out, and a closing paragraph of numbers. `render` turns it into story.txt."""
    i = typical_world(model)
    world_id = int(model.world_ids[i])
    mine = events[(events["world"] == world_id) & ~events["kind"].isin(QUIET_KINDS)]
    rows = list(mine.itertuples(index=False))
    lines, more = [], False
    for n, row in enumerate(rows):
        if row.kind in FLAPPING_KINDS:
            later = [r.week for r in rows[n + 1:] if r.kind == row.kind]
            if later and later[0] - row.week < MIN_PERSISTENCE:
                continue
        if len(lines) == MAX_LINES:
            more = True
            break
        lines.append({"week": int(row.week), "date": model.calendar.date(int(row.week)).isoformat(),
                      "actor": str(row.actor), "text": str(row.description)})
    return {"world": world_id, "worlds": model.worlds, "lines": lines, "more": more, "numbers": _numbers(model, i)}


def render(story: dict) -> str:
    """story.txt: the heading, one line per happening, and the numbers, wrapped for a terminal."""
    out = [f"Story of a typical world (world {story['world']}, the closest of {story['worlds']} to the median on the "
           f"key metrics):"]
    out += [f"  week {line['week']} ({line['date']}): {line['text']}" for line in story["lines"]]
    if story["more"]:
        out.append("  ... (the full list is in events.parquet)")
    if not story["lines"]:
        out.append("  No lever was pulled and no actor changed course for long.")
    out.append(textwrap.fill(story["numbers"], width=110, initial_indent="  ", subsequent_indent="  "))
    return "\n".join(out)


def _numbers(model, i: int) -> str:
    s = lambda name: model.recorder.series(name)[:, i].astype(float)
    n = lambda value, unit: fmt(value, unit)
    attacks, strikes, casualties = s("attacks_per_week"), s("us_strikes_per_week"), s("us_casualties_per_week")
    rate, shortfall = s("parallel_rate"), s("power_shortfall")
    troops, pressure = s("us_troops_iraq"), s("exit_pressure")
    return (f"Over {model.week} weeks the militias attacked US forces {n(attacks.sum(), 'attacks')} times "
            f"({n(attacks[1:14].sum(), 'attacks')} in the first 13 weeks), the US struck back "
            f"{n(strikes.sum(), 'strikes')} times and {n(casualties.sum(), 'people')} US personnel were killed or "
            f"seriously wounded. The parallel rate peaked at {n(rate.max(), 'IQD per USD')} IQD/USD in "
            f"{model.calendar.label(int(rate.argmax()))}; the worst power shortfall left "
            f"{n(shortfall.max(), 'share of demand')} of demand unmet. Iran earned on average "
            f"{n(s('iran_revenue_from_iraq')[1:].mean(), 'USD bn per year')} bn USD a year from Iraq. Baghdad's exit "
            f"pressure went from {n(pressure[0], 'index 0-1')} to {n(pressure[-1], 'index 0-1')}, and "
            f"{n(troops[-1], 'troops')} US troops were in Iraq at the end (from {n(troops[0], 'troops')}). PMU "
            f"fighters: {n(s('pmu_fighters')[0], 'fighters')} to {n(s('pmu_fighters')[-1], 'fighters')}.")
