"""The dashboard's charts: one small figure per metric, kept from week to week and redrawn fast, as JPEG bytes.

A chart's frame (axes, ticks, the dashed lines of levers pulled) is drawn once and kept as a bitmap; each week only
the bands are drawn over a copy of it (matplotlib's blitting). The frame is drawn again only when the value axis
or the levers change. The value axis follows the unit (see axes.value_axis: a minimum span, whole-number ticks
for counts) and only grows during a run, so the frame seldom changes. The x axis spans the whole run, so the fans
grow from left to right as the class plays.

Making a figure and drawing its first frame is the slow part, so there is one chart per metric for the whole server
(`chart(name)`), shared by the browser sessions, each drawing under the chart's lock; serve() draws them all once
before the first page. Figures use matplotlib's object API (no pyplot, no global state).
"""

from __future__ import annotations

import io
import threading

import numpy as np

from ...model.metrics import METRICS
from ...output.axes import value_axis, value_ticks
from ...output.bands import date_axis, draw_band, move_band

FAN_COLOR = "#1f5fa8"
LEVER_COLOR = "#c0392b"
SIZE = (4.9, 2.6)  # inches at DPI: about the width of half the page at 1024x768
DPI = 100
TICK_SIZE = 13  # points: readable from the back of a room at that size


def run_dates(model) -> np.ndarray:
    """The date of every week of the run, week 0 to the horizon, as matplotlib's date numbers (plain floats,
    which matplotlib draws faster than dates)."""
    from matplotlib.dates import date2num

    return date2num([model.calendar.date(week) for week in range(model.weeks + 1)])


_CHARTS: dict = {}
_MAKING = threading.Lock()


def chart(name: str) -> MetricChart:
    """The server's one chart of metric `name`."""
    with _MAKING:
        if name not in _CHARTS:
            _CHARTS[name] = MetricChart(name)
        return _CHARTS[name]


class MetricChart:
    """The fan chart of one metric: median and 25-75% and 5-95% bands over worlds, levers as dashed lines."""

    def __init__(self, name: str):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.name, self.unit = name, METRICS[name].unit
        self.figure = Figure(figsize=SIZE, dpi=DPI)
        self.canvas = FigureCanvasAgg(self.figure)
        self.ax = self.figure.subplots()
        self.ax.tick_params(labelsize=TICK_SIZE)
        self.ax.grid(alpha=0.3)
        self.figure.subplots_adjust(left=0.17, right=0.94, top=0.95, bottom=0.14)
        self._frame = None  # what the kept bitmap shows: (first date, last date, value ticks, lever weeks)
        self._background = None
        self._levers = []  # the dashed lines in the frame
        self._bands = []  # the artists drawn over the frame (draw_band's, then moved to each week's data)
        self.lock = threading.Lock()

    def image(self, dates: np.ndarray, weeks: np.ndarray, q: np.ndarray, lever_weeks=()) -> bytes:
        """The chart of `weeks` and their quantiles `q` (from stats.fan); `dates` from run_dates(model)."""
        with self.lock:
            return self._image(dates, weeks, q, lever_weeks)

    def _image(self, dates, weeks, q, lever_weeks) -> bytes:
        data = float(np.min(q[0])), float(np.max(q[-1]))  # only grows during a run: the history stays
        frame = (dates[0], dates[-1], tuple(value_ticks(self.unit, *data)), tuple(lever_weeks))
        if frame != self._frame:
            self._draw_frame(dates, data, lever_weeks)
            self._frame = frame
        self.canvas.restore_region(self._background)
        if self._bands:
            move_band(self._bands, dates[weeks], q)
        else:
            self._bands = draw_band(self.ax, dates[weeks], q, color=FAN_COLOR)
            for artist in self._bands:
                artist.set_animated(True)  # drawn over the frame, not in it
        for artist in self._bands:
            self.ax.draw_artist(artist)
        return _jpeg(self.canvas)

    def _draw_frame(self, dates, data, lever_weeks) -> None:
        ax = self.ax
        for line in self._levers:
            line.remove()
        value_axis(ax, self.unit, *data)
        self._levers = [ax.axvline(dates[week], color=LEVER_COLOR, linestyle="--", linewidth=1.5)
                        for week in lever_weeks]
        ax.xaxis_date()
        ax.set_xlim(dates[0], dates[-1])
        date_axis(ax)
        self.canvas.draw()
        self._background = self.canvas.copy_from_bbox(self.figure.bbox)


def _jpeg(canvas) -> bytes:
    """The canvas as JPEG: half the time of the fastest PNG, the largest part of a chart's redraw otherwise.
    High quality and no colour subsampling keep thin lines and text sharp."""
    from PIL import Image

    width, height = canvas.get_width_height()
    image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="jpeg", quality=92, subsampling=0)
    return buffer.getvalue()
