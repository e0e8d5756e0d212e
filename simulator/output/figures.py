"""Figures a student wants: median and bands over time for the key metrics and the leverage indices,
with the scenario's events marked as dashed lines."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..model.metrics import KEY_METRICS, LEVERAGE_METRICS, METRICS
from .bands import date_axis, draw_band, first_week, quantiles

FIGURES = {"key_metrics.png": (KEY_METRICS, (3, 3)),
           "leverage.png": (LEVERAGE_METRICS, (3, 2)),
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


def band_panel(ax, model, name: str, marks, color="C0", label=None, index: int = 0) -> None:
    """One metric of one model on `ax` through the shared band drawer, events as dashed lines."""
    unit = METRICS[name].unit
    weeks, q = quantiles(model.recorder.series(name), first_week(unit))
    draw_band(ax, [model.calendar.date(int(w)) for w in weeks], q, color=color, label=label, index=index)
    for week, _ in marks:
        ax.axvline(model.calendar.date(week), color="0.3", linestyle="--", linewidth=0.9)
    ax.set_title(METRICS[name].description, fontsize=9)
    ax.set_ylabel(unit, fontsize=8)
    ax.tick_params(labelsize=7)
    ax.grid(alpha=0.3)
    date_axis(ax)


def write_overlays(models: dict, folder: Path, title: str) -> list[Path]:
    """Median and 5-95% band of each scenario on the same axes (key metrics and leverage), events dashed."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for filename, (names, (rows, cols)) in list(FIGURES.items())[:2]:
        fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 2.9 * rows), sharex=True, squeeze=False)
        for ax, name in zip(axes.flat, names):
            for i, (label, model) in enumerate(models.items()):
                band_panel(ax, model, name, [], color=f"C{i}", label=label, index=i)
                for week, _ in event_marks(model):
                    ax.axvline(model.calendar.date(week), color=f"C{i}", linestyle="--", linewidth=0.9)
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
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    marks = event_marks(model)
    written = []
    for filename, (names, (rows, cols)) in FIGURES.items():
        fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 2.9 * rows), sharex=True, squeeze=False)
        for ax, name in zip(axes.flat, names):
            band_panel(ax, model, name, marks)
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
