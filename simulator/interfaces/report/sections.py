"""The sections of the report as plain data: each function takes the folder read by `folders.load` and returns a dict
of already-formatted strings, table rows and base64 figures, which templates/ lays out (see cells.py for the few
shapes a table cell can take). Nothing here builds HTML, so no text from a folder can inject markup.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from ...comparison.folder import ComparisonFolder
from ...comparison.statistics import NOISE, TOO_SMALL, by_pair, verdict
from ...model.metrics import KEY_METRICS, LEVERAGE_MATRIX, LEVERAGE_METRICS, METRICS
from ...model.outcomes import OUTCOMES
from ...model.units import fmt, fmt_band
from ...output.predictions import band_position
from ...output.run_folder import RunFolder
from .cells import BR, bar, code, figure, note, nowrap, strong, table

NOT_FORECAST = ("This model explores dynamics under stated assumptions; it does not forecast. Read every number as "
                "\u201cunder these assumptions, this lever tends to move things this way, with this spread\u201d, not "
                "as a prediction of what will happen.")
TOTALS = {"attacks_per_week": "attacks on US forces in Iraq", "us_strikes_per_week": "US strikes on militias",
          "us_casualties_per_week": "US personnel killed or seriously wounded"}
# Levers that change a parameter besides set_parameter: action -> (parameter, value) (see model/events.py)
PARAMETER_ACTIONS = {"gaza_ceasefire": ("world_gaza_war", 0.0), "gaza_war_resumes": ("world_gaza_war", 1.0)}
SHARE = "share of worlds"


# ------------------------------------------------------------------------------------------------------ helpers
def week_label(run: RunFolder, week: int) -> str:
    return f"week {week} ({(run.start + dt.timedelta(weeks=int(week))).isoformat()})"


def metric_label(name: str) -> str:
    return METRICS[name].description if name in METRICS else name.replace("_", " ")


def unit_of(name: str, entry: dict | None = None) -> str:
    if entry and entry.get("unit"):
        return str(entry["unit"])
    return METRICS[name].unit if name in METRICS else ""


def stat_band(entry: dict | None, statistic: str, unit: str) -> str:
    s = (entry or {}).get(statistic)
    if not isinstance(s, dict):
        return "n/a"
    return fmt_band(s.get("median"), s.get("p5"), s.get("p95"), unit)


def runs_of(result: RunFolder | ComparisonFolder) -> dict:
    return result.runs if isinstance(result, ComparisonFolder) else {result.name: result}


def per_run(result, render) -> list[dict]:
    """[{"heading", **render(run)}]: one entry for a run (no heading), one per scenario for a comparison."""
    if isinstance(result, RunFolder):
        return [{"heading": None, **render(result)}]
    out = []
    for name, run in result.runs.items():
        heading = name if name != result.baseline or name == "baseline" else f"{name} (the baseline)"
        out.append({"heading": heading, **render(run)})
    return out


def paragraphs(text: str) -> list[str]:
    """Blank-line-separated paragraphs, with their line breaks and runs of spaces collapsed."""
    return [" ".join(b.split()) for b in text.strip().split("\n\n") if b.strip()]


def stamp(iso) -> str:
    """An ISO time as '2024-01-15 12:00:00 UTC+00:00'."""
    if not iso:
        return "at an unrecorded time"
    try:
        t = dt.datetime.fromisoformat(str(iso))
    except ValueError:
        return str(iso)
    zone = t.strftime(" UTC%z") if t.tzinfo else ""
    return t.strftime("%Y-%m-%d %H:%M:%S") + (zone[:-2] + ":" + zone[-2:] if zone else "")


def _and(names) -> str:
    names = [str(n) for n in names]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


# ------------------------------------------------------------------------------------------------------- header
def header(result, created: dt.datetime) -> dict:
    runs = runs_of(result)
    first = next(iter(runs.values()))
    m = first.manifest
    worlds, weeks, seed = m.get("worlds"), m.get("weeks"), m.get("seed")
    if isinstance(result, ComparisonFolder):
        data = result.data
        worlds, weeks, seed = data.get("worlds", worlds), data.get("weeks", weeks), data.get("seed", seed)
        title = f"{', '.join(result.scenarios)} compared with {result.baseline}"
        what = (f"Comparison of {len(result.scenarios)} scenario{'s' if len(result.scenarios) != 1 else ''} with the "
                f"baseline on {fmt(worlds)} paired worlds")
        run_created = ", ".join(dict.fromkeys(stamp(r.manifest.get("created")) for r in runs.values()))
    else:
        title = f"{first.name}: {first.title}" if first.title else first.name
        what = f"Run of {fmt(worlds)} worlds"
        run_created = stamp(m.get("created"))
    end = first.start + dt.timedelta(weeks=int(weeks or 0))
    versions = m.get("versions") or {}
    return {
        "title": title,
        "meta": [
            f"{what} \u00d7 {weeks} weeks, from {first.start.isoformat()} to {end.isoformat()}, seed {seed}.",
            f"Simulated {run_created}; report written {stamp(created.isoformat(timespec='seconds'))}.",
            "Versions: " + (", ".join(f"{k} {v}" for k, v in versions.items()) or "not recorded") + ".",
            f"Folder: {result.folder.resolve()}",
        ],
        "not_forecast": NOT_FORECAST,
    }


# ----------------------------------------------------------------------------------------------------- question
def question(result) -> dict:
    def render(run: RunFolder) -> dict:
        resolved = run.manifest.get("resolved_scenario") or {}
        files = [str(f) for f in resolved.get("files") or []] or \
            [str(f.get("path") if isinstance(f, dict) else f) for f in run.manifest.get("scenario_files") or []]
        return {"title": run.title or run.name, "paragraphs": paragraphs(run.description), "files": files}

    lead = None
    if isinstance(result, ComparisonFolder):
        lead = (f"What changes, world by world, when {_and(result.scenarios)} "
                f"{'is' if len(result.scenarios) == 1 else 'are'} set against the baseline {result.baseline}? "
                f"Each scenario's own question:")
    return {"lead": lead, "runs": per_run(result, render)}


# ------------------------------------------------------------------------------------------------------- levers
def levers(result) -> dict:
    def render(run: RunFolder) -> dict:
        events = run.events_declared
        if not events:
            return {"table": None}
        fired = _fired_counts(run) if any(e.get("week") is None for e in events) else None
        rows = [[_lever_name(e), _lever_when(run, e, fired), _lever_action(e), _lever_options(e)] for e in events]
        return {"table": table(["lever", "when", "action", "options"], rows, class_="levers")}

    return {"runs": per_run(result, render)}


def _lever_name(e: dict) -> list:
    name = strong(e.get("name") or e.get("action", "?"))
    return [name, note(f" \u2014 {e['description']}")] if e.get("description") else [name]


def _lever_when(run: RunFolder, e: dict, fired) -> list:
    if e.get("week") is not None:
        date = (run.start + dt.timedelta(weeks=int(e["week"]))).isoformat()
        repeat = f", then every {e['every']} weeks" if e.get("repeat") and e.get("every") else ""
        return [f"week {e['week']}", BR, nowrap(date), repeat]
    trigger = e.get("when") or {}
    metric = trigger.get("metric", "?")
    unit = unit_of(metric)
    parts = [f"{side} {fmt(trigger[side], unit)}" for side in ("above", "below") if trigger.get(side) is not None]
    n = int(trigger.get("for_weeks") or 1)
    text = (f"when {metric_label(metric)} ({metric}) is {' and '.join(parts) or '?'} {unit} for "
            f"{n} consecutive week{'s' if n != 1 else ''}")
    if int(trigger.get("after_week") or 1) > 1:
        text += f", from week {trigger['after_week']} on"
    if e.get("repeat"):
        text += f"; may fire again after {e.get('every') or n} weeks"
    out = [text]
    if fired is not None:
        out.append(note(" " + _fired_text(run, fired, e)))
    return out


def _fired_counts(run: RunFolder):
    """The scenario's events in events.parquet."""
    ev = run.events()
    return ev[ev["actor"] == "scenario"]


def _fired_text(run: RunFolder, fired, e: dict) -> str:
    mine = fired[fired["description"] == (e.get("name") or e.get("action"))]
    worlds = int(run.manifest.get("worlds") or 0)
    if mine.empty:
        return "(it fired in no world)"
    first = mine.groupby("world")["week"].min()
    return (f"(fired in {fmt(len(first) / worlds if worlds else None, SHARE)} of worlds; median first week "
            f"{int(np.median(first))})")


def _lever_action(e: dict) -> list:
    from ...model.events import ACTIONS

    action = e.get("action", "?")
    help_text = ACTIONS[action].help if action in ACTIONS else "an action this version of the simulator does not know"
    return [code(action), BR, help_text]


def _lever_options(e: dict):
    from ...model.events import ACTIONS

    options = e.get("options") or {}
    if not options:
        return "none"
    known = ACTIONS[e["action"]].options if e.get("action") in ACTIONS else {}
    items = []
    for key, value in options.items():
        shown = ("rest of the run" if key == "duration" else "default") if value is None else \
            str(value).lower() if isinstance(value, bool) else fmt(value) if isinstance(value, (int, float)) else \
            str(value)
        help_text = known[key].help if key in known and known[key].help else ""
        items.append([code(key), f" = {shown}", *([note(f" ({help_text})")] if help_text else [])])
    return [{"kind": "list", "items": items}]


# ---------------------------------------------------------------------------------------------------- headlines
def headlines(result) -> dict:
    if isinstance(result, ComparisonFolder):
        return _comparison_headlines(result)
    run = result
    weeks, worlds = run.manifest.get("weeks"), int(run.manifest.get("worlds") or 0)
    metrics = run.summary.get("metrics", {})
    rows = []
    for name in KEY_METRICS:
        entry = metrics.get(name)
        if entry is None:
            continue
        unit = unit_of(name, entry)
        rows.append([metric_label(name), unit, stat_band(entry, "final", unit), stat_band(entry, "run_max", unit),
                     stat_band(entry, "run_mean", unit)])
    totals = [f"{TOTALS[n]}: {stat_band(metrics[n], 'run_total', 'people')}"
              for n in TOTALS if n in metrics and "run_total" in metrics[n]]
    events, values = _outcome_tables(run, worlds)
    figures = [figure(run.figures[name].read_bytes(), caption,
                      f"{caption}: median (line), 25\u201375% and 5\u201395% of worlds (bands); vertical lines mark "
                      f"the scenario's events.")
               for name, caption in (("key_metrics.png", "Key metrics over time"),
                                     ("violence.png", "Violence: attacks by faction, US strikes and casualties, "
                                                      "escalation"))
               if name in run.figures]
    return {
        "comparison": False,
        "worlds": fmt(worlds),
        "metrics": table(["metric", "unit", f"at the end (week {weeks})", "peak over the run", "mean over the run"],
                         rows, numeric=(2, 3, 4), caption="Key metrics", class_="metrics"),
        "totals": f"Totals over the {weeks} weeks, median [5\u201395%]: " + "; ".join(totals) + "." if totals else None,
        "events": events,
        "values": values,
        "share_note": _share_note(worlds),
        "figures": figures,
        "no_figures": not run.figures,
        "figures_problem": run.figures_problem,
    }


def _outcome_entries(summary: dict, kind: str) -> list[tuple[str, dict]]:
    return [(k, e) for k, e in (summary.get("outcomes") or {}).items() if isinstance(e, dict) and e.get("kind") == kind]


def _share_text(entry: dict | None) -> str:
    if not entry:
        return "n/a"
    return fmt_band(entry.get("share"), entry.get("low"), entry.get("high"), SHARE)


def _outcome_tables(run: RunFolder, worlds: int):
    events = sorted(_outcome_entries(run.summary, "event"), key=lambda kv: -float(kv[1].get("share") or 0))
    rows = []
    for key, e in events:
        share = float(e.get("share") or 0)
        rows.append([e.get("description", key), [bar(5 * share), fmt(share, SHARE)],
                     fmt_band(share, e.get("low"), e.get("high"), SHARE).partition(" ")[2] or "\u2014",
                     f"{fmt(round(share * worlds))} of {fmt(worlds)}"])
    event_table = table(["outcome", "share of worlds", "90% interval", "worlds"], rows, numeric=(1, 2, 3),
                        caption="Outcomes: in how many worlds it happened", class_="outcomes") if rows else None
    rows = []
    for key, e in _outcome_entries(run.summary, "value"):
        unit = str(e.get("unit", ""))
        rows.append([e.get("description", key), unit, fmt_band(e.get("median"), e.get("p5"), e.get("p95"), unit)])
    value_table = table(["outcome", "unit", "median [5\u201395%]"], rows, numeric=(2,),
                        caption="Outcomes: a value per world") if rows else None
    return event_table, value_table


def _share_note(worlds: int) -> str:
    return (f"With a finite number of worlds a share is itself uncertain: the 90% interval (Wilson) shows how far the "
            f"share of {fmt(worlds)} worlds could be from the share an unlimited number of worlds would give. A share "
            f"shown without an interval is exact to the displayed precision.")


def _row_unit(r: dict) -> str:
    if r.get("unit"):
        return str(r["unit"])
    key = r.get("key")
    return OUTCOMES[key].unit if key in OUTCOMES else ""


def _row_label(r: dict) -> str:
    key = r.get("key")
    return str(r.get("label") or (OUTCOMES[key].description if key in OUTCOMES else key) or "?")


def _difference(r: dict) -> list:
    unit = _row_unit(r)
    interval = f"[{fmt(r.get('ci90_low'), unit, signed=True)}, {fmt(r.get('ci90_high'), unit, signed=True)}]"
    return [fmt(r.get("mean_difference"), unit, signed=True), BR, note(interval)]


def _reading(r: dict) -> list:
    """The verdict `sim compare` prints (statistics.verdict), worked out again from the row's numbers, so a
    hand-edited or older comparison.json cannot make the two disagree."""
    stats = {"distinguishable": bool(r.get("distinguishable")), "mean_difference": float(r.get("mean_difference") or 0)}
    text = verdict(stats, r.get("better") if r.get("better") in ("higher", "lower") else None, _row_unit(r))
    return [{"kind": "verdict-same" if text in (NOISE, TOO_SMALL) else "verdict-diff", "text": text}]


def _comparison_headlines(comp: ComparisonFolder) -> dict:
    rows_all = [r for r in comp.data.get("rows") or [] if isinstance(r, dict)]
    worlds = comp.data.get("worlds") or comp.runs[comp.baseline].manifest.get("worlds")
    scenarios = []
    pairs = by_pair(rows_all, comp.baseline)
    for scenario in comp.scenarios:  # a scenario without rows still gets its heading
        if not any(s == scenario for s, _ in pairs):
            pairs[(scenario, comp.baseline)] = []
    for (scenario, reference), rows in pairs.items():
        body = [[[_row_label(r), BR, note(_row_unit(r))], fmt(r.get("baseline_value"), _row_unit(r)),
                 fmt(r.get("scenario_value"), _row_unit(r)), _difference(r),
                 f"{fmt(r.get('share_higher'), SHARE)} / {fmt(r.get('share_lower'), SHARE)}", _reading(r)]
                for r in rows]
        n_diff = sum(_reading(r)[0]["kind"] == "verdict-diff" for r in rows)
        scenarios.append({
            "heading": f"{scenario} against {reference}",
            "table": table(["headline (unit)", reference, scenario, "difference [90% interval]",
                            "paired worlds higher / lower", "reading"], body, numeric=(1, 2, 3, 4),
                           class_="compare") if body else None,
            "tally": _tally(n_diff, len(rows), reference),
        })
    names = list(comp.runs)
    numeric = tuple(range(1, len(names) + 1))
    event_keys = list(dict.fromkeys(k for run in comp.runs.values() for k, _ in _outcome_entries(run.summary, "event")))
    value_keys = list(dict.fromkeys(k for run in comp.runs.values() for k, _ in _outcome_entries(run.summary, "value")))

    def described(key):
        return next((r.summary["outcomes"][key].get("description") for r in comp.runs.values()
                     if key in r.summary.get("outcomes", {})), key)

    events = [[described(k), *(_share_text(r.summary["outcomes"].get(k)) for r in comp.runs.values())]
              for k in event_keys]
    values = []
    for k in value_keys:
        cells = []
        for r in comp.runs.values():
            e = r.summary["outcomes"].get(k)
            cells.append(fmt_band(e.get("median"), e.get("p5"), e.get("p95"), str(e.get("unit", ""))) if e else "n/a")
        unit = next((r.summary["outcomes"][k].get("unit") for r in comp.runs.values()
                     if k in r.summary["outcomes"]), "")
        values.append([[described(k), BR, note(unit)], *cells])
    finals = []
    for metric in KEY_METRICS:
        cells = [stat_band(r.summary.get("metrics", {}).get(metric), "final",
                           unit_of(metric, r.summary.get("metrics", {}).get(metric))) for r in comp.runs.values()]
        finals.append([[metric_label(metric), BR, note(unit_of(metric))], *cells])
    figures = [figure(p.read_bytes(), name, f"{name}: median and 5\u201395% band of each scenario; vertical lines mark "
                                            f"scenario events.")
               for name, p in comp.figures.items() if "leverage" not in name]
    return {
        "comparison": True,
        "worlds": fmt(worlds),
        "baseline": comp.baseline,
        "scenarios": scenarios,
        "events": table(["outcome", *names], events, numeric=numeric, class_="side") if events else None,
        "values": table(["outcome (unit)", *names], values, numeric=numeric, class_="side") if values else None,
        "finals": table(["metric (unit)", *names], finals, numeric=numeric, class_="side"),
        "share_note": _share_note(int(worlds or 0)),
        "figures": figures,
    }


def _tally(n_diff: int, n: int, reference: str = "the baseline") -> str:
    """How many headlines read as a difference (the rule of the reading column: beyond the noise, and large enough
    to show)."""
    if n_diff == n:
        return f"All {n} headlines differ from {reference} by more than the paired noise."
    if n_diff == 0:
        return (f"None of the {n} headlines differs visibly from {reference}: every difference is within the noise "
                f"or too small to show.")
    return (f"{n_diff} of {n} headlines differ from {reference} by more than the paired noise; the other "
            f"{n - n_diff} {'is' if n - n_diff == 1 else 'are'} within the noise or too small to show.")


# ----------------------------------------------------------------------------------------------------- leverage
HOLDERS = {"US": "United States", "Iran": "Iran", "Iraq": "Baghdad"}
MATRIX = [(HOLDERS[holder], [(f"{holder} \u2192 {target}", metric) for target, metric in row])
          for holder, row in LEVERAGE_MATRIX]


def leverage(result) -> dict:
    from .figures import leverage_png, matrix_weeks, quantiles_at

    runs = runs_of(result)
    first = next(iter(runs.values()))
    series = {name: run.timeseries(LEVERAGE_METRICS) for name, run in runs.items()}
    weeks = int(first.manifest.get("weeks") or max(int(s["week"].max()) for s in series.values()))
    matrices = []
    for week in matrix_weeks(weeks):
        rows = []
        for holder, cells in MATRIX:
            row = {"holder": holder, "cells": []}
            for target, metric in cells:
                lines = []
                for name, frame in series.items():
                    q = quantiles_at(frame, metric, week)
                    if q is None:
                        lines.append({"name": name, "median": "n/a", "band": ""})
                        continue
                    median, p5, p95 = q
                    low, high = fmt(p5, "index"), fmt(p95, "index")
                    lines.append({"name": name, "median": fmt(median, "index"),
                                  "band": "" if low == high else f"[{low}\u2013{high}]"})
                row["cells"].append({"label": target, "lines": lines})
            rows.append(row)
        matrices.append({"caption": week_label(first, week), "rows": rows})
    figs = {n: p for n, p in result.figures.items() if "leverage" in n}
    if figs:
        pictures = [figure(p.read_bytes(), n, "The leverage indices over time: median and bands over worlds; "
                                              "vertical lines mark the scenario's events.") for n, p in figs.items()]
    else:
        marks = [(e["week"], e.get("name", "")) for e in first.events_declared if e.get("week") is not None] \
            if isinstance(result, RunFolder) else []
        png = leverage_png(series, first.start, marks)
        pictures = [figure(png, "leverage indices over time",
                           "The leverage indices over time (drawn for this report from timeseries.parquet): "
                           "median and 5\u201395% of worlds" + (", 25\u201375% darker" if len(runs) == 1 else
                                                                ", one colour per scenario") +
                           ("; vertical lines mark scheduled events." if marks else "."))]
    return {"single": len(runs) == 1, "comparison": isinstance(result, ComparisonFolder), "matrices": matrices,
            "figures": pictures}


# -------------------------------------------------------------------------------------------------------- story
def story(result) -> dict:
    def render(run: RunFolder) -> dict:
        s = run.story or {}
        return {
            "intro": f"Story of a typical world (world {s.get('world', '?')}, the closest of "
                     f"{fmt(s.get('worlds', run.manifest.get('worlds')))} to the median on the key metrics):",
            "lines": [{"when": f"week {line.get('week')} ({line.get('date')})", "text": str(line.get("text", ""))}
                      for line in s.get("lines") or []],
            "more": bool(s.get("more")),
            "numbers": str(s.get("numbers") or ""),
        }

    return {"runs": per_run(result, render)}


# --------------------------------------------------------------------------------------------------- parameters
def parameters(result) -> dict:
    def render(run: RunFolder) -> dict:
        rows, during = differing_parameters(run)
        return {
            "table": table(["parameter", "unit", "default", "value at week 0", "set by", "provenance"], rows,
                           numeric=(2, 3), class_="parameters") if rows else None,
            "during": table(["parameter", "unit", "at week 0", "at the end", "changed by", "provenance"], during,
                            numeric=(2, 3), caption="Changed during the run by a lever",
                            class_="parameters") if during else None,
        }

    return {"runs": per_run(result, render)}


def differing_parameters(run: RunFolder) -> tuple[list, list]:
    """Rows of the parameters whose week-0 value differs from the registry default, and of those that changed during
    the run (manifest 'parameters_at_end'), with the lever that changed them where a declared event explains it."""
    from ...model.parameters import registry

    reg = registry()
    m = run.manifest
    overrides = m.get("parameter_overrides") or {}
    start = m.get("parameters") or {}
    rows = []
    for name, value in start.items():
        values = _array(value)
        if values is None:
            continue
        p = reg.get(name)
        source = "the scenario file (parameters:)" if name in overrides else \
            "the registry default when the run was made (it has changed since)"
        if p is None:
            rows.append([code(name), "", "n/a", _value_text(values), source, "not in this version's registry"])
            continue
        if values.size and np.allclose(values, p.default, rtol=1e-9, atol=1e-12):
            continue
        rows.append([[code(name), BR, note(p.description)], p.unit, fmt(p.default), _value_text(values), source,
                     p.cite()])
    during = []
    for name, value in (m.get("parameters_at_end") or {}).items():
        values = _array(value)
        p = reg.get(name)
        begin = _array(start.get(name))
        during.append([code(name), p.unit if p else "", _value_text(begin) if begin is not None else "n/a",
                       _value_text(values) if values is not None else str(value), _changed_by(run, name),
                       p.cite() if p else "not in this version's registry"])
    return rows, during


def _changed_by(run: RunFolder, name: str) -> str:
    """The declared events that set `name`: 'week 20 (2024-06-03) (Gaza ceasefire)', or a trigger."""
    found = []
    for e in run.events_declared:
        action, opts = e.get("action"), e.get("options") or {}
        target = opts.get("name") if action == "set_parameter" else PARAMETER_ACTIONS.get(action, (None,))[0]
        if target != name:
            continue
        when_text = week_label(run, e["week"]) if e.get("week") is not None else "when its trigger fires"
        found.append(f"{when_text} ({e.get('name') or action})")
    return "; ".join(found) or "no declared event names it"


def _array(value):
    if value is None:
        return None
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None


def _value_text(values: np.ndarray) -> str:
    if values.ndim == 0:
        return fmt(float(values))
    if values.size and np.allclose(values, values.flat[0]):
        return fmt(float(values.flat[0]))
    return (f"one per world: {fmt(float(values.min()))} to {fmt(float(values.max()))}, median "
            f"{fmt(float(np.median(values)))} ({fmt(values.size)} values)")


# -------------------------------------------------------------------------------------------------- predictions
def predictions(data: dict, result) -> dict:
    reveal, entries = data.get("reveal") or [], data.get("entries") or []
    who = list(dict.fromkeys(str(e.get("name", "?")) for e in entries)) or \
        list(dict.fromkeys(str(r.get("name", "?")) for r in reveal))
    s = "s" if len(who) != 1 else ""
    out = {"intro": f"{len(who)} student{s} or group{s} ({', '.join(who)}) wrote down predictions for "
                    f"{data.get('scenario', 'this scenario')} before seeing the results. Here they are set against "
                    f"the spread of the model's worlds.",
           "reveal": None, "inside": None, "entries": None, "differences": None}
    if reveal:
        by_scenario = any("scenario" in r for r in reveal)
        rows = []
        for r in reveal:
            unit = str(r.get("unit", ""))
            predicted = r.get("predicted")
            numbers = all(isinstance(r.get(k), (int, float)) for k in ("predicted", "p5", "p95"))
            where = band_position(predicted, r["p5"], r["p95"]) if numbers else "?"
            pct = r.get("percentile")
            rows.append([r.get("name", "?"), r.get("label") or r.get("outcome", "?"),
                         *([str(r.get("scenario", "?"))] if by_scenario else []), unit, fmt(predicted, unit),
                         fmt_band(r.get("median"), r.get("p5"), r.get("p95"), unit),
                         "n/a" if pct is None else f"{float(pct):.0f}%", f"{where} the band"])
        inside_n = sum(bool(r.get("inside_band")) for r in reveal)
        first = 4 if by_scenario else 3
        out["reveal"] = table(["who", "question", *(["scenario"] if by_scenario else []), "unit", "predicted",
                               "model: median [5\u201395%]", "worlds at or below the prediction", "prediction is"],
                              rows, numeric=(first, first + 1, first + 2), class_="predictions")
        out["inside"] = (f"{inside_n} of {len(reveal)} predictions {'falls' if inside_n == 1 else 'fall'} inside "
                         f"the model's band. For a share of worlds, the band is the 90% interval of that share.")
        out["differences"] = _predicted_differences(data.get("differences") or [])
    elif entries:
        rows = [[e.get("name", "?"), e.get("created", ""),
                 "; ".join(f"{k} = {fmt(v) if isinstance(v, (int, float)) else v}"
                           for k, v in (e.get("predictions") or {}).items())]
                for e in entries]
        out["entries"] = table(["who", "recorded", "predictions"], rows)
    return out


def _predicted_differences(differences: list) -> dict | None:
    """The differences students predicted between two scenarios against the paired ones (sim compare)."""
    rows = []
    for d in differences:
        if not isinstance(d, dict):
            continue
        unit = str(d.get("unit", ""))
        interval = f"[{fmt(d.get('low'), unit, signed=True)}, {fmt(d.get('high'), unit, signed=True)}]"
        rows.append([d.get("name", "?"), d.get("label") or d.get("outcome", "?"),
                     f"{d.get('scenario', '?')} \u2212 {d.get('reference', '?')}", fmt(d.get("predicted"), unit,
                                                                                         signed=True),
                     [fmt(d.get("model"), unit, signed=True), BR, note(interval)], str(d.get("reading", ""))])
    if not rows:
        return None
    return table(["who", "question", "difference", "predicted", "model: paired mean [90% interval]", "reading"],
                 rows, numeric=(3, 4), caption="Predicted differences between scenarios against the paired ones",
                 class_="predictions")


# -------------------------------------------------------------------------------------------------- assumptions
def assumptions(result) -> dict:
    start = next(iter(runs_of(result).values())).start
    return {"not_forecast": NOT_FORECAST, "items": [
        "Four actors, the United States, Iran, the Iraqi government and three militia factions, each act as one "
        "unitary actor. Every week each picks among a few options by a logit (quantal-response) draw: options "
        "with higher utility are more likely, but choices are boundedly rational and noisy, not best responses, "
        "and carry some inertia.",
        "The utilities are stylised: the weights and constants that turn troops, dollars, attacks, power and "
        "grievance into a choice are modelling assumptions (parameters labelled as such in the registry), not "
        "estimates from data.",
        f"Time moves in weekly steps from {start.isoformat()}. Actors react to last week's state and to decaying "
        f"memories of attacks, strikes and casualties; they do not learn, plan ahead or anticipate each other.",
        "Parameters come from one January 2024 news analysis of how the US and Iran squeeze each other through "
        "Iraq, a few public figures (troop numbers, oil, reserves, exchange rates, budgets), and assumptions. The "
        "model is checked against a handful of early-2024 patterns, such as a few attacks a week, and five "
        "episodes of 2022-24 (the dollar squeeze, the banks barred, the gas cut, the truce and the attack wave).",
        "Much is left out: elections and unrest (public discontent acts only through Baghdad's fear of US dollar "
        "threats), coalition politics in Baghdad, the Kurdistan Regional Government, Israel, the Gulf states, US and "
        "Iranian domestic politics beyond US casualties, fighting in Syria, and oil exports (the oil price moves but "
        "the volume is fixed).",
        "Leverage is read as control of chokepoints (the New York Fed account, the waivers, gas and electricity, the "
        "restricted accounts, the militias' pay): the harm a holder can still impose, times its credibility. The six "
        "leverage indices are constructed measures for comparing scenarios, not observable quantities.",
        "The worlds of an ensemble share the same parameters and differ only in their random draws (choices, "
        "attacks, strikes, exchange-rate shocks). So the bands show how much chance alone moves things under these "
        "assumptions; they are not the uncertainty about the assumptions themselves, which sweeps over the "
        "parameter ranges explore.",
    ]}
