"""Figures a student wants: median and bands over time for the key metrics and the leverage indices,
with the scenario's events marked as dashed lines."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..model.metrics import KEY_METRICS, LEVERAGE_METRICS, METRICS

FIGURES = {"key_metrics.png": (KEY_METRICS, (3, 3)),
           "leverage.png": (LEVERAGE_METRICS, (2, 2)),
           "violence.png": (["attacks_kataib_hezbollah", "attacks_hardline_allies", "us_strikes_per_week",
                             "us_casualties_per_week", "escalation", "us_troops_syria"], (2, 3))}


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


def band_panel(ax, model, name: str, marks, color="C0", label=None) -> None:
    s = model.recorder.series(name).astype(float)
    first = 1 if METRICS[name].unit.endswith("per week") else 0  # weekly counts start with the first week
    s = s[first:]
    dates = [model.calendar.date(w) for w in range(first, first + s.shape[0])]
    q5, q25, q50, q75, q95 = np.quantile(s, [0.05, 0.25, 0.5, 0.75, 0.95], axis=1)
    if label is None:  # one scenario: median with 25-75% and 5-95% bands
        ax.fill_between(dates, q5, q95, color=color, alpha=0.15, linewidth=0, label="5-95% of worlds")
        ax.fill_between(dates, q25, q75, color=color, alpha=0.3, linewidth=0, label="25-75%")
        ax.plot(dates, q50, color=color, linewidth=1.8, label="median")
    else:  # several scenarios on one panel: median and 5-95% band each
        ax.fill_between(dates, q5, q95, color=color, alpha=0.15, linewidth=0)
        ax.plot(dates, q50, color=color, linewidth=1.8, label=f"{label} (median, 5-95%)")
    for week, _ in marks:
        ax.axvline(model.calendar.date(week), color="0.3", linestyle="--", linewidth=0.9)
    ax.set_title(METRICS[name].description, fontsize=9)
    ax.set_ylabel(METRICS[name].unit, fontsize=8)
    ax.tick_params(labelsize=7)
    ax.grid(alpha=0.3)


def write_overlays(models: dict, folder: Path, title: str) -> list[Path]:
    """Median and 5-95% band of each scenario on the same axes (key metrics and leverage), events dashed."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for filename, (names, (rows, cols)) in list(FIGURES.items())[:2]:
        fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 2.9 * rows), sharex=True, squeeze=False)
        for ax, name in zip(axes.flat, names):
            for i, (label, model) in enumerate(models.items()):
                band_panel(ax, model, name, [], color=f"C{i}", label=label)
                for week, _ in event_marks(model):
                    ax.axvline(model.calendar.date(week), color=f"C{i}", linestyle="--", linewidth=0.9)
            ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 7)))
            ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %y"))
        axes.flat[0].legend(fontsize=7, loc="best")
        fig.suptitle(title, fontsize=11)
        fig.subplots_adjust(left=0.07, right=0.98, top=0.9, bottom=0.08, hspace=0.3, wspace=0.28)
        path = folder / f"compare_{filename}"
        fig.savefig(path, dpi=100)
        plt.close(fig)
        written.append(path)
    return written


def write_figures(model, folder: Path, title: str) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    marks = event_marks(model)
    written = []
    for filename, (names, (rows, cols)) in FIGURES.items():
        fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 2.9 * rows), sharex=True, squeeze=False)
        for ax, name in zip(axes.flat, names):
            band_panel(ax, model, name, marks)
            ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 7)))
            ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %y"))
        axes.flat[0].legend(fontsize=7, loc="best")
        note = "; ".join(f"wk {w}: {label}" for w, label in marks)
        fig.suptitle(f"{title}  ({model.worlds} worlds, seed {model.seed})", fontsize=11)
        if note:
            fig.text(0.01, 0.005, "Dashed lines - " + note, fontsize=7, wrap=True)
        fig.subplots_adjust(left=0.07, right=0.98, top=0.9, bottom=0.1, hspace=0.3, wspace=0.28)
        path = folder / filename
        fig.savefig(path, dpi=100)
        plt.close(fig)
        written.append(path)
    return written
