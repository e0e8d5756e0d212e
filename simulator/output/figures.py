"""Figures a student wants: median and bands over time for the key metrics and the leverage indices, with the
scenario's events marked as dashed lines that a legend names.

Drawing is split in two so it can happen in another process (`sim run` draws while it writes the tables, see
simulator.output.figure_worker): `figure_data` reduces a model to what the figures show (a few small arrays, quick to
pickle), and `draw_figures` draws those into PNGs with matplotlib's object API (no pyplot, no global state).
Axis rules (minimum span per unit, whole-number ticks for counts, thousands separators) come from
simulator.output.axes.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np

from ..model.metrics import KEY_METRICS, LEVERAGE_METRICS, METRICS
from .axes import EVENT_STYLES, event_lines, same_week, unit_axis
from .bands import date_axis, draw_band, first_week, quantiles

FIGURES = {"key_metrics.png": (KEY_METRICS, (3, 3)),
           "leverage.png": (LEVERAGE_METRICS, (3, 2)),
           "violence.png": (["attacks_kataib_hezbollah", "attacks_hardline_allies", "us_strikes_per_week",
                             "us_casualties_per_week", "escalation", "us_troops_syria"], (2, 3))}
PANEL_WIDTH, PANEL_HEIGHT = 4.2, 2.9  # inches per panel, at DPI
DPI = 100
LEGEND_ROW = 0.19  # inches per legend row (font size 8)
TITLE_WIDTH = 55  # characters of a panel title per line (font size 9 in a PANEL_WIDTH panel)


def event_marks(model) -> list[tuple[int, str]]:
    """(week, label) of each scenario event: its week if scheduled, else the median week it first fired."""
    marks = []
    for event, fired, last in zip(model.schedule_events.events, model.schedule_events.fired,
                                  model.schedule_events.last_fired):
        if event.week is not None:
            marks.append((event.week, event.name))
        elif fired.any():
            marks.append((int(np.median(last[fired])), f"{event.name} ({fired.mean():.0%} of worlds)"))
    return marks


def _date(model, week: int) -> np.datetime64:
    return np.datetime64(model.calendar.date(int(week)), "D")


def _layer(model, name: str) -> dict:
    unit = METRICS[name].unit
    weeks, q = quantiles(model.recorder.series(name), first_week(unit))
    return {"dates": np.datetime64(model.calendar.start, "D") + 7 * weeks.astype("timedelta64[D]"), "q": q}


def _mark_label(model, week: int, label: str, prefix: str = "") -> str:
    day = model.calendar.date(week)
    return f"{prefix}week {week} ({day.day} {day:%b %Y}): {label}"


def layout(title: str, start, weeks: int, files: dict | None = None) -> dict:
    """What the figures look like before any data exists (known before a run starts): the title, each file's grid
    and panels (title, unit), and the x range (the whole horizon, so all panels and files line up). `files` maps
    a file name to the FIGURES entry it draws (default: FIGURES as they are)."""
    start = np.datetime64(start, "D")
    files = {f: f for f in FIGURES} if files is None else files  # file name -> the FIGURES entry it draws
    return {"title": title, "xlim": (start - np.timedelta64(14, "D"), start + np.timedelta64(7 * int(weeks) + 14, "D")),
            "files": {filename: {"grid": FIGURES[key][1],
                                 "panels": [{"title": METRICS[n].description, "unit": METRICS[n].unit}
                                            for n in FIGURES[key][0]]}
                      for filename, key in files.items()}}


def run_title(scenario_title: str, worlds: int, seed: int) -> str:
    return f"{scenario_title}  ({worlds:,} worlds, seed {seed})"


def figure_data(model, title: str) -> dict:
    """What the run figures show, as plain data (small, picklable): the `layout`, per file and panel the band
    quantiles over dates, and the event marks (date, label) that the dashed lines show."""
    data = layout(run_title(title, model.worlds, model.seed), model.calendar.start, model.weeks)
    for filename, (names, _) in FIGURES.items():
        for panel, name in zip(data["files"][filename]["panels"], names):
            panel["layers"] = [_layer(model, name)]
    data["series"] = [{"label": None, "color": "C0", "marks": _marks(model)}]
    return data


def _marks(model, prefix: str = "") -> list[tuple]:
    """The dashed lines of a model: (date, label), one per week with events (several events' names joined)."""
    return [(_date(model, w), label) for w, label in
            same_week(event_marks(model), lambda w, names: _mark_label(model, w, names, prefix))]


def overlay_data(models: dict, title: str) -> dict:
    """The comparison overlays (key metrics and leverage) as plain data: one layer and colour per scenario."""
    first = next(iter(models.values()))
    data = layout(title, first.calendar.start, max(m.weeks for m in models.values()),
                  {f"compare_{f}": f for f in list(FIGURES)[:2]})
    for filename, spec in data["files"].items():
        for panel, name in zip(spec["panels"], FIGURES[filename.removeprefix("compare_")][0]):
            panel["layers"] = [_layer(model, name) for model in models.values()]
    data["series"] = [{"label": label, "color": f"C{i}", "marks": _marks(model, f"{label}: ")}
                      for i, (label, model) in enumerate(models.items())]
    return data


def split_layout(spec: dict, files) -> dict:
    """`spec` (a layout, or figure data) with only the named files."""
    return {**spec, "files": {f: spec["files"][f] for f in files}}


class Drawing:
    """The figures of a `layout`, drawn in two steps: the empty panels at once (figures, axes, titles, labels, date
    axes: about a sixth of the work), then `finish` adds the data and writes the PNGs. `sim run`'s figure process
    does the first step while the model runs. (Rendering the empty panels ahead as well was tried: it cost 1.2
    CPU-s to save 0.3 in `finish`, since the ticks and legends are redone once the data are in.)"""

    def __init__(self, spec: dict):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.spec = spec
        self.figures = {}
        for filename, file in spec["files"].items():
            rows, cols = file["grid"]
            fig = Figure(figsize=(PANEL_WIDTH * cols, PANEL_HEIGHT * rows + 1.0))
            FigureCanvasAgg(fig)
            axes = fig.subplots(rows, cols, sharex=True, squeeze=False)
            for ax, panel in zip(axes.flat, file["panels"]):
                ax.set_title(textwrap.fill(panel["title"], TITLE_WIDTH), fontsize=9, y=1.0)  # fixed y: no costly
                # automatic placement; wrapped so that a long title does not run into its neighbours
                ax.set_ylabel(panel["unit"], fontsize=8)
                ax.tick_params(labelsize=7)
                ax.grid(alpha=0.3)
                ax.set_xlim(*spec["xlim"])
                ax.xaxis.set_label_coords(0.5, -0.1)  # no x label: skip placing it (costly: it measures every tick)
                date_axis(ax)
                unit_axis(ax, panel["unit"], 0.0, 0.0)
            for ax in list(axes.flat)[len(file["panels"]):]:
                ax.set_visible(False)
            fig.suptitle(spec["title"], fontsize=11, va="top")
            self.figures[filename] = (fig, axes)

    def finish(self, data: dict, folder: Path) -> list[Path]:
        """Draw the data (from figure_data or overlay_data, of the same layout) and write the PNGs into `folder`."""
        folder = Path(folder)
        folder.mkdir(exist_ok=True)  # not its parents: a run folder deleted meanwhile is not made again
        series = data["series"]
        overlay = any(s["label"] for s in series)
        marks, styles = _event_marks_and_styles(series)
        written = []
        for filename, (fig, axes) in self.figures.items():
            file = data["files"][filename]
            rows, cols = file["grid"]
            event_handles = []
            for n, (ax, panel) in enumerate(zip(axes.flat, file["panels"])):
                layers = panel["layers"]
                for i, (layer, s) in enumerate(zip(layers, series)):
                    draw_band(ax, layer["dates"], layer["q"], color=s["color"], label=s["label"], index=i)
                lines = event_lines(ax, marks, styles=styles)
                if n == 0:
                    event_handles = lines
                ax.set_xlim(*data["xlim"])
                low = min(float(np.nanmin(layer["q"])) for layer in layers)
                high = max(float(np.nanmax(layer["q"])) for layer in layers)
                unit_axis(ax, panel["unit"], low, high)
            # both legends sit outside the panels: the band key under the title, the vertical lines named at the foot
            lines_of_text = sum(label.count("\n") + 1 for _, label in marks) + 1  # the legend's, title included
            height = PANEL_HEIGHT * rows + 1.0 + LEGEND_ROW * lines_of_text
            fig.set_size_inches(PANEL_WIDTH * cols, height)
            band_handles = [h for h in axes.flat[0].get_legend_handles_labels()[0] if h not in event_handles]
            fig.suptitle(data["title"], fontsize=11, y=1 - 0.1 / height, va="top")
            fig.legend(handles=band_handles, loc="upper center", bbox_to_anchor=(0.5, 1 - 0.38 / height),
                       ncols=len(band_handles), fontsize=8, frameon=False)
            if event_handles:
                title = ("Vertical lines: each scenario's events, in its colour" if overlay
                         else "Vertical lines: scenario events")
                fig.legend(handles=event_handles, loc="lower left", bbox_to_anchor=(0.01, 0.01), fontsize=8,
                           frameon=False, alignment="left", title_fontsize=8, title=title)
            else:
                fig.text(0.01, 0.01, "No scenario events in this run.", fontsize=8)
            foot = LEGEND_ROW * lines_of_text + 0.45
            fig.subplots_adjust(left=0.07 if cols > 2 else 0.09, right=0.98, top=1 - 0.95 / height,
                                bottom=foot / height, hspace=0.3, wspace=0.28)
            path = folder / filename
            fig.savefig(path, dpi=DPI)
            written.append(path)
        return written


def draw_figures(data: dict, folder: Path) -> list[Path]:
    """Draw `data` (from figure_data or overlay_data) into PNGs in `folder`; returns their paths."""
    return Drawing(data).finish(data, folder)


def _event_marks_and_styles(series) -> tuple[list, tuple]:
    """The dashed lines to draw, (date, label), and a (colour, dash) for each. A single run: each line its own style.
    An overlay: a line in its scenario's colour, its events told apart by the dash; where several scenarios have
    events on the same date, one grey line named with all of them (lines on top of each other hide all but one)."""
    if not any(s["label"] for s in series):
        marks = [mark for s in series for mark in s["marks"]]
        return marks, EVENT_STYLES
    dashes = ((0, (1, 2)), (0, (6, 2, 1, 2)), (0, (1, 5)), (0, (3, 4)))  # dotted first: unlike the medians' styles
    by_date: dict = {}
    for s in series:
        for j, (x, label) in enumerate(s["marks"]):
            by_date.setdefault(x, []).append((label, (s["color"], dashes[j % len(dashes)])))
    marks, styles = [], []
    for x, entries in sorted(by_date.items()):
        marks.append((x, "\n".join(label for label, _ in entries)))
        styles.append(entries[0][1] if len(entries) == 1 else ("0.25", "--"))
    return marks, tuple(styles)


def write_overlays(models: dict, folder: Path, title: str) -> list[Path]:
    """Median and 5-95% band of each scenario on the same axes (key metrics and leverage), events dashed."""
    return draw_figures(overlay_data(models, title), folder)


def write_figures(model, folder: Path, title: str) -> list[Path]:
    """The run figures (FIGURES) of `model` in `folder`."""
    return draw_figures(figure_data(model, title), folder)
