"""The sections of the report, each a function from the loaded folder to HTML (see page.py for the helpers)."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np

from ...model.metrics import KEY_METRICS, METRICS
from .figures import leverage_png, matrix_weeks, quantiles_at
from .folders import Comparison, Run, scenario_text
from .page import (Raw, band, bullets, esc, figure, fmt, fmt_diff, join, number, paragraphs, table, tag)

STATISTICS = {"final": "at the end", "run_mean": "mean over the run", "run_max": "peak", "run_total": "total",
              "mean": "mean over the run", "max": "peak", "min": "lowest", "total": "total", "probability": "share"}
NOT_FORECAST = ("This model explores dynamics under stated assumptions; it does not forecast. Read every number as "
                "\u201cunder these assumptions, this lever tends to move things this way, with this spread\u201d, not "
                "as a prediction of what will happen.")
# Parameters that levers set during a run, besides set_parameter: action -> (parameter, value)
BR = Raw("<br>")
TOTALS = {"attacks_per_week": "attacks on US forces in Iraq", "us_strikes_per_week": "US strikes on militias",
          "us_casualties_per_week": "US personnel killed or seriously wounded"}
PARAMETER_ACTIONS = {"gaza_ceasefire": ("world_gaza_war", 0.0), "gaza_war_resumes": ("world_gaza_war", 1.0)}


# ------------------------------------------------------------------------------------------------------ helpers
def start_of(manifest: dict) -> dt.date:
    try:
        return dt.date.fromisoformat(str(manifest.get("start_date")))
    except ValueError:
        return dt.date(2024, 1, 15)


def week_label(manifest: dict, week: int) -> str:
    return f"week {week} ({(start_of(manifest) + dt.timedelta(weeks=int(week))).isoformat()})"


def metric_label(name: str) -> str:
    return METRICS[name].description if name in METRICS else name.replace("_", " ")


def unit_of(name: str, entry: dict | None = None) -> str:
    if entry and entry.get("unit"):
        return str(entry["unit"])
    return METRICS[name].unit if name in METRICS else ""


def stat_band(entry: dict, statistic: str, unit: str) -> str:
    s = entry.get(statistic)
    if not isinstance(s, dict):
        return "n/a"
    return band(s.get("median"), s.get("p5"), s.get("p95"), unit)


def runs_of(result: Run | Comparison) -> dict:
    return result.runs if isinstance(result, Comparison) else {result.name: result}


def per_run(result, render) -> Raw:
    """`render(run)` for a single run, or under one heading per run for a comparison."""
    if isinstance(result, Run):
        return render(result)
    parts = []
    for name, run in result.runs.items():
        heading = name if name != result.baseline or name == "baseline" else f"{name} (the baseline)"
        parts.append(join(tag("h3", heading), render(run)))
    return join(*parts)


# ------------------------------------------------------------------------------------------------------- header
def header(result: Run | Comparison, created: dt.datetime) -> Raw:
    runs = runs_of(result)
    first = next(iter(runs.values())).manifest
    worlds, weeks, seed = first.get("worlds"), first.get("weeks"), first.get("seed")
    start = start_of(first)
    end = start + dt.timedelta(weeks=int(weeks or 0))
    if isinstance(result, Comparison):
        data = result.data
        worlds, weeks, seed = data.get("worlds", worlds), data.get("weeks", weeks), data.get("seed", seed)
        title = f"{', '.join(result.scenarios)} compared with {result.baseline}"
        what = (f"Comparison of {len(result.scenarios)} scenario{'s' if len(result.scenarios) != 1 else ''} with the "
                f"baseline on {int(worlds):,} paired worlds")
        stamps = list(dict.fromkeys(_stamp(r.manifest.get("created")) for r in runs.values()))
        run_created = ", ".join(stamps)
    else:
        title = f"{result.name}: {first.get('title') or scenario_text(result)['title']}"
        what = f"Run of {int(worlds):,} worlds"
        run_created = _stamp(first.get("created"))
    versions = first.get("versions") or {}
    lines = [
        tag("p", "Debrief", class_="meta"),
        tag("h1", title),
        tag("p", f"{what} \u00d7 {weeks} weeks, from {start.isoformat()} to {end.isoformat()}, seed {seed}.",
            class_="meta"),
        tag("p", f"Simulated {run_created}; report written {_stamp(created.isoformat(timespec='seconds'))}.", class_="meta"),
        tag("p", "Versions: " + (", ".join(f"{k} {v}" for k, v in versions.items()) or "not recorded") + ".",
            class_="meta"),
        tag("p", f"Folder: {result.folder.resolve()}", class_="meta"),
        tag("div", tag("p", join(tag("strong", "Not a forecast. "), NOT_FORECAST)), class_="callout"),
    ]
    return join(*lines)


def _stamp(iso) -> str:
    """An ISO time as '2024-01-15 12:00:00 UTC+00:00'."""
    if not iso:
        return "at an unrecorded time"
    try:
        t = dt.datetime.fromisoformat(str(iso))
    except ValueError:
        return str(iso)
    zone = t.strftime(" UTC%z") if t.tzinfo else ""
    return t.strftime("%Y-%m-%d %H:%M:%S") + (zone[:-2] + ":" + zone[-2:] if zone else "")


# ----------------------------------------------------------------------------------------------------- question
def question(result) -> Raw:
    def render(run: Run) -> Raw:
        text = scenario_text(run)
        files = [str(f.get("path") if isinstance(f, dict) else f) for f in run.manifest.get("scenario_files") or []]
        parts = [tag("p", tag("strong", text["title"] or run.name))]
        parts.append(paragraphs(text["description"]) if text["description"] else
                     tag("p", "The scenario file's description could not be read; the title above is the one "
                              "recorded with the run.", class_="muted"))
        if text["note"]:
            parts.append(tag("p", f"Note: {text['note']}.", class_="note"))
        if files:
            parts.append(tag("p", join("Scenario file", "s" if len(files) > 1 else "", " (parents first): ",
                                       *_interleave([tag("code", f) for f in files], " \u2192 ")), class_="note"))
        return join(*parts)

    if isinstance(result, Comparison):
        lead = tag("p", f"What changes, world by world, when {_and(result.scenarios)} "
                        f"{'is' if len(result.scenarios) == 1 else 'are'} set against the baseline {result.baseline}? "
                        f"Each scenario's own question:")
        return join(lead, per_run(result, render))
    return per_run(result, render)


def _and(names) -> str:
    names = [str(n) for n in names]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _interleave(items, sep):
    out = []
    for i, item in enumerate(items):
        if i:
            out.append(sep)
        out.append(item)
    return out


# ------------------------------------------------------------------------------------------------------- levers
def levers(result) -> Raw:
    def render(run: Run) -> Raw:
        events = run.manifest.get("events") or []
        if not events:
            return tag("p", "No lever is pulled in this scenario: the situation is left to run as it stands, as a "
                            "reference for comparisons.")
        rows = [[_lever_name(e), _lever_when(run, e), _lever_action(e), _lever_options(e)] for e in events]
        return join(tag("p", "Scenario events in the order they are declared (a parent scenario's first). A "
                             "scheduled event fires in every world; a triggered one in each world where its "
                             "condition holds."),
                    table(["lever", "when", "action", "options"], rows, class_="levers"))

    return per_run(result, render)


def _lever_name(e: dict) -> Raw:
    name = tag("strong", e.get("name") or e.get("action", "?"))
    return join(name, tag("span", f" \u2014 {e['description']}", class_="muted")) if e.get("description") else name


def _lever_when(run: Run, e: dict) -> Raw:
    manifest = run.manifest
    if e.get("week") is not None:
        date = (start_of(manifest) + dt.timedelta(weeks=int(e["week"]))).isoformat()
        repeat = f", then every {e['every']} weeks" if e.get("repeat") and e.get("every") else ""
        return join(f"week {e['week']}", BR, tag("span", date, class_="nowrap"), repeat)
    when = e.get("when") or {}
    metric = when.get("metric", "?")
    parts = []
    if when.get("above") is not None:
        parts.append(f"above {number(when['above'])}")
    if when.get("below") is not None:
        parts.append(f"below {number(when['below'])}")
    n = int(when.get("for_weeks") or 1)
    text = (f"when {metric_label(metric)} ({metric}) is {' and '.join(parts) or '?'} {unit_of(metric)} for "
            f"{n} consecutive week{'s' if n != 1 else ''}")
    if int(when.get("after_week") or 1) > 1:
        text += f", from week {when['after_week']} on"
    if e.get("repeat"):
        text += f"; may fire again after {e.get('every') or n} weeks"
    fired = _fired(run, e)
    return join(esc(text), tag("span", f" {fired}", class_="note") if fired else None)


def _fired(run: Run, e: dict) -> str:
    """How often a triggered event fired, from events.parquet."""
    ev = run.events
    if ev is None:
        return ""
    mine = ev[(ev["actor"] == "scenario") & (ev["description"] == (e.get("name") or e.get("action")))]
    worlds = int(run.manifest.get("worlds") or 0)
    if mine.empty:
        return "(it fired in no world)"
    first = mine.groupby("world")["week"].min()
    share = len(first) / worlds if worlds else float("nan")
    return f"(fired in {share:.0%} of worlds; median first week {int(np.median(first))})"


def _lever_action(e: dict) -> Raw:
    from ...model.events import ACTIONS

    action = e.get("action", "?")
    help_text = ACTIONS[action].help if action in ACTIONS else "an action this version of the simulator does not know"
    return join(tag("code", action), BR, esc(help_text))


def _lever_options(e: dict) -> Raw:
    from ...model.events import ACTIONS

    options = e.get("options") or {}
    if not options:
        return esc("none")
    known = ACTIONS[e["action"]].options if e.get("action") in ACTIONS else {}
    items = []
    for key, value in options.items():
        shown = ("rest of the run" if key == "duration" else "default") if value is None else \
            str(value).lower() if isinstance(value, bool) else number(value)
        help_text = known[key].help if key in known and known[key].help else ""
        items.append(join(tag("code", key), f" = {shown}",
                          tag("span", f" ({help_text})", class_="note") if help_text else None))
    return tag("ul", join(*(tag("li", i) for i in items)), class_="options")


# ---------------------------------------------------------------------------------------------------- headlines
def headlines(result) -> Raw:
    if isinstance(result, Comparison):
        return _comparison_headlines(result)
    run = result
    m, weeks = run.manifest, run.manifest.get("weeks")
    metrics = run.summary.get("metrics", {})
    rows = []
    for name in KEY_METRICS:
        entry = metrics.get(name)
        if entry is None:
            continue
        unit = unit_of(name, entry)
        rows.append([metric_label(name), unit, stat_band(entry, "final", unit), stat_band(entry, "run_max", unit),
                     stat_band(entry, "run_mean", unit)])
    parts = [
        tag("p", f"Median over {int(m.get('worlds', 0)):,} worlds, with the 5\u201395% band in brackets (the middle "
                 f"90% of worlds). A single number means the 5% and 95% values coincide."),
        table(["metric", "unit", f"at the end (week {weeks})", "peak over the run", "mean over the run"],
              rows, numeric=(2, 3, 4), caption="Key metrics"),
    ]
    totals = [f"{TOTALS[n]}: {stat_band(metrics[n], 'run_total', 'people')}"
              for n in TOTALS
              if n in metrics and "run_total" in metrics[n]]
    if totals:
        parts.append(tag("p", f"Totals over the {weeks} weeks, median [5\u201395%]: " + "; ".join(totals) + "."))
    parts.append(_outcomes_table(run))
    for name, caption in (("key_metrics.png", "Key metrics over time"),
                          ("violence.png", "Violence: attacks by faction, US strikes and casualties, escalation")):
        if name in run.figures:
            parts.append(figure(run.figures[name].read_bytes(), caption,
                                f"{caption}: median (line), 25\u201375% and 5\u201395% of worlds (bands); "
                                f"dashed lines mark the scenario's events."))
    if not run.figures:
        parts.append(tag("p", "This run was made without figures (--no-figures); the leverage figure below is drawn "
                              "from its time series.", class_="note"))
    return join(*parts)


def _outcomes_table(run: Run) -> Raw:
    outcomes = run.summary.get("outcomes", {})
    worlds = int(run.manifest.get("worlds") or run.summary.get("worlds") or 0)
    rows = []
    for key, entry in sorted(outcomes.items(), key=lambda kv: -float(kv[1].get("probability", 0))):
        p = float(entry.get("probability", 0))
        bar = Raw(f'<span class="bar" style="width:{p * 5:.2f}rem"></span>')
        rows.append([entry.get("description", key), join(bar, f"{p:.0%}"), f"{round(p * worlds):,} of {worlds:,}"])
    return join(table(["outcome", "share of worlds", "worlds"], rows, numeric=(1, 2), caption="Outcomes"),
                tag("p", f"With a finite number of worlds a share is itself uncertain: with {worlds:,} worlds, by up "
                         f"to \u00b1{164.5 * (0.25 / max(worlds, 1)) ** 0.5:.0f} percentage points (90% interval, "
                         f"largest for shares near 50%).", class_="note"))


def _row_label(r: dict) -> str:
    label = r.get("label") or r.get("metric") or r.get("outcome") or r.get("key") or "?"
    stat = r.get("statistic")
    if stat and stat != "probability" and str(STATISTICS.get(stat, stat)).lower() not in str(label).lower():
        label = f"{label} ({STATISTICS.get(stat, stat)})"
    return str(label)


def _row_unit(r: dict) -> str:
    if r.get("unit"):
        return str(r["unit"])
    if r.get("outcome") is not None:
        return "share of worlds"
    return unit_of(str(r.get("metric", "")))


def _difference(r: dict) -> Raw:
    unit = _row_unit(r)
    interval = f"[{fmt_diff(r.get('ci90_low'), unit)}, {fmt_diff(r.get('ci90_high'), unit)}]"
    return join(fmt_diff(r.get("mean_difference"), unit), BR, tag("span", interval, class_="note"))


def _reading(r: dict) -> Raw:
    if not r.get("distinguishable"):
        return tag("span", "not distinguishable from zero (the 90% interval includes 0)", class_="verdict-same")
    direction = "higher" if float(r.get("mean_difference", 0)) > 0 else "lower"
    text = f"{direction} than the baseline"
    if r.get("better") in ("higher", "lower"):
        text += ": better" if direction == r["better"] else ": worse"
    return tag("span", text, class_="verdict-diff")


def _comparison_headlines(comp: Comparison) -> Raw:
    rows_all = comp.data.get("rows") or []
    worlds = comp.data.get("worlds") or comp.runs[comp.baseline].manifest.get("worlds")
    parts = [tag("p", f"Every scenario ran with the baseline's seed and {int(worlds):,} worlds, so world i of a "
                      f"scenario faces the same random draws as world i of {comp.baseline} until their choices "
                      f"diverge: the differences are paired world by world. Difference = scenario \u2212 "
                      f"baseline, averaged over worlds, with a 90% interval for that mean; a difference whose interval "
                      f"includes zero is not distinguishable from the noise of the draws. \u201cHigher / lower\u201d "
                      f"is the share of paired worlds in which the scenario came out higher or lower. Differences of "
                      f"shares are in percentage points (pts); \u201cbetter\u201d and \u201cworse\u201d are "
                      f"marked only where one direction is plainly better.")]
    for scenario in comp.scenarios:
        rows = [r for r in rows_all if isinstance(r, dict) and r.get("scenario") == scenario]
        body = []
        for r in rows:
            unit = _row_unit(r)
            body.append([join(_row_label(r), BR, tag("span", unit, class_="note")), fmt(r.get("baseline_value"), unit),
                         fmt(r.get("scenario_value"), unit),
                         _difference(r),
                         f"{float(r.get('share_higher', 0)):.0%} / {float(r.get('share_lower', 0)):.0%}",
                         _reading(r)])
        n_diff = sum(bool(r.get("distinguishable")) for r in rows)
        parts += [tag("h3", f"{scenario} against {comp.baseline}"),
                  table(["headline (unit)", comp.baseline, scenario, "difference [90% interval]",
                         "paired worlds higher / lower", "reading"], body, numeric=(1, 2, 3, 4), class_="compare")
                  if body else
                  tag("p", "comparison.json has no rows for this scenario.", class_="muted"),
                  tag("p", _tally(n_diff, len(rows)), class_="note")]
    parts += [tag("h3", "Outcomes, share of worlds"), _outcomes_side_by_side(comp),
              tag("h3", "Key metrics at the end, median [5\u201395%]"), _finals_side_by_side(comp)]
    for name, path in comp.figures.items():
        if "leverage" not in name:
            parts.append(figure(path.read_bytes(), name, f"{name}: median and 5\u201395% band of each scenario; "
                                                          f"dashed lines mark scenario events."))
    return join(*parts)


def _tally(n_diff: int, n: int) -> str:
    if n_diff == n:
        return f"All {n} headlines differ from the baseline by more than the paired noise."
    if n_diff == 0:
        return f"None of the {n} headlines is distinguishable from the baseline: every difference is within the noise."
    return (f"{n_diff} of {n} headlines differ from the baseline by more than the paired noise; the other "
            f"{n - n_diff} are not distinguishable from zero.")


def _outcomes_side_by_side(comp: Comparison) -> Raw:
    names = list(comp.runs)
    keys = list(dict.fromkeys(k for run in comp.runs.values() for k in run.summary.get("outcomes", {})))
    rows = []
    for key in keys:
        desc = next((r.summary["outcomes"][key].get("description") for r in comp.runs.values()
                     if key in r.summary.get("outcomes", {})), key)
        rows.append([desc] + [f"{float(r.summary['outcomes'][key]['probability']):.0%}"
                              if key in r.summary.get("outcomes", {}) else "n/a" for r in comp.runs.values()])
    return table(["outcome", *names], rows, numeric=tuple(range(1, len(names) + 1)))


def _finals_side_by_side(comp: Comparison) -> Raw:
    names = list(comp.runs)
    rows = []
    for metric in KEY_METRICS:
        cells = []
        for run in comp.runs.values():
            entry = run.summary.get("metrics", {}).get(metric)
            cells.append(stat_band(entry, "final", unit_of(metric, entry)) if entry else "n/a")
        rows.append([f"{metric_label(metric)} [{unit_of(metric)}]", *cells])
    return table(["metric", *names], rows, numeric=tuple(range(1, len(names) + 1)))


# ----------------------------------------------------------------------------------------------------- leverage
MATRIX = [("United States", [("US \u2192 Iraq", "leverage_us_over_iraq"), ("US \u2192 Iran", "leverage_us_over_iran")]),
          ("Iran", [("Iran \u2192 Iraq", "leverage_iran_over_iraq"), ("Iran \u2192 US", "leverage_iran_over_us")])]


def leverage(result) -> Raw:
    runs = runs_of(result)
    first = next(iter(runs.values())).manifest
    weeks = int(first.get("weeks") or max(int(r.leverage["week"].max()) for r in runs.values()))
    tables = []
    for week in matrix_weeks(weeks):
        rows = []
        for holder, cells in MATRIX:
            row = [Raw(f'<th scope="row">{esc(holder)}</th>')]
            for target, metric in cells:
                row.append(_matrix_cell(runs, metric, week, target))
            rows.append(row)
        body = "".join("<tr>" + row[0] + "".join(f"<td>{c}</td>" for c in row[1:]) + "</tr>" for row in rows)
        tables.append(Raw(f'<table class="matrix"><caption>{esc(week_label(first, week))}</caption><thead><tr>'
                          f'<th scope="col">leverage of</th><th scope="col">over Iraq</th>'
                          f'<th scope="col">over the other power</th></tr></thead><tbody>{body}</tbody></table>'))
    intro = tag("p", "Each index runs from 0 to 1: how much of the target's means the holder can still hurt "
                     "through levers it has not yet pulled (the US through Iraq's dollars at the New York Fed and "
                     "the energy waiver; Iran through gas and electricity and the militias; Iran's hold on the US "
                     "through militia threat to US troops; the US hold on Iran through Iran's revenue from Iraq). "
                     "Median over worlds, 5\u201395% band below it. The indices are constructed measures for "
                     "comparing scenarios, not observable quantities, and no actor in the model reads them.")
    if isinstance(result, Comparison):
        intro = join(intro, tag("p", "Each cell lists every scenario of the comparison, baseline first.",
                                class_="note"))
    figs = {n: p for n, p in (result.figures.items()) if "leverage" in n}
    if figs:
        pictures = [figure(p.read_bytes(), n, "The four leverage indices over time: median and bands over worlds; "
                                              "dashed lines mark the scenario's events.") for n, p in figs.items()]
    else:
        marks = [(e["week"], e.get("name", "")) for e in first.get("events") or [] if e.get("week") is not None] \
            if isinstance(result, Run) else []
        png = leverage_png({n: r.leverage for n, r in runs.items()}, start_of(first), marks)
        pictures = [figure(png, "leverage indices over time",
                           "The four leverage indices over time (drawn for this report from timeseries.parquet): "
                           "median and 5\u201395% of worlds" + (", 25\u201375% darker" if len(runs) == 1 else
                                                                ", one colour per scenario") +
                           ("; dashed lines mark scheduled events." if marks else "."))]
    return join(intro, tag("div", join(*tables), class_="matrices"), *pictures)


def _matrix_cell(runs: dict, metric: str, week: int, label: str) -> Raw:
    lines = [tag("span", label, class_="cell-label")]
    for name, run in runs.items():
        q = quantiles_at(run.leverage, metric, week)
        if q is None:
            lines.append(tag("span", f"{name}: n/a" if len(runs) > 1 else "n/a", class_="cell-band"))
            continue
        median, p5, p95 = q
        band_text = "" if fmt(p5, "index") == fmt(p95, "index") else f"[{fmt(p5, 'index')}\u2013{fmt(p95, 'index')}]"
        if len(runs) == 1:
            lines += [tag("span", fmt(median, "index"), class_="cell-median"), tag("span", band_text or "\u00a0",
                                                                                   class_="cell-band")]
        else:
            lines.append(tag("span", join(f"{name}: ", tag("strong", fmt(median, "index")), f" {band_text}"),
                             class_="cell-band"))
    return join(*lines)


# -------------------------------------------------------------------------------------------------------- story
STORY_LINE = re.compile(r"^\s+week \d+")


def story(result) -> Raw:
    def render(run: Run) -> Raw:
        lines = run.story.splitlines()
        if not lines:
            return tag("p", "story.txt is empty.", class_="muted")
        intro, events, more, after = lines[0], [], "", []
        for line in lines[1:]:
            if not after and STORY_LINE.match(line):
                events.append(line.strip())
            elif not after and line.strip().startswith("..."):
                more = line.strip().lstrip(". ")
            elif line.strip():
                after.append(line.strip())
        parts = [tag("p", intro)]
        if events:
            parts.append(tag("ul", join(*(tag("li", _story_item(e)) for e in events)), class_="story"))
        if more:
            parts.append(tag("p", f"\u2026 {more}", class_="note"))
        if after:
            parts.append(tag("p", " ".join(after)))
        return join(*parts)

    intro = tag("p", "The typical world is the one whose key metrics stay closest to the median of all worlds; its "
                     "story is the order in which things happened there. Other worlds differ: see the bands above.",
                class_="note")
    return join(intro, per_run(result, render))


def _story_item(line: str) -> Raw:
    when, sep, what = line.partition(": ")
    return join(tag("span", when, class_="when"), ": ", what) if sep else esc(line)


# --------------------------------------------------------------------------------------------------- parameters
def parameters(result) -> Raw:
    def render(run: Run) -> Raw:
        rows, during = differing_parameters(run)
        parts = []
        if rows:
            parts.append(table(["parameter", "unit", "default", "value used", "set by", "provenance"], rows,
                               numeric=(2, 3)))
        else:
            parts.append(tag("p", "Every parameter is at its default value at the start of the run."))
        if during:
            parts.append(table(["parameter", "unit", "default", "changed to", "when", "provenance"], during,
                               numeric=(2, 3), caption="Changed during the run by a lever"))
        return join(*parts)

    intro = tag("p", join("Parameters whose value differs from the default in the parameter registry "
                          "(configs/parameters.yaml), with where the default comes from: a figure in the January "
                          "2024 article, an external source, or a modelling assumption. ", tag("code", "sim params"),
                          " lists them all."))
    return join(intro, per_run(result, render))


def differing_parameters(run: Run) -> tuple[list, list]:
    """Rows of the parameters that start away from their registry default, and of those levers change mid-run.

    manifest['parameters'] holds the values at the end of the run, so a parameter a lever changed is shown at its
    starting value (the scenario's override, else the default) and, separately, with the change.
    """
    from ...model.parameters import registry

    reg = registry()
    overrides = run.manifest.get("parameter_overrides") or {}
    during, changed = [], set()
    for e in run.manifest.get("events") or []:
        action, opts = e.get("action"), e.get("options") or {}
        if action == "set_parameter":
            target, new = opts.get("name"), opts.get("value")
        elif action in PARAMETER_ACTIONS:
            target, new = PARAMETER_ACTIONS[action]
        else:
            continue
        changed.add(target)
        p = reg.get(target)
        when = week_label(run.manifest, e["week"]) if e.get("week") is not None else "when its trigger fires"
        during.append([tag("code", target), p.unit if p else "", number(p.default) if p else "n/a", number(new),
                       f"{when} ({e.get('name') or action})", p.cite() if p else "not in the registry"])
    rows = []
    for name, value in (run.manifest.get("parameters") or {}).items():
        if name in changed:
            if name not in overrides:
                continue
            value = overrides[name]  # the value it started with
        p = reg.get(name)
        try:
            values = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            continue
        if p is None:
            rows.append([tag("code", name), "", "n/a", _value_text(values),
                         "the scenario file (parameters:)" if name in overrides else "", "not in this version's registry"])
            continue
        if values.size and np.allclose(values, p.default, rtol=1e-9, atol=1e-12):
            continue
        source = "the scenario file (parameters:)" if name in overrides else \
            "the registry default when the run was made (it has changed since)"
        rows.append([join(tag("code", name), BR, tag("span", p.description, class_="note")), p.unit,
                     number(p.default), _value_text(values), source, p.cite()])
    return rows, during


def _value_text(values: np.ndarray) -> str:
    if values.ndim == 0:
        return number(float(values))
    if values.size and np.allclose(values, values.flat[0]):
        return number(float(values.flat[0]))
    return (f"one per world: {number(float(values.min()))} to {number(float(values.max()))}, median "
            f"{number(float(np.median(values)))} ({values.size:,} values)")


# -------------------------------------------------------------------------------------------------- predictions
def predictions(data: dict, result) -> Raw:
    reveal, entries = data.get("reveal") or [], data.get("entries") or []
    who = list(dict.fromkeys(str(e.get("name", "?")) for e in entries)) or \
        list(dict.fromkeys(str(r.get("name", "?")) for r in reveal))
    parts = [tag("p", f"{len(who)} student{'s' if len(who) != 1 else ''} or group{'s' if len(who) != 1 else ''} "
                      f"({', '.join(who)}) wrote down predictions for {data.get('scenario', 'this scenario')} before "
                      f"seeing the results. Here they are set against the spread of the model's worlds.")]
    if reveal:
        rows = []
        for r in reveal:
            unit = str(r.get("unit", ""))
            predicted = r.get("predicted")
            inside = r.get("inside_band")
            if inside:
                where = "inside"
            elif isinstance(predicted, (int, float)) and isinstance(r.get("p95"), (int, float)) and \
                    predicted > r["p95"]:
                where = "above"
            else:
                where = "below"
            pct = r.get("percentile")
            rows.append([r.get("name", "?"), r.get("label") or r.get("outcome", "?"), unit, number(predicted),
                         f"{number(r.get('median'))} [{number(r.get('p5'))}\u2013{number(r.get('p95'))}]",
                         "n/a" if pct is None else f"{float(pct):.0f}%", f"{where} the band"])
        inside_n = sum(bool(r.get("inside_band")) for r in reveal)
        parts += [table(["who", "question", "unit", "predicted", "model: median [5\u201395%]",
                         "worlds at or below the prediction", "prediction is"], rows, numeric=(3, 4, 5)),
                  tag("p", f"{inside_n} of {len(reveal)} predictions fall inside the model's band. For a share of "
                           f"worlds, the band is the 90% interval of that share.", class_="note")]
    elif entries:
        rows = [[e.get("name", "?"), e.get("created", ""), "; ".join(f"{k} = {number(v)}" for k, v in
                                                                      (e.get("predictions") or {}).items())]
                for e in entries]
        parts += [table(["who", "recorded", "predictions"], rows),
                  tag("p", "These predictions have not been revealed against a run yet (no 'reveal' in "
                           "predictions.json).", class_="note")]
    parts.append(tag("p", "A prediction outside the band is not simply wrong, and one inside it is not simply "
                          "right: the model shows what follows from its assumptions. The useful question is which "
                          "mechanism in the model pushes its worlds away from what you expected, and whether you "
                          "believe that mechanism."))
    return join(*parts)


# -------------------------------------------------------------------------------------------------- assumptions
def assumptions(result) -> Raw:
    first = next(iter(runs_of(result).values())).manifest
    start = start_of(first)
    items = [
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
        "Iraq, a few public figures (troop numbers, exchange rates, budgets), and assumptions. The baseline is "
        "checked against only a handful of early-2024 patterns, such as a few attacks a week.",
        "Much is left out: elections and unrest (public discontent acts only through Baghdad's fear of the dollar "
        "cudgel), coalition politics in Baghdad, the Kurdistan Regional Government, Israel, the Gulf states, US and "
        "Iranian domestic politics beyond US casualties, fighting in Syria, and the oil price (fixed).",
        "Leverage is read as control of chokepoints (the New York Fed account, the waiver, gas and electricity, the "
        "militias). The four leverage indices are constructed measures for comparing scenarios, not observable "
        "quantities.",
        "The worlds of an ensemble share the same parameters and differ only in their random draws (choices, "
        "attacks, strikes, exchange-rate shocks). So the bands show how much chance alone moves things under these "
        "assumptions; they are not the uncertainty about the assumptions themselves, which sweeps over the "
        "parameter ranges explore.",
    ]
    return join(tag("p", "In brief (the full description, with every formula, is docs/model.md):"), bullets(items),
                tag("div", join(tag("p", tag("strong", "What this report is, and is not.")), tag("p", NOT_FORECAST),
                                tag("p", "Compare scenarios run on the same seed rather than reading levels as "
                                         "predictions, and try the parameter ranges in docs/parameters.md before "
                                         "drawing conclusions.")), class_="callout"))
