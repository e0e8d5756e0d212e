"""Results: a recorded run as labelled data, for outside drivers (notebooks, EMA Workbench, SALib, xarray users).

`LeverageModel.results()` gives one. It holds every recorded metric as a (weeks + 1, worlds) array (week 0 is the
initial state), the week dates, the world ids, the seed, the scenario name when the model came from a scenario, and
each metric's unit and description. It reads the series through the project's shared pieces: the long table of
`recorder.long_frame`, the outcome vocabulary of `outcomes`, the formatter of `units` and the band drawer of
`output.bands`, so it shows the same numbers as `sim run`, its report and the dashboard.

Importing this module imports numpy only; pandas, matplotlib and xarray load when a method needs them.
"""

from __future__ import annotations

import datetime as dt
import html

import numpy as np

from ..errors import UserError, closest
from .metrics import KEY_METRICS, METRICS
from .outcomes import OUTCOMES, from_series, resolve, summarize
from .units import fmt, fmt_band

# The outcomes shown by repr() and in a notebook, in this order.
HEADLINE = ("us_withdrawal_began", "iraq_requested_withdrawal", "us_used_dollar_cudgel", "mean_attacks_per_week",
            "total_us_casualties", "peak_parallel_rate")


class Results:
    """One ensemble's recorded series with their labels.

    Attributes: `series` (metric -> read-only (weeks + 1, worlds) float32 array), `world_ids`, `seed`, `start_date`,
    `dates` (one per week), `scenario` (name or None), `units` and `descriptions` (per metric), `marks` ((week, label)
    of the scenario's events, drawn as vertical lines), `worlds` and `weeks` (weeks run).
    """

    def __init__(self, series: dict, world_ids, seed: int, start_date: dt.date, scenario: str | None = None,
                 marks=()):
        self.series = {}
        for name, values in series.items():
            values = np.asarray(values).view()
            values.flags.writeable = False  # a view of the model's recorder: read it, never change it
            self.series[name] = values
        self.world_ids = np.asarray(world_ids, dtype=np.int64)
        self.seed = int(seed)
        self.start_date = start_date
        self.scenario = scenario
        self.marks = list(marks)
        self.units = {name: METRICS[name].unit for name in self.series}
        self.descriptions = {name: METRICS[name].description for name in self.series}
        self._headline = None

    @classmethod
    def from_model(cls, model) -> Results:
        """The weeks a recorded model has run so far (no copy: the arrays are views of its recorder)."""
        from ..output.figures import event_marks

        if model.recorder is None:
            raise UserError("results: this model was built with record=False, so it kept no series; build it with "
                            "record=True (the default) to get its results.")
        return cls({name: model.recorder.series(name) for name in METRICS}, model.world_ids, model.seed,
                   model.calendar.start, getattr(model, "scenario_name", None), event_marks(model))

    # ------------------------------------------------------------------------------------------------ labels
    @property
    def worlds(self) -> int:
        return len(self.world_ids)

    @property
    def weeks(self) -> int:
        """Weeks run (the series have one more row: week 0)."""
        return len(next(iter(self.series.values()))) - 1 if self.series else 0

    @property
    def dates(self) -> list[dt.date]:
        return [self.start_date + dt.timedelta(weeks=w) for w in range(self.weeks + 1)]

    # ------------------------------------------------------------------------------------------------ tables
    def to_frame(self):
        """Long pandas table, one row per (world, week): world, week, date and every metric (as
        `LeverageModel.timeseries()`)."""
        from .calendar import Calendar
        from .recorder import long_frame

        return long_frame(self.series.__getitem__, self.series, self.world_ids, Calendar(self.start_date))

    def to_xarray(self):
        """An xarray.Dataset with dims (week, world), coordinates week, world and date (on week), one variable per
        metric (float32 as recorded) with attrs `units` and `description`, and dataset attrs seed, worlds, weeks,
        start_date (ISO text) and scenario ('' when unknown), so it writes to netCDF or Zarr as it is."""
        try:
            import xarray as xr
        except ImportError:
            raise UserError("Results.to_xarray needs the xarray package, which is not installed; install it with "
                            "`pip install xarray`.") from None
        data_vars = {name: (("week", "world"), values,
                            {"units": self.units[name], "description": self.descriptions[name]})
                     for name, values in self.series.items()}
        coords = {"week": np.arange(self.weeks + 1), "world": self.world_ids,
                  "date": ("week", np.array(self.dates, dtype="datetime64[ns]"))}
        attrs = {"seed": self.seed, "worlds": self.worlds, "weeks": self.weeks,
                 "start_date": self.start_date.isoformat(), "scenario": self.scenario or ""}
        return xr.Dataset(data_vars, coords=coords, attrs=attrs)

    def outcomes(self, names=None):
        """Per-world outcomes as a DataFrame: `world`, then one column per outcome of `simulator.OUTCOMES` (or of
        `names`); the same table as `LeverageModel.outcomes()`."""
        import pandas as pd

        chosen = OUTCOMES if names is None else resolve(names)
        values = from_series(self.series.__getitem__, chosen)
        return pd.DataFrame({"world": self.world_ids, **values})

    def summary(self, names=None):
        """One row per outcome (index: its name) over worlds, through `outcomes.summarize`: description, kind
        ('event' or 'value'), unit, then `value`, `low`, `high` - for an event the share of worlds and its 90%
        Wilson interval, for a value the median and the 5%-95% band - and `text`, the three formatted by `fmt`."""
        import pandas as pd

        chosen = OUTCOMES if names is None else resolve(names)
        table = self.outcomes(list(chosen))
        rows = {}
        for name, outcome in chosen.items():
            s = summarize(outcome, table[name].to_numpy())
            value, low, high = (s["share"], s["low"], s["high"]) if s["kind"] == "event" else \
                (s["median"], s["p5"], s["p95"])
            rows[name] = {"description": outcome.description, "kind": s["kind"], "unit": outcome.unit,
                          "value": value, "low": low, "high": high,
                          "text": fmt_band(value, low, high, outcome.unit)}
        return pd.DataFrame.from_dict(rows, orient="index",
                                      columns=["description", "kind", "unit", "value", "low", "high", "text"])

    # ------------------------------------------------------------------------------------------------ figure
    def plot(self, metrics=None, ax=None):
        """Median and 5-25-75-95% bands over time, through the project's band drawer, and the scenario's events as
        vertical lines. `metrics`: None for the key-metrics grid, a metric name, or a list of names. With `ax` (one
        metric), draws on that matplotlib Axes. Returns the matplotlib Figure; it is not left open in pyplot (a
        notebook shows it once, loops do not pile up figures): save it with `fig.savefig(path)`."""
        names = KEY_METRICS if metrics is None else [metrics] if isinstance(metrics, str) else list(metrics)
        for name in names:
            if name not in self.series:
                raise UserError(f"Results.plot: unknown metric {name!r}.{closest(str(name), self.series)} "
                                f"Expected one of: {', '.join(self.series)}.")
        if not names:
            raise UserError("Results.plot: expected at least one metric name, found none.")
        if ax is not None:
            if len(names) != 1:
                raise UserError(f"Results.plot: `ax` takes one metric, found {len(names)}; expected a single metric "
                                f"name, or no `ax` for a grid.")
            self._panel(ax, names[0])
            ax.legend(fontsize=7, loc="best")
            return ax.figure

        import matplotlib.pyplot as plt

        cols = min(3, len(names))
        rows = -(-len(names) // cols)
        fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 2.9 * rows + 0.4), sharex=True, squeeze=False,
                                 layout="constrained")
        plt.close(fig)
        for panel, name in zip(axes.flat, names):
            self._panel(panel, name)
        for panel in axes.flat[len(names):]:
            panel.set_visible(False)
        # the band key and the named vertical lines below the panels, clear of the data
        fig.legend(handles=axes.flat[0].get_legend_handles_labels()[0], loc="outside lower left", fontsize=7,
                   frameon=False, ncols=1 if self.marks else 3)
        fig.suptitle(self._title(), fontsize=11)
        return fig

    def _panel(self, ax, name: str) -> None:
        from ..output.axes import event_lines, same_week, unit_axis
        from ..output.bands import date_axis, draw_band, first_week, quantiles

        unit = self.units[name]
        weeks, q = quantiles(self.series[name], first_week(unit))
        dates = self.dates
        draw_band(ax, [dates[int(w)] for w in weeks], q)
        event_lines(ax, [(dates[week], label) for week, label in
                         same_week([m for m in self.marks if m[0] <= self.weeks], lambda w, t: f"week {w}: {t}")])
        unit_axis(ax, unit, float(np.nanmin(q)), float(np.nanmax(q)))
        ax.set_title(self.descriptions[name], fontsize=9)
        ax.set_ylabel(unit, fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
        date_axis(ax)

    # ------------------------------------------------------------------------------------------------ display
    def _title(self) -> str:
        name = f"Scenario '{self.scenario}'" if self.scenario else "Results"
        return (f"{name}: {fmt(self.worlds, 'worlds')} worlds x {fmt(self.weeks, 'week')} weeks from "
                f"{self.start_date.isoformat()}, seed {self.seed}")

    def _headlines(self) -> list[tuple[str, str]]:
        """(description, formatted value) of the HEADLINE outcomes; none before the first week has run."""
        if self._headline is None:
            if self.weeks == 0:
                self._headline = []
            else:
                summary = self.summary(HEADLINE)
                self._headline = [(row.description + (" (share of worlds)" if row.kind == "event" else ""), row.text)
                                  for row in summary.itertuples()]
        return self._headline

    def __repr__(self) -> str:
        lines = [self._title()]
        headlines = self._headlines()
        if not headlines:
            lines.append("  (no weeks run yet)")
        width = max((len(d) for d, _ in headlines), default=0)
        lines += [f"  {d.ljust(width)}  {v}" for d, v in headlines]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        e = html.escape
        rows = "".join(f"<tr><td style='text-align:left'>{e(d)}</td><td>{e(v)}</td></tr>"
                       for d, v in self._headlines()) or "<tr><td colspan='2'>no weeks run yet</td></tr>"
        return (f"<table><caption style='text-align:left'>{e(self._title())}</caption>"
                f"<thead><tr><th style='text-align:left'>outcome</th><th>median or share [5-95% band or 90% "
                f"interval]</th></tr></thead><tbody>{rows}</tbody></table>")
