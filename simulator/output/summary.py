"""Ensemble summaries: median and 5-95% band per metric, and every named outcome over worlds.

Both come from the outcome vocabulary (simulator/model/outcomes.py): a metric's "final", "run_mean", "run_max" and
"run_total" are its final/mean/max/sum outcomes; an event outcome is a share of worlds with its 90% interval.
"""

from __future__ import annotations

import numpy as np

from ..model import outcomes as vocabulary
from ..model.metrics import KEY_METRICS, LEVERAGE_METRICS, METRICS
from ..model.units import fmt, fmt_band, is_share

METRIC_STATS = {"final": "final", "run_mean": "mean", "run_max": "max"}  # summary key -> outcome statistic


def _metric_outcomes() -> dict[tuple[str, str], vocabulary.Outcome]:
    out = {}
    for name, metric in METRICS.items():
        stats = dict(METRIC_STATS, **({"run_total": "sum"} if metric.unit.endswith("per week") else {}))
        for key, stat in stats.items():
            out[(name, key)] = vocabulary.Outcome(name, stat)
    return out


def summarize(model) -> dict:
    """Per metric: the final week, the mean over the run, the peak (and the total of weekly counts), each as
    median/p5/p95 over worlds; per named outcome: a share of worlds with its interval, or a median and band."""
    specs = _metric_outcomes()
    values = vocabulary.from_series(model.recorder.series, {f"{m}:{k}": o for (m, k), o in specs.items()})
    metrics = {}
    for (name, key), _ in specs.items():
        median, p5, p95 = vocabulary.band(values[f"{name}:{key}"])
        metrics.setdefault(name, {"unit": METRICS[name].unit})[key] = {"median": median, "p5": p5, "p95": p95}
    per_world = vocabulary.from_series(model.recorder.series)
    outcomes = {name: {"description": o.description, "unit": o.unit, **vocabulary.summarize(o, per_world[name])}
                for name, o in vocabulary.OUTCOMES.items()}
    return {"worlds": model.worlds, "weeks": model.week, "seed": model.seed, "metrics": metrics, "outcomes": outcomes}


def summary_rows(summary: dict) -> list[dict]:
    """summary.json flattened for summary.csv: one row per (metric, statistic) and one per outcome."""
    rows = []
    for name, entry in summary["metrics"].items():
        for stat, values in entry.items():
            if stat != "unit":
                rows.append({"kind": "metric", "name": name, "statistic": stat, "unit": entry["unit"], **values})
    for name, entry in summary["outcomes"].items():
        if entry["kind"] == "event":
            row = {"statistic": "share", "median": entry["share"], "p5": entry["low"], "p95": entry["high"]}
        else:
            row = {"statistic": vocabulary.OUTCOMES[name].stat, "median": entry["median"], "p5": entry["p5"],
                   "p95": entry["p95"]}
        rows.append({"kind": "outcome", "name": name, "unit": entry["unit"], **row})
    return rows


UP, DOWN = "\u2191", "\u2193"
MATERIAL = 0.05  # a median that moved less than 5% of its start is not marked (1,561 against 1,550 is noise)
EVENT_COLUMNS = 4  # at most this many columns for the scenario's events
MIN_GAP = 4  # weeks: an event's column closer than this to another column adds little
SPAN_OPTIONS = ("duration", "over_weeks", "federal_weeks", "weeks")  # options that say how long an event lasts


def event_weeks(model) -> list[tuple[int, str, str]]:
    """(week, role, note) for the weeks around the scenario's scheduled events: a week inside each event that lasts
    (its middle) and the first week after it, or a month after an event that does not end; at most EVENT_COLUMNS,
    inside weeks first, none within MIN_GAP weeks of another column, the start or the end."""
    end = model.week
    inside, after = [], []
    for e in model.schedule_events.events:
        if e.week is None or not 0 < e.week < end:
            continue
        span = next((e.options[k] for k in SPAN_OPTIONS if isinstance(e.options.get(k), int)), None)
        if span:
            inside.append((min(e.week + span // 2, end), "during",
                           f"inside \u201c{e.name}\u201d (weeks {e.week}\u2013{e.week + span - 1})"))
            after.append((e.week + span, "after", f"the first week after \u201c{e.name}\u201d ended"))
        else:
            after.append((e.week + 4, "after", f"four weeks after \u201c{e.name}\u201d (week {e.week})"))
    chosen: list[tuple[int, str, str]] = []
    for week, role, note in inside + after:
        taken = [0, end] + [w for w, _, _ in chosen]
        if len(chosen) < EVENT_COLUMNS and week < end and all(abs(week - w) >= MIN_GAP for w in taken):
            chosen.append((week, role, note))
    return sorted(chosen)


BREAK = "\x00"  # between a median and its band: a space where the table fits on one line a row, else a line break


def _cell(values, start, unit: str) -> str:
    """'median [p5-p95]', with an arrow where the median moved materially: beyond the start's 5-95% band and by
    MATERIAL of the start's median or more."""
    median, p5, p95 = vocabulary.band(values)
    s_median, s_low, s_high = start
    moved = (fmt(median, unit) != fmt(s_median, unit) and not s_low <= median <= s_high
             and abs(median - s_median) >= MATERIAL * abs(s_median))
    mark = (UP if median > s_high else DOWN) + " " if moved else ""
    return mark + fmt_band(median, p5, p95, unit, sep=BREAK)


def _furthest(series, first: int, unit: str, calendar, start) -> str:
    """The week whose median is furthest from the start's, with its value and date."""
    medians = np.median(series[first:], axis=1)
    distance = np.abs(medians - start[0])
    week = first + int(np.argmax(distance))
    if fmt(medians[week - first], unit) == fmt(start[0], unit):
        return "no change"
    when = f"week {week}\n{calendar.date(week).isoformat()}"
    return _cell(series[week], start, unit) + "\n" + when


def metrics_table(model, columns: int | None = None) -> str:
    """The key metrics at the weeks that tell this run's story: the start, the weeks around each scenario event, the
    week each metric was furthest from its start, and the end, fitted to the terminal's width."""
    from .bands import first_week
    from .tables import natural_width, render, width

    columns = columns or width()
    end = model.week
    events = event_weeks(model)
    picked = [(0, "start", None)] + events + [(end, "end", None)]
    header = ["metric"] + [f"{role}\nweek {w}\n{model.calendar.date(w).isoformat()}" for w, role, _ in picked]
    header.insert(len(header) - 1, "furthest\nfrom the\nstart")
    names = KEY_METRICS + LEVERAGE_METRICS

    body = []
    for name in names:
        metric = METRICS[name]
        series = np.asarray(model.recorder.series(name), dtype=float)
        first = min(first_week(metric.unit), end)
        start = vocabulary.band(series[first])
        label = metric.description + ("" if is_share(metric.unit) else f"\n{metric.unit}")
        cells = [_cell(series[max(w, first)], start, metric.unit) for w, _, _ in picked]
        cells.insert(len(cells) - 1, _furthest(series, first, metric.unit, model.calendar, start))
        body.append([label, *cells])
    one_line = [[cell.replace(BREAK, " ") for cell in row] for row in body]
    fits = natural_width(header, one_line, label_width=LABEL_WIDTH) <= columns
    body = one_line if fits else [[cell.replace(BREAK, "\n") for cell in row] for row in body]
    notes = [f"{UP}/{DOWN}: the median rose/fell beyond the start's 5-95% band and by {MATERIAL:.0%} or more. Weekly "
             f"counts (attacks) start at week 1."]
    notes += [f"Week {w}: {note}." for w, _, note in events]
    return "\n".join([render(header, body, title="Key metrics, median [5%-95% of worlds]:", columns=columns,
                              label_width=LABEL_WIDTH, gaps=True), *_wrap(notes, columns)])


LABEL_WIDTH = 22


def _wrap(lines: list[str], columns: int, indent: str = "") -> list[str]:
    import textwrap

    return [wrapped for line in lines for wrapped in
            textwrap.wrap(line, width=columns, initial_indent=indent, subsequent_indent=indent + "  ")]


def outcome_lines(summary: dict, columns: int | None = None) -> list[str]:
    """The event outcomes as sentences about shares of worlds, the most frequent first."""
    from .tables import width

    events = [e for e in summary["outcomes"].values() if e["kind"] == "event"]
    events.sort(key=lambda e: -e["share"])
    sentences = [vocabulary.share_sentence(e["description"], e["share"], e["low"], e["high"]) for e in events]
    columns = columns or width()
    return [*_wrap(["Outcomes, in what share of worlds they happened [90% interval]:"], columns),
            *_wrap(sentences, columns, indent="  ")]


def text_table(model, summary: dict, columns: int | None = None) -> str:
    """The terminal summary: the key metrics at the weeks that matter, then the outcomes as shares of worlds."""
    return "\n".join([metrics_table(model, columns), "", *outcome_lines(summary, columns)])
